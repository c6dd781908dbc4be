package io.github.bufdsl.ast;

import java.util.List;
import java.util.function.Consumer;

/**
 * Every name a list of statements assigns: targets of {@code =}, loop variables, the buffers of a
 * {@code @buffer} block, {@code :=} outputs; never into function definitions. With
 * {@code intoOwnScopes} false, threaded loops and {@code let} blocks (scopes of their own) are not
 * entered either. Used by the resolver (names of a script) and the compiler (slots of a scope).
 */
public final class AssignedNames implements Stmt.Visitor<Void> {
    private final boolean intoOwnScopes;
    private final Consumer<String> into;

    private AssignedNames(boolean intoOwnScopes, Consumer<String> into) {
        this.intoOwnScopes = intoOwnScopes;
        this.into = into;
    }

    public static void collect(List<Stmt> body, boolean intoOwnScopes, Consumer<String> into) {
        new AssignedNames(intoOwnScopes, into).all(body);
    }

    private Void all(List<Stmt> body) {
        body.forEach(s -> s.accept(this));
        return null;
    }

    public Void visitAssign(Stmt.Assign a) {
        for (Expr t : a.targets()) {
            if (t instanceof Expr.Name n) {
                into.accept(n.name());
            }
        }
        return null;
    }

    public Void visitIf(Stmt.If f) {
        f.branches().forEach(b -> all(b.body()));
        return f.elseBody() == null ? null : all(f.elseBody());
    }

    public Void visitFor(Stmt.For f) {
        if (f.threaded() && !intoOwnScopes) {
            return null;
        }
        into.accept(f.var());
        return all(f.body());
    }

    public Void visitWhile(Stmt.While w) {
        return all(w.body());
    }

    public Void visitBlock(Stmt.Block b) {
        return b.scoped() && !intoOwnScopes ? null : all(b.body());
    }

    public Void visitBufferScope(Stmt.BufferScope b) {
        b.buffers().forEach(sb -> into.accept(sb.name()));
        return all(b.body());
    }

    public Void visitPrintBufferUsage(Stmt.PrintBufferUsage p) {
        return all(p.body());
    }

    public Void visitTensor(Stmt.Tensor t) {
        if ((t.op() == AssignOp.DEFINE || t.scalar()) && t.lhs().tensor() instanceof Expr.Name n) {
            into.accept(n.name());
        }
        return null;
    }

    public Void visitFunction(Stmt.Function f) {
        return null; // a scope of its own
    }

    public Void visitExpr(Stmt.ExprStmt s) {
        return null;
    }

    public Void visitReturn(Stmt.Return s) {
        return null;
    }

    public Void visitBreak(Stmt.Break s) {
        return null;
    }

    public Void visitContinue(Stmt.Continue s) {
        return null;
    }

    public Void visitUsing(Stmt.Using s) {
        return null;
    }

    public Void visitShow(Stmt.Show s) {
        return null;
    }
}
