package io.github.bufdsl.analysis;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.ExprChildren;
import io.github.bufdsl.builtins.Role;
import io.github.bufdsl.exec.Builtins;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code c ? p : q} inside a statement, for sizing: the statement runs as {@code if c} around the
 * statement with {@code p} in its place, else with {@code q}, as only the chosen side is evaluated.
 * So a ternary is sized as the branch it is ({@code alloc!(buf, big ? 64 : 16)}, a condition read
 * from the data around no size), by the rules of {@code if}. Only where the condition calls nothing
 * but pure builtins: evaluating it first then changes nothing that sizing sees.
 */
final class TernarySplit {
    /** Statements with more ternaries than this are left whole (each one doubles the statements). */
    static final int MAX = 4;

    private TernarySplit() {
    }

    /** The first ternary of the expression (outermost, leftmost) to split on, or null. */
    static Expr.Ternary first(Expr e) {
        List<Expr.Ternary> all = new ArrayList<>();
        collect(e, all);
        if (all.isEmpty() || all.size() > MAX || !pure(all.get(0).condition())) {
            return null;
        }
        return all.get(0);
    }

    /** The expression with {@code target} (by identity) replaced by {@code with}. */
    static Expr replace(Expr e, Expr target, Expr with) {
        return e == null ? null : e == target ? with : e.accept(new Replace(target, with));
    }

    private static void collect(Expr e, List<Expr.Ternary> into) {
        if (e instanceof Expr.Ternary t) {
            into.add(t);
        }
        for (Expr c : ExprChildren.of(e)) {
            collect(c, into);
        }
    }

    private static boolean pure(Expr e) {
        if (e instanceof Expr.Call c && !(c.callee() instanceof Expr.Name n && Builtins.role(n.name()) instanceof Role.Pure)) {
            return false;
        }
        for (Expr c : ExprChildren.of(e)) {
            if (!pure(c)) {
                return false;
            }
        }
        return true;
    }

    /** Rebuilds every kind of expression around the replaced node (a new kind fails to compile here). */
    private record Replace(Expr target, Expr with) implements Expr.Visitor<Expr> {
        private Expr r(Expr e) {
            return replace(e, target, with);
        }

        private List<Expr> r(List<Expr> es) {
            return es.stream().map(this::r).toList();
        }

        public Expr visitInt(Expr.IntLit e) {
            return e;
        }

        public Expr visitFloat(Expr.FloatLit e) {
            return e;
        }

        public Expr visitString(Expr.StrLit e) {
            return e;
        }

        public Expr visitBool(Expr.BoolLit e) {
            return e;
        }

        public Expr visitName(Expr.Name e) {
            return e;
        }

        public Expr visitCall(Expr.Call e) {
            return new Expr.Call(e.pos(), r(e.callee()), r(e.args()),
                    e.kwargs().stream().map(k -> new Expr.KwArg(k.pos(), k.name(), r(k.value()))).toList());
        }

        public Expr visitParametric(Expr.Parametric e) {
            return new Expr.Parametric(e.pos(), e.name(), r(e.params()));
        }

        public Expr visitIndex(Expr.Index e) {
            return new Expr.Index(e.pos(), r(e.target()), r(e.indices()));
        }

        public Expr visitColon(Expr.Colon e) {
            return e;
        }

        public Expr visitField(Expr.Field e) {
            return new Expr.Field(e.pos(), r(e.target()), e.field());
        }

        public Expr visitBinary(Expr.Binary e) {
            return new Expr.Binary(e.pos(), e.op(), r(e.left()), r(e.right()));
        }

        public Expr visitLogical(Expr.Logical e) {
            return new Expr.Logical(e.pos(), e.isAnd(), r(e.left()), r(e.right()));
        }

        public Expr visitUnary(Expr.Unary e) {
            return new Expr.Unary(e.pos(), e.op(), r(e.operand()));
        }

        public Expr visitRange(Expr.Range e) {
            return new Expr.Range(e.pos(), r(e.start()), r(e.step()), r(e.stop()));
        }

        public Expr visitTuple(Expr.Tuple e) {
            return new Expr.Tuple(e.pos(), r(e.items()));
        }

        public Expr visitBroadcast(Expr.Broadcast e) {
            return new Expr.Broadcast(e.pos(), e.op(), r(e.args()));
        }

        public Expr visitTernary(Expr.Ternary e) {
            return new Expr.Ternary(e.pos(), r(e.condition()), r(e.ifTrue()), r(e.ifFalse()));
        }
    }
}
