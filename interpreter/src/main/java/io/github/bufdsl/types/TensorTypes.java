package io.github.bufdsl.types;

import io.github.bufdsl.ast.AssignOp;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.ExprPrinter;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.ast.TensorExpr;
import io.github.bufdsl.exec.Defines;
import io.github.bufdsl.exec.TensorEval;
import io.github.bufdsl.resolve.Resolution;
import io.github.bufdsl.runtime.TensorRules;
import io.github.bufdsl.types.Type.Dim;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code @tensor}: its output and operands, the index rules with the dimensions known here.
 */
abstract class TensorTypes extends CallTypes {
    TensorTypes(Resolution resolution, TypeChecker.Options options) {
        super(resolution, options);
    }

    // ------------------------------------------------------------------ @tensor

    void tensor(Stmt.Tensor s) {
        TensorExpr.Ref lhs = s.lhs();
        // by node: the same text at two places is two operands (and a record's hashCode would walk the tree)
        Map<TensorExpr.Ref, Type> operands = new java.util.IdentityHashMap<>();
        if (s.op() != AssignOp.DEFINE && !s.scalar()) {
            Type out = expr(lhs.tensor());
            operands.put(lhs, out);
            String free = freeName(lhs.tensor());
            if (free != null && options.commandLine() && !bound.containsKey(free)) {
                // an output never assigned: it is created with :=
                error(lhs.tensor().pos(), io.github.bufdsl.diag.Placement.defineHint(free, lhs.indices()),
                        "undefined " + free);
                return;
            }
            demand(lhs.tensor(), out, Kind.TENSOR, "the output of @tensor", lhs.tensor().pos(),
                    x -> "the left of @tensor must be a tensor, not " + x + "; use := to create a new tensor");
        }
        Map<String, Dim> dims = new HashMap<>();
        tensorRhs(s, s.rhs(), dims, operands);
        if (!indexRules(s, operands)) {
            return;
        }
        if (s.maxIntermediate() != null) {
            expr(s.maxIntermediate());
        }
        if (s.scalar() && lhs.tensor() instanceof Expr.Name n) { // a Float64, or a Float32 of Float32 tensors
            env.put(n.name(), new Type.FloatT(null, null));
        }
        if (s.op() == AssignOp.DEFINE && lhs.tensor() instanceof Expr.Name n) {
            List<Dim> out = new ArrayList<>();
            for (String label : lhs.indices()) {
                out.add(dims.getOrDefault(label, Dim.UNKNOWN));
            }
            // allocated from the buffer of the tensor the run's rule names, as alloc! on it would
            TensorExpr.Ref source = Defines.source(s.rhs());
            Type.Home home = source != null && operands.get(source) instanceof Type.TensorT t ? t.home() : null;
            if (home != null && home.shared()) {
                sharedStack(s.pos(), ":= of " + n.name(), home.buffer(), ":= would allocate " + n.name() + " from ");
            }
            env.put(n.name(), new Type.TensorT(List.copyOf(out), home));
        }
    }

    /**
     * The index rules of {@code @tensor} on each term (the runtime's {@link TensorRules}, with the
     * dimensions that are numbers here), each error at the index it concerns. False when one failed.
     */
    boolean indexRules(Stmt.Tensor s, Map<TensorExpr.Ref, Type> operands) {
        TensorExpr.Ref lhs = s.lhs();
        String outName = ExprPrinter.print(lhs.tensor());
        Type out = s.op() == AssignOp.DEFINE ? Type.UNKNOWN : operands.getOrDefault(lhs, Type.UNKNOWN);
        TensorRules.Ref outRef = new TensorRules.Ref(outName, lhs.indices(), s.scalar() ? new long[0] : numbers(out));
        for (List<TensorExpr.Ref> term : terms(s.rhs())) {
            if (term.isEmpty()) {
                continue;
            }
            List<TensorRules.Ref> refs = new ArrayList<>();
            List<io.github.bufdsl.diag.Placement.Operand> places = new ArrayList<>();
            for (TensorExpr.Ref r : term) {
                String name = ExprPrinter.print(r.tensor());
                refs.add(new TensorRules.Ref(name, r.indices(), numbers(operands.getOrDefault(r, Type.UNKNOWN))));
                places.add(new io.github.bufdsl.diag.Placement.Operand(name, r));
            }
            TensorRules.Violation v = TensorRules.term(outRef, refs);
            if (v != null) {
                boolean onOutput = outRef.dims() != null && outRef.dims().length != lhs.indices().size();
                if (onOutput && v instanceof TensorRules.Violation.IndexCount c) { // the rules check the output first
                    error(lhs.pos(), new TensorRules.Violation.IndexCount("the output " + outName, c.rank(), c.labels())
                            .message());
                } else {
                    error(io.github.bufdsl.diag.Placement.tensorIndex(v, new io.github.bufdsl.diag.Placement.Operand(
                            outName, lhs), places, s.pos()), TensorEval.words(s, v)); // the runtime's rule
                }
                return false;
            }
            if (!symbolicDimensions(term, operands, lhs, out)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Dimensions that are formulas of free variables: an index whose dimensions on two tensors
     * differ by a number ({@code n} and {@code n + 1}) differs for every value, so the run's rule
     * fails. False when that was reported (at the second tensor's index). Where they differ by a
     * formula ({@code m} and {@code p}, {@code 2} and {@code n}) they agree for some values only: a
     * warning there.
     */
    private boolean symbolicDimensions(List<TensorExpr.Ref> term, Map<TensorExpr.Ref, Type> operands,
            TensorExpr.Ref lhs, Type out) {
        List<TensorExpr.Ref> refs = new ArrayList<>(term);
        List<Type> types = new ArrayList<>();
        term.forEach(r -> types.add(operands.getOrDefault(r, Type.UNKNOWN)));
        refs.add(lhs);
        types.add(out);
        Map<String, Sym> first = new HashMap<>();
        Map<String, String> firstOn = new HashMap<>();
        for (int i = 0; i < refs.size(); i++) {
            TensorExpr.Ref r = refs.get(i);
            if (!(types.get(i) instanceof Type.TensorT t) || t.dims() == null || t.dims().size() != r.indices().size()) {
                continue;
            }
            String name = ExprPrinter.print(r.tensor());
            for (int k = 0; k < r.indices().size(); k++) {
                Sym d = t.dims().get(k).poly();
                String label = r.indices().get(k);
                if (d == null) {
                    continue;
                }
                Sym before = first.putIfAbsent(label, d);
                if (before == null) {
                    firstOn.put(label, name);
                    continue;
                }
                Sym delta = Sym.sub(d, before);
                Long diff = delta == null ? null : delta.constantValue();
                if (name.equals(firstOn.get(label)) || delta == null || diff != null && diff == 0) {
                    continue; // the same tensor (a trace: the run's rule), not computed, or equal
                }
                String disagree = TensorRules.disagree(label, before.toString(), firstOn.get(label), d.toString(), name);
                io.github.bufdsl.diag.Pos at = k < r.indexPositions().size() ? r.indexPositions().get(k) : r.pos();
                if (diff != null) {
                    error(at, disagree);
                    return false;
                }
                warning(at, disagree + ": they must be equal when it runs");
            }
        }
        return true;
    }

    /** A tensor's dimensions for the index rules: numbers, {@link TensorRules#UNKNOWN} elsewhere; null for no rank. */
    static long[] numbers(Type t) {
        if (!(t instanceof Type.TensorT tt) || tt.dims() == null) {
            return null;
        }
        long[] d = new long[tt.dims().size()];
        for (int k = 0; k < d.length; k++) {
            Long v = tt.dims().get(k).value();
            d[k] = v == null ? TensorRules.UNKNOWN : v;
        }
        return d;
    }

    /** The terms of an @tensor right side, each the list of its indexed factors (scalars left out). */
    static List<List<TensorExpr.Ref>> terms(TensorExpr e) {
        if (e instanceof TensorExpr.Ref r) {
            return List.of(List.of(r));
        }
        if (e instanceof TensorExpr.Negate n) {
            return terms(n.operand());
        }
        if (e instanceof TensorExpr.Binary b) {
            List<List<TensorExpr.Ref>> l = terms(b.left());
            List<List<TensorExpr.Ref>> r = terms(b.right());
            List<List<TensorExpr.Ref>> out = new ArrayList<>();
            if (b.op() == '+' || b.op() == '-') {
                out.addAll(l);
                out.addAll(r);
            } else {
                for (List<TensorExpr.Ref> x : l) {
                    for (List<TensorExpr.Ref> y : r) {
                        List<TensorExpr.Ref> p = new ArrayList<>(x);
                        p.addAll(y);
                        out.add(p);
                    }
                }
            }
            return out;
        }
        return List.of(List.of()); // a scalar
    }

    void tensorRhs(Stmt.Tensor s, TensorExpr e, Map<String, Dim> dims, Map<TensorExpr.Ref, Type> operands) {
        if (e instanceof TensorExpr.Ref r) {
            Type t = expr(r.tensor());
            if (demand(r.tensor(), t, Kind.TENSOR, "an operand of @tensor", r.pos(),
                    x -> "an indexed operand of @tensor must be a tensor, not " + x)) {
                operands.put(r, t);
                if (t instanceof Type.TensorT tt && tt.dims() != null && tt.dims().size() == r.indices().size()) {
                    for (int k = 0; k < r.indices().size(); k++) {
                        dims.putIfAbsent(r.indices().get(k), tt.dims().get(k));
                    }
                }
            }
        } else if (e instanceof TensorExpr.Scalar sc) {
            Type t = expr(sc.value());
            demand(sc.value(), t, Kind.NUMBER, "a factor of @tensor", sc.pos(),
                    x -> "a factor of @tensor without indices must be a number, not " + x);
        } else if (e instanceof TensorExpr.Binary b) {
            tensorRhs(s, b.left(), dims, operands);
            tensorRhs(s, b.right(), dims, operands);
        } else if (e instanceof TensorExpr.Negate n) {
            tensorRhs(s, n.operand(), dims, operands);
        }
    }

}
