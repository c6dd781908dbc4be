package io.github.bufdsl.cli;

import io.github.bufdsl.ast.AssignOp;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import java.util.ArrayList;
import java.util.List;

/**
 * What Julia's REPL shows after an input, per statement kind of its last statement (nothing after a
 * trailing {@code ;}):
 * <ul>
 * <li>an expression: its value ({@code ans} keeps it);
 * <li>an assignment: the value of its right side, whatever the target ({@code x = 3},
 * {@code A[1, 1] = 2} shows {@code 2}, {@code a, b = 1, 2} shows {@code (1, 2)}); an updating one
 * ({@code x += 1}, {@code A[1] += 1}) the new value;
 * <li>{@code .=}: the destination ({@code A .= 1} shows A, {@code A[1, :] .= 2} the row);
 * <li>{@code @tensor}: the output tensor;
 * <li>a function definition: {@code f (generic function with 1 method)};
 * <li>{@code begin ... end} and {@code if}: the value of the last statement that ran, as above;
 * <li>loops, {@code using}, {@code let} and blocks of buffers: nothing.
 * </ul>
 * The statements are rewritten so that the value ends in {@code ans} (evaluated once, before a
 * store into an element), or the name that holds it is given.
 */
final class Echo {
    /** The statements to run, and the variable that holds what to show after them (null: nothing). */
    record Plan(List<Stmt> statements, String shown, String text) {
    }

    private Echo() {
    }

    static final String ANS = "ans";

    static Plan plan(List<Stmt> fresh) {
        if (fresh.isEmpty()) {
            return new Plan(fresh, null, null);
        }
        List<Stmt> out = new ArrayList<>(fresh.subList(0, fresh.size() - 1));
        Stmt last = fresh.get(fresh.size() - 1);
        if (last instanceof Stmt.Function f) {
            out.add(last);
            return new Plan(out, null, f.name() + " (generic function with 1 method)");
        }
        Rewrite r = rewrite(last);
        out.addAll(r.statements());
        return new Plan(out, r.shown(), null);
    }

    private record Rewrite(List<Stmt> statements, String shown) {
        static Rewrite none(Stmt s) {
            return new Rewrite(List.of(s), null);
        }
    }

    private static Rewrite rewrite(Stmt last) {
        return last.accept(REWRITE);
    }

    /** What each kind of statement shows when it is the last of an input. */
    private static final Stmt.Visitor<Rewrite> REWRITE = new Stmt.Visitor<>() {
        public Rewrite visitExpr(Stmt.ExprStmt e) {
            return new Rewrite(List.of(setAns(e.expr())), ANS);
        }

        public Rewrite visitAssign(Stmt.Assign a) {
            return assign(a);
        }

        public Rewrite visitTensor(Stmt.Tensor t) {
            return t.lhs().tensor() instanceof Expr.Name n ? new Rewrite(List.of(t), n.name()) : Rewrite.none(t);
        }

        public Rewrite visitBlock(Stmt.Block b) {
            if (b.scoped() || b.body().isEmpty()) {
                return Rewrite.none(b);
            }
            Rewrite inner = rewrite(b.body().get(b.body().size() - 1));
            List<Stmt> body = new ArrayList<>(b.body().subList(0, b.body().size() - 1));
            body.addAll(inner.statements());
            return new Rewrite(List.of(new Stmt.Block(b.pos(), List.copyOf(body), false)), inner.shown());
        }

        public Rewrite visitIf(Stmt.If s) {
            // each branch leaves its value in ans; a branch that shows nothing, or none taken, leaves nothing
            List<Stmt.Branch> branches = new ArrayList<>();
            for (Stmt.Branch b : s.branches()) {
                branches.add(new Stmt.Branch(b.pos(), b.condition(), toAns(b.body())));
            }
            List<Stmt> elseBody = s.elseBody() == null ? List.of(clearAns(s)) : toAns(s.elseBody());
            return new Rewrite(List.of(new Stmt.If(s.pos(), List.copyOf(branches), elseBody)), ANS);
        }

        public Rewrite visitFunction(Stmt.Function f) {
            return Rewrite.none(f); // its generic-function line when it is the input's last statement (plan)
        }

        public Rewrite visitFor(Stmt.For s) {
            return Rewrite.none(s);
        }

        public Rewrite visitWhile(Stmt.While s) {
            return Rewrite.none(s);
        }

        public Rewrite visitReturn(Stmt.Return s) {
            return Rewrite.none(s);
        }

        public Rewrite visitBreak(Stmt.Break s) {
            return Rewrite.none(s);
        }

        public Rewrite visitContinue(Stmt.Continue s) {
            return Rewrite.none(s);
        }

        public Rewrite visitUsing(Stmt.Using s) {
            return Rewrite.none(s);
        }

        public Rewrite visitShow(Stmt.Show s) {
            return Rewrite.none(s); // prints its own line
        }

        public Rewrite visitPrintBufferUsage(Stmt.PrintBufferUsage s) {
            return Rewrite.none(s);
        }

        public Rewrite visitBufferScope(Stmt.BufferScope s) {
            return Rewrite.none(s);
        }
    };

    /** A branch's statements, its last value put in ans (nothing when it shows nothing). */
    private static List<Stmt> toAns(List<Stmt> body) {
        if (body.isEmpty()) {
            return List.of();
        }
        Stmt last = body.get(body.size() - 1);
        Rewrite r = rewrite(last);
        List<Stmt> out = new ArrayList<>(body.subList(0, body.size() - 1));
        out.addAll(r.statements());
        if (r.shown() == null) {
            out.add(clearAns(last));
        } else if (!r.shown().equals(ANS)) {
            out.add(new Stmt.Assign(last.pos(), List.of(name(last, ANS)), AssignOp.SET, name(last, r.shown())));
        }
        return List.copyOf(out);
    }

    private static Stmt clearAns(Stmt at) {
        return new Stmt.Assign(at.pos(), List.of(name(at, ANS)), AssignOp.SET, name(at, "nothing"));
    }

    private static Rewrite assign(Stmt.Assign a) {
        Expr target = a.targets().get(0);
        if (a.targets().size() > 1) {
            // a, b = 1, 2 shows (1, 2): the right side once, then taken apart
            return new Rewrite(List.of(setAns(a.value()), new Stmt.Assign(a.pos(), a.targets(), AssignOp.SET,
                    name(a, ANS))), ANS);
        }
        if (target instanceof Expr.Name n) {
            return new Rewrite(List.of(a), n.name());
        }
        if (!(target instanceof Expr.Index)) {
            return Rewrite.none(a);
        }
        if (a.op() == AssignOp.SET) {
            return new Rewrite(List.of(setAns(a.value()), new Stmt.Assign(a.pos(), a.targets(), AssignOp.SET,
                    name(a, ANS))), ANS);
        }
        if (hasCall(target)) {
            return Rewrite.none(a); // the target is not read twice when reading it may do something
        }
        // A[1] += 1 shows the new element; A[1, :] .= 2 the view it filled
        return new Rewrite(List.of(a, new Stmt.Assign(a.pos(), List.of(name(a, ANS)), AssignOp.SET, target)), ANS);
    }

    private static Stmt setAns(Expr value) {
        return new Stmt.Assign(value.pos(), List.of(new Expr.Name(value.pos(), ANS)), AssignOp.SET, value);
    }

    private static Expr.Name name(Stmt at, String name) {
        return new Expr.Name(at.pos(), name);
    }

    private static boolean hasCall(Expr e) {
        if (e instanceof Expr.Call c && "size".equals(c.calleeName())) {
            return c.args().stream().anyMatch(Echo::hasCall); // `end` in an index: size(A, k)
        }
        if (e instanceof Expr.Call || e instanceof Expr.Broadcast) {
            return true;
        }
        if (e instanceof Expr.Index ix) {
            return hasCall(ix.target()) || ix.indices().stream().anyMatch(Echo::hasCall);
        }
        if (e instanceof Expr.Binary b) {
            return hasCall(b.left()) || hasCall(b.right());
        }
        if (e instanceof Expr.Unary u) {
            return hasCall(u.operand());
        }
        if (e instanceof Expr.Range r) {
            return hasCall(r.start()) || (r.step() != null && hasCall(r.step())) || hasCall(r.stop());
        }
        return !(e instanceof Expr.Name || e instanceof Expr.IntLit || e instanceof Expr.FloatLit
                || e instanceof Expr.Colon || e instanceof Expr.BoolLit);
    }
}
