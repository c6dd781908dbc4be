package io.github.bufdsl.exec;

import io.github.bufdsl.ast.AssignOp;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.ast.TensorExpr;
import io.github.bufdsl.diag.Placement;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.ContractionOrder;
import io.github.bufdsl.runtime.Contractor;
import io.github.bufdsl.runtime.Tensor;
import io.github.bufdsl.runtime.TensorRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Executes {@code @tensor} statements. The right side is expanded into a sum of terms, each a
 * scalar coefficient times a product of indexed tensors; each term is then one runtime call: a
 * permutation (one tensor, with traces), a binary contraction, or for more tensors a chain of
 * binary contractions, left to right, through intermediates in a scratch buffer.
 */
public final class TensorEval {
    private final Ctx interp;
    private final Contractor contractor;
    /** Per statement, the dimensions its index rules last held for ({@link #checkedBefore}). */
    private final java.util.Map<Stmt.Tensor, int[][]> checked = new java.util.IdentityHashMap<>();
    private final Buffer scratch;

    /** The most elements intermediates of multi-tensor products took at once. */
    long scratchHighWater() {
        return scratch.highWater();
    }

    /** The workspace's high-water mark: the engine's permuted copies and the intermediates. */
    long workspaceHighWater() {
        return contractor.workspaceHighWater() + scratch.highWater();
    }

    TensorEval(Ctx interp, Contractor contractor, boolean offHeap) {
        this.interp = interp;
        this.contractor = contractor;
        this.scratch = new Buffer(0, true, io.github.bufdsl.runtime.MemoryBudget.UNLIMITED, "the @tensor workspace",
                io.github.bufdsl.runtime.ElementType.FLOAT64, offHeap);
    }

    /**
     * A factor: an evaluated tensor and its index labels; {@code home} is the buffer of the tensor as
     * written (a traced copy lives in the scratch buffer, but := allocates from the tensor's own).
     */
    private record Factor(Tensor tensor, String[] labels, TensorExpr.Ref node, Buffer home) {
    }

    /** coefficient * product of factors, contracted pairwise as {@code plan} says (null for no factor). */
    private record Term(double coefficient, List<Factor> factors, ContractionOrder.Plan plan) {
        Term times(double c) {
            return new Term(coefficient * c, factors, plan);
        }
    }

    void execute(Stmt.Tensor s) {
        try {
            run(s);
        } finally {
            scratch.reset("the end of the @tensor statement");
        }
    }

    /** Whether a factor of the statement being run was a Float64 number (it promotes a scalar result). */
    private boolean widened;

    private void run(Stmt.Tensor s) {
        widened = false;
        List<Term> terms = expand(s.rhs());
        Expr target = s.lhs().tensor();
        String[] outLabels = s.lhs().indices().toArray(new String[0]);
        Tensor out;
        if (s.op() == AssignOp.DEFINE) {
            if (Defines.source(s.rhs()) == null) {
                throw new ScriptError(s.pos(), ":= needs a tensor on the right, whose buffer the new tensor comes from");
            }
            if (s.lhs().tensor() instanceof Expr.Name n) { // the new tensor's dimensions come from the terms
                for (Term t : terms) {
                    checkIndices(s, new TensorRules.Ref(n.name(), List.of(outLabels), null), t);
                }
            }
            out = define(s, terms, outLabels);
        } else if (s.scalar()) { // its one element comes first in the workspace, from no buffer
            out = scratch.alloc(new long[0]);
        } else {
            Value v = interp.eval(target);
            if (!(v instanceof Value.TensorValue tv)) {
                throw new ScriptError(target.pos(), "the left of @tensor must be a tensor, not " + Arith.describe(v)
                        + (s.op() == AssignOp.SET ? "; use := to create a new tensor" : ""));
            }
            out = tv.tensor();
        }
        for (Term t : terms) {
            if (t.factors().isEmpty()) {
                throw new ScriptError(s.pos(), "every term of @tensor needs a tensor; a lone scalar cannot be added"
                        + " to a tensor");
            }
        }
        if (!checkedBefore(s, out, terms)) {
            TensorRules.Ref outRef = s.scalar() ? new TensorRules.Ref(((Expr.Name) target).name(), List.of(),
                    new long[0]) : TensorRules.ref(out, outLabels);
            for (Term t : terms) {
                checkIndices(s, outRef, t);
            }
        }
        // a factor with a repeated index is traced first, every term's before any product: products
        // then see distinct indices only
        List<Term> traced = new ArrayList<>();
        for (Term t : terms) {
            traced.add(new Term(t.coefficient(), t.factors().stream().map(this::traced).toList(), t.plan()));
        }
        boolean first = true;
        for (Term t : traced) {
            double beta = (first && (s.op() == AssignOp.SET || s.op() == AssignOp.DEFINE)) ? 0.0 : 1.0;
            double alpha = s.op() == AssignOp.SUB ? -t.coefficient() : t.coefficient();
            term(out, outLabels, alpha, t.factors(), plan(s, t, outLabels), beta);
            first = false;
        }
        if (s.scalar()) {
            interp.setVariable(((Expr.Name) target).name(), value(out.getLinear(0), terms));
        }
    }

    /**
     * The value of {@code s = @tensor ...}, as Julia promotes: a Float32 when every tensor is one
     * and no factor is a Float64 (the sum is computed in Float64 and rounded once), else a Float64.
     */
    private Value value(double x, List<Term> terms) {
        boolean single = !widened;
        for (Term t : terms) {
            for (Factor f : t.factors()) {
                single &= f.home().elementType() == io.github.bufdsl.runtime.ElementType.FLOAT32;
            }
        }
        return single ? new Value.Float32((float) x) : new Value.Float(x);
    }

    /**
     * Whether the statement's index rules held for tensors of these dimensions already (its labels
     * are its own): a loop checks them once per shape. Every tensor is still checked to be live.
     */
    private boolean checkedBefore(Stmt.Tensor s, Tensor out, List<Term> terms) {
        int n = 1;
        for (Term t : terms) {
            n += t.factors().size();
        }
        int[][] dims = new int[n][];
        dims[0] = out.dims();
        int i = 1;
        for (Term t : terms) {
            for (Factor f : t.factors()) {
                f.tensor().checkLive();
                dims[i++] = f.tensor().dims();
            }
        }
        if (java.util.Arrays.deepEquals(checked.get(s), dims)) {
            return true;
        }
        checked.put(s, dims);
        return false;
    }

    /** The index rules on a whole term, before any of its contractions runs. */
    private static void checkIndices(Stmt.Tensor s, TensorRules.Ref out, Term t) {
        List<TensorRules.Ref> refs = new java.util.ArrayList<>();
        List<Placement.Operand> places = new java.util.ArrayList<>();
        for (Factor f : t.factors()) {
            f.tensor().checkLive();
            TensorRules.Ref r = TensorRules.ref(f.tensor(), f.labels());
            refs.add(r);
            places.add(new Placement.Operand(r.name(), f.node()));
        }
        TensorRules.Violation v = TensorRules.term(out, refs);
        if (v != null) { // at the index it concerns
            throw new ScriptError(Placement.tensorIndex(v, new Placement.Operand(out.name(), s.lhs()), places, s.pos()),
                    words(s, v));
        }
    }

    /**
     * What a violation of the index rules says in statement {@code s}, for the run, usage and check
     * alike: the runtime's words, and for a value of @tensor (every index summed) what an index left
     * free means there.
     */
    public static String words(Stmt.Tensor s, TensorRules.Violation v) {
        if (s.scalar() && v instanceof TensorRules.Violation.Once once) {
            return "index " + once.label() + " is not summed (it appears once), but a value of @tensor is a number:"
                    + " every index must appear twice in its term; for a tensor, give @tensor an output to assign, as"
                    + " @tensor C[" + once.label() + "] = ...";
        }
        return v.message();
    }

    private Tensor define(Stmt.Tensor s, List<Term> terms, String[] outLabels) {
        Map<String, Integer> dims = new LinkedHashMap<>();
        for (Term t : terms) {
            for (Factor f : t.factors()) {
                for (int k = 0; k < f.labels().length; k++) {
                    dims.putIfAbsent(f.labels()[k], f.tensor().dim(k));
                }
            }
        }
        long[] shape = new long[outLabels.length];
        for (int k = 0; k < shape.length; k++) {
            Integer d = dims.get(outLabels[k]);
            if (d == null) {
                throw new ScriptError(s.lhs().indexPositions().get(k), "index " + outLabels[k]
                        + " of the output does not appear on the right");
            }
            shape[k] = d;
        }
        if (!(s.lhs().tensor() instanceof Expr.Name name)) {
            throw new ScriptError(s.lhs().pos(), ":= creates a new tensor and needs a plain name on the left");
        }
        // the new tensor is allocated from the buffer of the tensor Defines names, as alloc! would
        TensorExpr.Ref source = Defines.source(s.rhs());
        Buffer from = null;
        for (Factor f : terms.get(0).factors()) {
            from = from == null && f.node() == source ? f.home() : from;
        }
        try {
            interp.ownStack(from, ":= would allocate " + name.name() + " from ");
        } catch (ScriptError e) {
            throw e.at(s.pos());
        }
        Tensor t = from.alloc(name.name(), shape);
        interp.setVariable(name.name(), new Value.TensorValue(t));
        return t;
    }

    /** The order of a term's pairwise contractions: the cheapest, by the order=(...) indices, or as written. */
    private ContractionOrder.Plan plan(Stmt.Tensor s, Term t, String[] outLabels) {
        if (t.factors().size() < 3) {
            return t.plan();
        }
        List<String[]> labels = t.factors().stream().map(Factor::labels).toList();
        if (!s.order().isEmpty()) {
            return ContractionOrder.byIndices(labels, s.order());
        }
        if (!s.optimize()) {
            return t.plan();
        }
        Map<String, Long> dims = new LinkedHashMap<>();
        for (Factor f : t.factors()) {
            for (int k = 0; k < f.labels().length; k++) {
                dims.putIfAbsent(f.labels()[k], (long) f.tensor().dim(k));
            }
        }
        long limit = Long.MAX_VALUE;
        if (s.maxIntermediate() != null) {
            limit = Interpreter.integer(interp.eval(s.maxIntermediate()), s.maxIntermediate().pos(), "maxintermediate");
        }
        return ContractionOrder.optimal(labels, dims, outLabels, limit);
    }

    private void term(Tensor out, String[] outLabels, double alpha, List<Factor> factors, ContractionOrder.Plan plan,
            double beta) {
        if (factors.size() == 1) {
            Factor f = factors.get(0);
            contractor.permute(out, outLabels, alpha, f.tensor(), f.labels(), beta);
            return;
        }
        ContractionOrder.Pair root = (ContractionOrder.Pair) plan;
        List<String[]> labels = factors.stream().map(Factor::labels).toList();
        Factor a = evaluate(root.left(), factors, labels, outLabels);
        Factor b = evaluate(root.right(), factors, labels, outLabels);
        contractor.contract(out, outLabels, alpha, a.tensor(), a.labels(), b.tensor(), b.labels(), beta);
    }

    /** A subtree's result: an operand, or an intermediate in the scratch buffer with the labels it carries. */
    private Factor evaluate(ContractionOrder.Plan p, List<Factor> factors, List<String[]> labels, String[] outLabels) {
        if (p instanceof ContractionOrder.Leaf l) {
            return factors.get(l.index());
        }
        ContractionOrder.Pair pair = (ContractionOrder.Pair) p;
        Factor a = evaluate(pair.left(), factors, labels, outLabels);
        Factor b = evaluate(pair.right(), factors, labels, outLabels);
        String[] keep = ContractionOrder.resultLabels(p, labels, outLabels).toArray(new String[0]);
        Map<String, Integer> dims = new LinkedHashMap<>();
        collect(a, dims);
        collect(b, dims);
        long[] shape = new long[keep.length];
        for (int k = 0; k < keep.length; k++) {
            shape[k] = dims.get(keep[k]);
        }
        Tensor tmp = scratch.alloc(shape);
        contractor.contract(tmp, keep, 1.0, a.tensor(), a.labels(), b.tensor(), b.labels(), 0.0);
        return new Factor(tmp, keep, a.node(), a.home());
    }

    private static void collect(Factor f, Map<String, Integer> dims) {
        for (int k = 0; k < f.labels().length; k++) {
            dims.putIfAbsent(f.labels()[k], f.tensor().dim(k));
        }
    }


    /**
     * A factor with a repeated index ({@code A[i,i,k]}) traced, into the scratch buffer, so that
     * products only see distinct indices; others are returned as they are.
     */
    private Factor traced(Factor f) {
        List<String> unique = new ArrayList<>();
        List<String> repeated = new ArrayList<>();
        for (String l : f.labels()) {
            if (unique.contains(l)) {
                repeated.add(l);
            } else {
                unique.add(l);
            }
        }
        if (repeated.isEmpty()) {
            return f;
        }
        unique.removeAll(repeated);
        long[] shape = new long[unique.size()];
        for (int k = 0; k < shape.length; k++) {
            shape[k] = f.tensor().dim(java.util.Arrays.asList(f.labels()).indexOf(unique.get(k)));
        }
        String[] keep = unique.toArray(new String[0]);
        Tensor tmp = scratch.alloc(shape);
        contractor.permute(tmp, keep, 1.0, f.tensor(), f.labels(), 0.0);
        return new Factor(tmp, keep, f.node(), f.home());
    }

    /** Expands the right side into a sum of terms. */
    private List<Term> expand(TensorExpr e) {
        if (e instanceof TensorExpr.Ref r) {
            Value v = interp.eval(r.tensor());
            if (!(v instanceof Value.TensorValue tv)) {
                throw new ScriptError(r.pos(), "an indexed operand of @tensor must be a tensor, not " + Arith.describe(v));
            }
            return List.of(new Term(1.0, List.of(new Factor(tv.tensor(), r.indices().toArray(new String[0]),
                    r, tv.tensor().buffer())), new ContractionOrder.Leaf(0)));
        }
        if (e instanceof TensorExpr.Scalar s) {
            Value v = interp.eval(s.value());
            if (!Arith.isNumber(v)) {
                throw new ScriptError(s.pos(), "a factor of @tensor without indices must be a number, not "
                        + Arith.describe(v));
            }
            widened |= v instanceof Value.Float;
            return List.of(new Term(Arith.asDouble(v), List.of(), null));
        }
        if (e instanceof TensorExpr.Negate n) {
            return expand(n.operand()).stream().map(t -> t.times(-1)).toList();
        }
        TensorExpr.Binary b = (TensorExpr.Binary) e;
        List<Term> left = expand(b.left());
        List<Term> right = expand(b.right());
        switch (b.op()) {
            case '+': {
                List<Term> all = new ArrayList<>(left);
                all.addAll(right);
                return all;
            }
            case '-': {
                List<Term> all = new ArrayList<>(left);
                right.forEach(t -> all.add(t.times(-1)));
                return all;
            }
            case '/': {
                if (right.size() != 1 || !right.get(0).factors().isEmpty()) {
                    throw new ScriptError(b.pos(), "@tensor can only divide by a scalar");
                }
                double d = right.get(0).coefficient();
                return left.stream().map(t -> t.times(1.0 / d)).toList();
            }
            default: {
                List<Term> all = new ArrayList<>();
                for (Term l : left) {
                    for (Term r : right) {
                        List<Factor> fs = new ArrayList<>(l.factors());
                        fs.addAll(r.factors());
                        // the parse tree's grouping: (A * B) * C by default, A * (B * C) with parentheses
                        ContractionOrder.Plan plan = l.plan() == null ? r.plan() : r.plan() == null ? l.plan()
                                : new ContractionOrder.Pair(l.plan(), r.plan().shift(l.factors().size()));
                        all.add(new Term(l.coefficient() * r.coefficient(), fs, plan));
                    }
                }
                return all;
            }
        }
    }
}
