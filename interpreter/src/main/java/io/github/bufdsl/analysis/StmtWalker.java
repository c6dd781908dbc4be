package io.github.bufdsl.analysis;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.ast.TensorExpr;
import java.util.function.Consumer;

/** Visits every call in statements (into blocks, loops and branches; not into function definitions). */
final class StmtWalker {
    private final Consumer<Expr.Call> onCall;

    StmtWalker(Consumer<Expr.Call> onCall) {
        this.onCall = onCall;
    }

    void statement(Stmt s) {
        if (s instanceof Stmt.ExprStmt e) {
            expr(e.expr());
        } else if (s instanceof Stmt.Assign a) {
            a.targets().forEach(this::expr);
            expr(a.value());
        } else if (s instanceof Stmt.If i) {
            for (Stmt.Branch b : i.branches()) {
                expr(b.condition());
                b.body().forEach(this::statement);
            }
            if (i.elseBody() != null) {
                i.elseBody().forEach(this::statement);
            }
        } else if (s instanceof Stmt.For f) {
            expr(f.iterable());
            f.body().forEach(this::statement);
        } else if (s instanceof Stmt.While w) {
            expr(w.condition());
            w.body().forEach(this::statement);
        } else if (s instanceof Stmt.Block b) {
            b.body().forEach(this::statement);
        } else if (s instanceof Stmt.PrintBufferUsage p) {
            p.body().forEach(this::statement);
        } else if (s instanceof Stmt.BufferScope b) {
            b.body().forEach(this::statement);
        } else if (s instanceof Stmt.Return r && r.value() != null) {
            expr(r.value());
        } else if (s instanceof Stmt.Show sh) {
            expr(sh.expr());
        } else if (s instanceof Stmt.Tensor t) {
            tensor(t.rhs());
        }
    }

    private void tensor(TensorExpr t) {
        if (t instanceof TensorExpr.Scalar s) {
            expr(s.value());
        } else if (t instanceof TensorExpr.Binary b) {
            tensor(b.left());
            tensor(b.right());
        } else if (t instanceof TensorExpr.Negate n) {
            tensor(n.operand());
        }
    }

    void expr(Expr e) {
        if (e instanceof Expr.Call c) {
            onCall.accept(c);
            c.args().forEach(this::expr);
            c.kwargs().forEach(k -> expr(k.value()));
        } else if (e instanceof Expr.Index ix) {
            expr(ix.target());
            ix.indices().forEach(this::expr);
        } else if (e instanceof Expr.Binary b) {
            expr(b.left());
            expr(b.right());
        } else if (e instanceof Expr.Logical l) {
            expr(l.left());
            expr(l.right());
        } else if (e instanceof Expr.Unary u) {
            expr(u.operand());
        } else if (e instanceof Expr.Range r) {
            expr(r.start());
            if (r.step() != null) {
                expr(r.step());
            }
            expr(r.stop());
        } else if (e instanceof Expr.Tuple t) {
            t.items().forEach(this::expr);
        } else if (e instanceof Expr.Broadcast b) {
            b.args().forEach(this::expr);
        } else if (e instanceof Expr.Ternary t) {
            expr(t.condition());
            expr(t.ifTrue());
            expr(t.ifFalse());
        }
    }
}
