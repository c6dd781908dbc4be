package io.github.bufdsl.analysis;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.ast.TensorExpr;
import java.util.function.Consumer;

/**
 * Visits every call, and every {@code @tensor} statement, in statements (into blocks, loops and
 * branches; not into function definitions).
 */
final class StmtWalker {
    private final Consumer<Expr.Call> onCall;
    private final Consumer<Stmt.Tensor> onTensor;

    StmtWalker(Consumer<Expr.Call> onCall) {
        this(onCall, t -> { });
    }

    StmtWalker(Consumer<Expr.Call> onCall, Consumer<Stmt.Tensor> onTensor) {
        this.onCall = onCall;
        this.onTensor = onTensor;
    }

    void statement(Stmt s) {
        s.accept(statements);
    }

    private final Stmt.Visitor<Void> statements = new Stmt.Visitor<>() {
        public Void visitExpr(Stmt.ExprStmt e) {
            expr(e.expr());
            return null;
        }

        public Void visitAssign(Stmt.Assign a) {
            a.targets().forEach(StmtWalker.this::expr);
            expr(a.value());
            return null;
        }

        public Void visitIf(Stmt.If i) {
            for (Stmt.Branch b : i.branches()) {
                expr(b.condition());
                b.body().forEach(StmtWalker.this::statement);
            }
            if (i.elseBody() != null) {
                i.elseBody().forEach(StmtWalker.this::statement);
            }
            return null;
        }

        public Void visitFor(Stmt.For f) {
            expr(f.iterable());
            f.body().forEach(StmtWalker.this::statement);
            return null;
        }

        public Void visitWhile(Stmt.While w) {
            expr(w.condition());
            w.body().forEach(StmtWalker.this::statement);
            return null;
        }

        public Void visitBlock(Stmt.Block b) {
            b.body().forEach(StmtWalker.this::statement);
            return null;
        }

        public Void visitPrintBufferUsage(Stmt.PrintBufferUsage p) {
            p.body().forEach(StmtWalker.this::statement);
            return null;
        }

        public Void visitBufferScope(Stmt.BufferScope b) {
            b.buffers().forEach(sb -> expr(sb.length()));
            b.body().forEach(StmtWalker.this::statement);
            return null;
        }

        public Void visitReturn(Stmt.Return r) {
            if (r.value() != null) {
                expr(r.value());
            }
            return null;
        }

        public Void visitShow(Stmt.Show sh) {
            expr(sh.expr());
            return null;
        }

        public Void visitTensor(Stmt.Tensor t) {
            onTensor.accept(t);
            tensor(t.rhs());
            return null;
        }

        public Void visitFunction(Stmt.Function f) {
            return null; // not into function definitions
        }

        public Void visitBreak(Stmt.Break b) {
            return null;
        }

        public Void visitContinue(Stmt.Continue c) {
            return null;
        }

        public Void visitUsing(Stmt.Using u) {
            return null;
        }
    };

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
