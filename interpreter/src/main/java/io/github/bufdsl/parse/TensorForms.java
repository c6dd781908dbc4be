package io.github.bufdsl.parse;

import io.github.bufdsl.ast.AssignOp;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.ast.TensorExpr;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.grammar.BufDslParser.PrimeExprContext;
import java.util.List;
import java.util.TreeSet;

/**
 * The forms of TensorOperations.jl's index notation that read as the plain ones: labels with
 * primes ({@code a'}, {@code a''}) and integer labels ({@code 1}, {@code -1}); {@code conj(...)}
 * around a part of a term (the data is real, so it is that part itself, no copy); and NCON's
 * convention, where every label is an integer: {@code [:]} on the left is the negative labels of
 * the right in decreasing order ({@code -1, -2, ...}) and, without {@code order=(...)}, the
 * positive labels are contracted smallest first, as {@code order=(1, 2, ...)}. Every pass reads
 * the statement these give as any other.
 */
final class TensorForms {
    /** The label {@code [:]} stands for until {@link #ncon} replaces it. */
    private static final String ALL = ":";

    /** What a {@code '} outside the labels of {@code @tensor} is told. */
    static final String ADJOINT = "`'` (the adjoint, or a character literal) is not supported in bufdsl; use @tensor"
            + " to transpose, and \"...\" for text (a prime marks an index label inside @tensor: A[a', b])";

    private TensorForms() {
    }

    /**
     * Whether the token {@code prime} ({@code '}) right after {@code before}, with no space, can be a
     * prime on a label ({@code a'}, {@code a''}): the parser reads it then; others are reported
     * before parsing.
     */
    static boolean primesName(org.antlr.v4.runtime.Token before, org.antlr.v4.runtime.Token prime) {
        return before != null && before.getStopIndex() + 1 == prime.getStartIndex()
                && (before.getType() == io.github.bufdsl.grammar.BufDslLexer.IDENT || before.getText().equals("'"));
    }

    /** {@code a'}: a label of {@code @tensor}, the name with its primes; anywhere else an error. */
    static Expr prime(ExprBuilder b, PrimeExprContext ctx, Expr operand) {
        Pos p = ExprBuilder.pos(ctx);
        if (!b.primes) {
            throw b.error(ExprBuilder.pos(ctx.getStop()), ADJOINT);
        }
        if (!(operand instanceof Expr.Name n)) {
            throw b.error(p, "a prime in @tensor marks an index label, as a' or a''");
        }
        return new Expr.Name(p, n.name() + "'");
    }

    /** An index of {@code @tensor} as its label: a name (primes included), an integer, or {@code :}. */
    static String label(ExprBuilder b, Expr i) {
        if (i instanceof Expr.Name n) {
            return n.name();
        }
        if (i instanceof Expr.IntLit n) {
            return Long.toString(n.value());
        }
        if (i instanceof Expr.Colon) {
            return ALL;
        }
        throw b.error(i.pos(), "an index in @tensor must be a name or an integer, as i, k', 1 or -1");
    }

    /** {@code conj(x)} around index notation: its argument (null for anything else). */
    static Expr conjugated(Expr e) {
        if (e instanceof Expr.Call c && c.callee() instanceof Expr.Name n && n.name().equals("conj")
                && c.args().size() == 1 && c.kwargs().isEmpty() && TensorMacro.hasIndex(c.args().get(0))) {
            return c.args().get(0);
        }
        return null;
    }

    /**
     * The statement with NCON's convention applied where every label is an integer: {@code [:]}
     * replaced by the negative labels, and the order of contraction by the positive ones.
     */
    static Stmt.Tensor ncon(ExprBuilder b, Stmt.Tensor s) {
        List<TensorExpr.Ref> refs = TensorExpr.refs(s.rhs());
        boolean integers = true;
        for (TensorExpr.Ref r : refs) {
            for (int k = 0; k < r.indices().size(); k++) {
                String l = r.indices().get(k);
                if (l.equals(ALL)) {
                    throw b.error(r.indexPositions().get(k), "[:] stands for the output's labels and is only for the"
                            + " left of @tensor");
                }
                integers &= isInteger(l);
            }
        }
        TensorExpr.Ref lhs = s.lhs();
        if (lhs.indices().contains(ALL)) {
            Pos at = lhs.indexPositions().get(lhs.indices().indexOf(ALL));
            if (lhs.indices().size() != 1) {
                throw b.error(at, "[:] on the left of @tensor stands for all the output's labels, alone: G[:]");
            }
            if (!integers || refs.isEmpty()) {
                throw b.error(at, "[:] on the left of @tensor takes NCON-style labels: every label on the right an"
                        + " integer, -1, -2, ... for the output's and 1, 2, ... for the contracted ones");
            }
            TreeSet<Long> negative = new TreeSet<>(java.util.Comparator.reverseOrder());
            for (TensorExpr.Ref r : refs) {
                r.indices().stream().map(Long::parseLong).filter(v -> v < 0).forEach(negative::add);
            }
            List<String> labels = negative.stream().map(v -> Long.toString(v)).toList();
            lhs = new TensorExpr.Ref(lhs.pos(), lhs.tensor(), labels, java.util.Collections.nCopies(labels.size(), at));
        }
        integers &= lhs.indices().stream().allMatch(TensorForms::isInteger);
        List<String> order = s.order();
        if (integers && order.isEmpty() && !s.optimize()) {
            // each product's positive labels smallest first, as TensorOperations orders each term of a sum:
            // one order for the statement when every product contracts the same labels (else left to right)
            TreeSet<Long> positive = null;
            for (TensorExpr term : terms(s.rhs(), new java.util.ArrayList<>())) {
                List<TensorExpr.Ref> factors = TensorExpr.refs(term);
                if (factors.size() < 2) {
                    continue;
                }
                TreeSet<Long> labels = new TreeSet<>();
                factors.forEach(r -> r.indices().stream().map(Long::parseLong).filter(v -> v > 0).forEach(labels::add));
                positive = positive == null || positive.equals(labels) ? labels : new TreeSet<>(List.of(0L));
            }
            if (positive != null && !positive.contains(0L)) {
                order = positive.stream().map(v -> Long.toString(v)).toList();
            }
        }
        return new Stmt.Tensor(s.pos(), lhs, s.op(), s.rhs(), s.optimize(), order, s.maxIntermediate(), s.scalar());
    }

    /** {@code s = @tensor rhs}: a fully contracted right side assigned to the variable {@code target}. */
    static Stmt.Tensor scalar(ExprBuilder b, Pos p, Expr.Name target, TensorExpr rhs, boolean optimize,
            List<String> order, Expr maxIntermediate) {
        TensorExpr.Ref lhs = new TensorExpr.Ref(target.pos(), target, List.of(), List.of());
        return ncon(b, new Stmt.Tensor(p, lhs, AssignOp.SET, rhs, optimize, order, maxIntermediate, true));
    }

    private static boolean isInteger(String label) {
        return !label.isEmpty() && label.chars().skip(label.charAt(0) == '-' ? 1 : 0).allMatch(Character::isDigit)
                && !label.equals("-");
    }

    /** The terms of a sum (a product, or one tensor, each), into {@code out}. */
    private static List<TensorExpr> terms(TensorExpr e, List<TensorExpr> out) {
        if (e instanceof TensorExpr.Binary bin && (bin.op() == '+' || bin.op() == '-')) {
            terms(bin.left(), out);
            terms(bin.right(), out);
        } else if (e instanceof TensorExpr.Negate n) {
            terms(n.operand(), out);
        } else {
            out.add(e);
        }
        return out;
    }
}
