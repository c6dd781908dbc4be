package io.github.bufdsl.analysis;

import io.github.bufdsl.ast.AssignOp;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.ast.TensorExpr;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code @tensor} statements in the sizing function: the uses of their tensors, the allocation a
 * {@code :=} makes, and the terms, groupings and references the index checks and the workspace read.
 */
final class TensorStatements {
    private TensorStatements() {
    }

    /** Translates {@code t}; {@code allocations} are the latest alloc! of each tensor name (to size := from). */
    static void translate(Stmt.Tensor t, Map<String, SizeStmt.Alloc> allocations, java.util.Set<String> buffers,
            List<SizeStmt> out) {
        Set<String> names = new LinkedHashSet<>();
        if (t.op() != AssignOp.DEFINE && !t.scalar()) {
            SizeExprs.names(t.lhs().tensor(), names);
        }
        SizeExprs.tensorNames(t.rhs(), names);
        SizingBuilder.use(t.pos(), names, out);
        List<List<SizeStmt.Factor>> terms = terms(t.rhs());
        boolean define = t.op() == AssignOp.DEFINE;
        if (define && t.lhs().tensor() instanceof Expr.Name n) {
            List<String> sources = new ArrayList<>();
            SizeStmt.Alloc made = defineAlloc(t, allocations, n.name(), terms, sources);
            TensorExpr.Ref source = io.github.bufdsl.exec.Defines.source(t.rhs());
            if (terms == null || source == null) {
                out.add(new SizeStmt.Opaque(t.pos(), n.name()));
            } else if (made != null && !buffers.contains(made.buffer())) {
                // from a buffer the function does not size (as alloc! from it): its dimensions only
                out.add(new SizeStmt.Before(t.pos(), n.name(), made.buffer(), made.dims()));
            } else { // sized on each path from the tensors as they are there (a parameter, an earlier size)
                SizeStmt.Define from = new SizeStmt.Define(t.lhs().indices(), terms,
                        made == null ? List.of() : List.copyOf(sources), ((Expr.Name) source.tensor()).name());
                out.add(made != null ? new SizeStmt.Alloc(t.pos(), n.name(), made.buffer(), made.dims(), from)
                        : new SizeStmt.Alloc(t.pos(), n.name(), null, List.of(), from));
            }
            if (made != null) {
                allocations.put(n.name(), made);
            }
        }
        if (t.lhs().tensor() instanceof Expr.Name n && terms != null) {
            List<io.github.bufdsl.runtime.ContractionOrder.Plan> plans = new ArrayList<>();
            plans(t.rhs(), plans);
            List<SizeStmt.Factor> refs = new ArrayList<>();
            refs(t.rhs(), refs);
            SizeStmt.Order order = new SizeStmt.Order(plans, t.optimize(),
                    t.maxIntermediate() == null ? null : SizeExprs.tryExpr(t.maxIntermediate()), t.order(), refs);
            out.add(new SizeStmt.TensorOp(t.pos(), n.name(), t.lhs().indices(), define, terms, order, t));
        }
        if (t.scalar()) { // s = @tensor ...: a number read from the data
            String s = ((Expr.Name) t.lhs().tensor()).name();
            out.add(new SizeStmt.Opaque(t.pos(), s));
            allocations.remove(s);
        }
    }

    /**
     * {@code C[i,k] := A[i,j] * B[j,k]} as the alloc! it is: from the buffer of the tensor
     * {@link io.github.bufdsl.exec.Defines} names, each dimension that of its label where the label first appears; null when usage
     * cannot see where those tensors come from. The tensors whose alloc! gave them are added to
     * {@code sources}: the first tensor on the right (the buffer), then one per dimension.
     */
    private static SizeStmt.Alloc defineAlloc(Stmt.Tensor t, Map<String, SizeStmt.Alloc> allocations, String name,
            List<List<SizeStmt.Factor>> terms, List<String> sources) {
        TensorExpr.Ref source = io.github.bufdsl.exec.Defines.source(t.rhs());
        if (terms == null || source == null) {
            return null;
        }
        String from = ((Expr.Name) source.tensor()).name(); // every tensor is a name where terms are known
        SizeStmt.Alloc first = allocations.get(from);
        if (first == null) {
            return null;
        }
        sources.add(from);
        List<SizeExpr> dims = new ArrayList<>();
        for (String label : t.lhs().indices()) {
            SizeExpr d = null;
            for (List<SizeStmt.Factor> term : terms) {
                for (SizeStmt.Factor f : term) {
                    SizeStmt.Alloc a = allocations.get(f.tensor());
                    int k = f.labels().indexOf(label);
                    if (d == null && a != null && k >= 0 && k < a.dims().size()) {
                        d = a.dims().get(k);
                        sources.add(f.tensor());
                    }
                }
            }
            if (d == null) {
                return null;
            }
            dims.add(d);
        }
        return new SizeStmt.Alloc(t.pos(), name, first.buffer(), dims);
    }

    /** The contraction tree of each term as written, in the order {@link #terms} gives the terms. */
    private static void plans(TensorExpr t, List<io.github.bufdsl.runtime.ContractionOrder.Plan> into) {
        into.addAll(expand(t, new int[1]).stream().map(Term::plan).toList());
    }

    /** A term of the right side: its tensors (null entries for tensors that are not plain names) and its tree. */
    private record Term(List<SizeStmt.Factor> factors, io.github.bufdsl.runtime.ContractionOrder.Plan plan) {
    }

    /** The right side as a sum of products, each with the grouping it was written with. */
    private static List<Term> expand(TensorExpr t, int[] nextRef) {
        if (t instanceof TensorExpr.Ref r) {
            SizeStmt.Factor f = r.tensor() instanceof Expr.Name n
                    ? new SizeStmt.Factor(n.name(), r.indices(), nextRef[0]++) : null;
            return List.of(new Term(java.util.Collections.singletonList(f),
                    new io.github.bufdsl.runtime.ContractionOrder.Leaf(0)));
        }
        if (t instanceof TensorExpr.Scalar) {
            return List.of(new Term(List.of(), null));
        }
        if (t instanceof TensorExpr.Negate n) {
            return expand(n.operand(), nextRef);
        }
        TensorExpr.Binary b = (TensorExpr.Binary) t;
        List<Term> left = expand(b.left(), nextRef);
        List<Term> right = expand(b.right(), nextRef);
        if (b.op() == '+' || b.op() == '-') {
            List<Term> all = new ArrayList<>(left);
            all.addAll(right);
            return all;
        }
        if (b.op() == '/') {
            return left;
        }
        List<Term> all = new ArrayList<>();
        for (Term l : left) {
            for (Term r : right) {
                List<SizeStmt.Factor> fs = new ArrayList<>(l.factors());
                fs.addAll(r.factors());
                all.add(new Term(fs, l.plan() == null ? r.plan() : r.plan() == null ? l.plan()
                        : new io.github.bufdsl.runtime.ContractionOrder.Pair(l.plan(), r.plan().shift(l.factors().size()))));
            }
        }
        return all;
    }

    /** The indexed tensors of {@link #refs} as written, in the same order, for placing an error. */
    static void refNodes(TensorExpr t, List<TensorExpr.Ref> into) {
        TensorExpr.refs(t).stream().filter(r -> r.tensor() instanceof Expr.Name).forEach(into::add);
    }

    /** Every indexed tensor as written, in order (a tensor used twice is there twice). */
    private static void refs(TensorExpr t, List<SizeStmt.Factor> into) {
        for (TensorExpr.Ref r : TensorExpr.refs(t)) {
            if (r.tensor() instanceof Expr.Name n) {
                into.add(new SizeStmt.Factor(n.name(), r.indices(), into.size()));
            }
        }
    }

    /** The right side as a sum of products of named tensors, or null if a tensor is not a plain name. */
    private static List<List<SizeStmt.Factor>> terms(TensorExpr t) {
        List<List<SizeStmt.Factor>> out = new ArrayList<>();
        for (Term term : expand(t, new int[1])) {
            if (term.factors().stream().anyMatch(java.util.Objects::isNull)) {
                return null;
            }
            out.add(term.factors());
        }
        return out;
    }
}
