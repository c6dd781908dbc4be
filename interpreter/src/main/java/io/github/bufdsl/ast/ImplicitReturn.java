package io.github.bufdsl.ast;

import java.util.ArrayList;
import java.util.List;

/**
 * Julia's implicit return: a function without a {@code return} at its end returns the value of
 * its last statement. The body is rewritten so that the value is returned explicitly, and every
 * pass (the interpreter, the type checker, the analyzer) sees a plain {@code return}:
 * <ul>
 * <li>an expression: its value ({@code x + 1}, {@code g(x)});
 * <li>an assignment: the value of its right side ({@code y = 2x} returns y, {@code x += 1} the new
 * x, {@code a, b = t} the tuple, {@code A[i] = v} the value v, {@code A .= B} and
 * {@code A[i] += 1} the destination);
 * <li>{@code @tensor C[...] = ...}: the output tensor;
 * <li>{@code if}, {@code begin} and {@code let}: the value of the last statement that ran (nothing
 * when no branch ran);
 * <li>loops and everything else: nothing.
 * </ul>
 */
public final class ImplicitReturn {
    private ImplicitReturn() {
    }

    /** The local that holds a value stored into an element ({@code A[i] = f(x)} as the last statement). */
    static final String VALUE = "ans";

    /** The body of a function, its last statement's value returned. */
    public static List<Stmt> of(List<Stmt> body) {
        if (body.isEmpty()) {
            return body;
        }
        List<Stmt> out = new ArrayList<>(body.subList(0, body.size() - 1));
        out.addAll(body.get(body.size() - 1).accept(LAST));
        return List.copyOf(out);
    }

    private static Stmt.Return ret(Expr value) {
        return new Stmt.Return(value.pos(), value);
    }

    private static List<Stmt> assign(Stmt.Assign a) {
        List<Expr> targets = a.targets();
        if (targets.size() == 1 && !(targets.get(0) instanceof Expr.Index && a.op() == AssignOp.SET)) {
            // x = v, x += v, A .= B, A[i] += v, A[:, 1] .= 0: the target as it is after
            return List.of(a, ret(targets.get(0)));
        }
        if (targets.stream().allMatch(t -> t instanceof Expr.Name)) {
            return List.of(a, ret(new Expr.Tuple(a.pos(), targets))); // a, b = t: the tuple
        }
        // A[i] = v (and a, B[1] = t): v as it was before it was stored (Int stays Int)
        Expr.Name value = new Expr.Name(a.value().pos(), VALUE);
        return List.of(new Stmt.Assign(a.pos(), List.of(value), AssignOp.SET, a.value()),
                new Stmt.Assign(a.pos(), targets, AssignOp.SET, value), ret(value));
    }

    private static final Stmt.Visitor<List<Stmt>> LAST = new Stmt.Visitor<>() {
        public List<Stmt> visitExpr(Stmt.ExprStmt s) {
            return List.of(new Stmt.Return(s.pos(), s.expr()));
        }

        public List<Stmt> visitAssign(Stmt.Assign s) {
            return assign(s);
        }

        public List<Stmt> visitIf(Stmt.If s) {
            List<Stmt.Branch> branches = new ArrayList<>();
            for (Stmt.Branch b : s.branches()) {
                branches.add(new Stmt.Branch(b.pos(), b.condition(), of(b.body())));
            }
            return List.of(new Stmt.If(s.pos(), List.copyOf(branches), s.elseBody() == null ? null : of(s.elseBody())));
        }

        public List<Stmt> visitFor(Stmt.For s) {
            return List.of(s);
        }

        public List<Stmt> visitWhile(Stmt.While s) {
            return List.of(s);
        }

        public List<Stmt> visitBlock(Stmt.Block s) {
            return List.of(new Stmt.Block(s.pos(), of(s.body()), s.scoped()));
        }

        public List<Stmt> visitFunction(Stmt.Function s) {
            return List.of(s);
        }

        public List<Stmt> visitReturn(Stmt.Return s) {
            return List.of(s);
        }

        public List<Stmt> visitBreak(Stmt.Break s) {
            return List.of(s);
        }

        public List<Stmt> visitContinue(Stmt.Continue s) {
            return List.of(s);
        }

        public List<Stmt> visitUsing(Stmt.Using s) {
            return List.of(s);
        }

        public List<Stmt> visitTensor(Stmt.Tensor s) {
            return s.lhs().tensor() instanceof Expr.Name n ? List.of(s, ret(n)) : List.of(s);
        }

        public List<Stmt> visitShow(Stmt.Show s) {
            // @show x returns x; an expression with calls is not evaluated twice (it returns nothing here)
            boolean plain = s.expr() instanceof Expr.Name || s.expr() instanceof Expr.IntLit
                    || s.expr() instanceof Expr.FloatLit || s.expr() instanceof Expr.StrLit;
            return plain ? List.of(s, ret(s.expr())) : List.of(s);
        }

        public List<Stmt> visitPrintBufferUsage(Stmt.PrintBufferUsage s) {
            return List.of(s);
        }

        public List<Stmt> visitBufferScope(Stmt.BufferScope s) {
            return List.of(s);
        }
    };
}
