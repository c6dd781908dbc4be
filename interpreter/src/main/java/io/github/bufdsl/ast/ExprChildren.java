package io.github.bufdsl.ast;

import java.util.ArrayList;
import java.util.List;

/**
 * Which expressions an expression holds directly: the one place that says so for passes that
 * look for something at any depth (exhaustive: a new kind of expression fails to compile here).
 */
public final class ExprChildren {
    private ExprChildren() {
    }

    /** The expressions nested directly in {@code e}, in source order; empty for a leaf. */
    public static List<Expr> of(Expr e) {
        return e.accept(CHILDREN);
    }

    private static final Expr.Visitor<List<Expr>> CHILDREN = new Expr.Visitor<>() {
        public List<Expr> visitInt(Expr.IntLit e) {
            return List.of();
        }

        public List<Expr> visitFloat(Expr.FloatLit e) {
            return List.of();
        }

        public List<Expr> visitString(Expr.StrLit e) {
            return List.of();
        }

        public List<Expr> visitBool(Expr.BoolLit e) {
            return List.of();
        }

        public List<Expr> visitName(Expr.Name e) {
            return List.of();
        }

        public List<Expr> visitCall(Expr.Call e) {
            List<Expr> out = new ArrayList<>();
            out.add(e.callee());
            out.addAll(e.args());
            e.kwargs().forEach(k -> out.add(k.value()));
            return out;
        }

        public List<Expr> visitParametric(Expr.Parametric e) {
            return e.params();
        }

        public List<Expr> visitIndex(Expr.Index e) {
            List<Expr> out = new ArrayList<>();
            out.add(e.target());
            out.addAll(e.indices());
            return out;
        }

        public List<Expr> visitColon(Expr.Colon e) {
            return List.of();
        }

        public List<Expr> visitField(Expr.Field e) {
            return List.of(e.target());
        }

        public List<Expr> visitBinary(Expr.Binary e) {
            return List.of(e.left(), e.right());
        }

        public List<Expr> visitLogical(Expr.Logical e) {
            return List.of(e.left(), e.right());
        }

        public List<Expr> visitUnary(Expr.Unary e) {
            return List.of(e.operand());
        }

        public List<Expr> visitRange(Expr.Range e) {
            return e.step() == null ? List.of(e.start(), e.stop()) : List.of(e.start(), e.step(), e.stop());
        }

        public List<Expr> visitTuple(Expr.Tuple e) {
            return e.items();
        }

        public List<Expr> visitBroadcast(Expr.Broadcast e) {
            return e.args();
        }

        public List<Expr> visitTernary(Expr.Ternary e) {
            return List.of(e.condition(), e.ifTrue(), e.ifFalse());
        }
    };
}
