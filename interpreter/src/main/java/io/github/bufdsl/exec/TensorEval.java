package io.github.bufdsl.exec;

import io.github.bufdsl.ast.AssignOp;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.ast.TensorExpr;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Contractor;
import io.github.bufdsl.runtime.Tensor;
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
final class TensorEval {
    private final Interpreter interp;
    private final Contractor contractor;
    private final Buffer scratch = new Buffer(0).setName("the @tensor workspace");

    TensorEval(Interpreter interp, Contractor contractor) {
        this.interp = interp;
        this.contractor = contractor;
    }

    /** A factor: an evaluated tensor and its index labels. */
    private record Factor(Tensor tensor, String[] labels, TensorExpr.Ref node) {
    }

    /** coefficient * product of factors. */
    private record Term(double coefficient, List<Factor> factors) {
        Term times(double c) {
            return new Term(coefficient * c, factors);
        }
    }

    void execute(Stmt.Tensor s) {
        List<Term> terms = expand(s.rhs());
        Expr target = s.lhs().tensor();
        String[] outLabels = s.lhs().indices().toArray(new String[0]);
        Tensor out;
        if (s.op() == AssignOp.DEFINE) {
            if (terms.isEmpty() || terms.get(0).factors().isEmpty()) {
                throw new ScriptError(s.pos(), ":= needs a tensor on the right, whose buffer the new tensor comes from");
            }
            out = define(s, terms, outLabels);
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
        boolean first = true;
        for (Term t : terms) {
            double beta = (first && (s.op() == AssignOp.SET || s.op() == AssignOp.DEFINE)) ? 0.0 : 1.0;
            double alpha = s.op() == AssignOp.SUB ? -t.coefficient() : t.coefficient();
            term(out, outLabels, alpha, t.factors(), beta);
            first = false;
        }
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
        // the new tensor is allocated from the buffer of the first tensor on the right, as alloc! would
        Buffer from = terms.get(0).factors().get(0).tensor().buffer();
        Tensor t = from.alloc(name.name(), shape);
        interp.setVariable(name.name(), new Value.TensorValue(t));
        return t;
    }

    private void term(Tensor out, String[] outLabels, double alpha, List<Factor> factors, double beta) {
        if (factors.size() == 1) {
            Factor f = factors.get(0);
            contractor.permute(out, outLabels, alpha, f.tensor(), f.labels(), beta);
            return;
        }
        if (factors.size() == 2) {
            Factor a = factors.get(0);
            Factor b = factors.get(1);
            contractor.contract(out, outLabels, alpha, a.tensor(), a.labels(), b.tensor(), b.labels(), beta);
            return;
        }
        long mark = scratch.used();
        try {
            Factor acc = factors.get(0);
            for (int i = 1; i < factors.size() - 1; i++) {
                Factor next = factors.get(i);
                List<String> keep = new ArrayList<>();
                Map<String, Integer> dims = new LinkedHashMap<>();
                collect(acc, dims);
                collect(next, dims);
                for (String l : dims.keySet()) {
                    boolean later = contains(outLabels, l);
                    for (int j = i + 1; j < factors.size() && !later; j++) {
                        later = contains(factors.get(j).labels(), l);
                    }
                    boolean shared = contains(acc.labels(), l) && contains(next.labels(), l);
                    if (later || !shared) {
                        keep.add(l);
                    }
                }
                long[] shape = keep.stream().mapToLong(dims::get).toArray();
                Tensor tmp = scratch.alloc(shape);
                String[] labels = keep.toArray(new String[0]);
                contractor.contract(tmp, labels, 1.0, acc.tensor(), acc.labels(), next.tensor(), next.labels(), 0.0);
                acc = new Factor(tmp, labels, next.node());
            }
            Factor last = factors.get(factors.size() - 1);
            contractor.contract(out, outLabels, alpha, acc.tensor(), acc.labels(), last.tensor(), last.labels(), beta);
        } finally {
            if (mark == 0) {
                scratch.reset("the end of the @tensor statement");
            }
        }
    }

    private static void collect(Factor f, Map<String, Integer> dims) {
        for (int k = 0; k < f.labels().length; k++) {
            dims.putIfAbsent(f.labels()[k], f.tensor().dim(k));
        }
    }

    private static boolean contains(String[] labels, String l) {
        for (String x : labels) {
            if (x.equals(l)) {
                return true;
            }
        }
        return false;
    }

    /** Expands the right side into a sum of terms. */
    private List<Term> expand(TensorExpr e) {
        if (e instanceof TensorExpr.Ref r) {
            Value v = interp.eval(r.tensor());
            if (!(v instanceof Value.TensorValue tv)) {
                throw new ScriptError(r.pos(), "an indexed operand of @tensor must be a tensor, not " + Arith.describe(v));
            }
            return List.of(new Term(1.0, List.of(new Factor(tv.tensor(), r.indices().toArray(new String[0]), r))));
        }
        if (e instanceof TensorExpr.Scalar s) {
            Value v = interp.eval(s.value());
            if (!Arith.isNumber(v)) {
                throw new ScriptError(s.pos(), "a factor of @tensor without indices must be a number, not "
                        + Arith.describe(v));
            }
            return List.of(new Term(Arith.asDouble(v), List.of()));
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
                        all.add(new Term(l.coefficient() * r.coefficient(), fs));
                    }
                }
                return all;
            }
        }
    }
}
