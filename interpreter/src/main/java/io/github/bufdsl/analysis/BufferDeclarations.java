package io.github.bufdsl.analysis;

import static io.github.bufdsl.analysis.SizeExprs.tryExpr;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.builtins.Role;
import io.github.bufdsl.exec.Builtins;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The buffers a script makes, and how: what the sizing function sizes and checks capacities against. */
final class BufferDeclarations {
    private BufferDeclarations() {
    }

    /**
     * How the buffers of a script are made: {@code name = Buffer(len; extend=...)} and
     * {@code ThreadsBuffer} at the top level (and in {@code @buffer} blocks there), and every
     * {@code @buffer} or {@code @threadsbuffer} block at any depth outside functions (one in a loop or
     * a branch is a buffer too, emptied at its {@code end}).
     */
    static Map<String, SizingFunction.BufferDecl> of(List<Stmt> body) {
        Map<String, SizingFunction.BufferDecl> found = new LinkedHashMap<>();
        new Declarations(found, true).all(body);
        return found;
    }

    /** Finds declarations; {@code topLevel} where a {@code Buffer(...)} assignment declares one. */
    private record Declarations(Map<String, SizingFunction.BufferDecl> found, boolean topLevel)
            implements Stmt.Visitor<Void> {
        Void all(List<Stmt> body) {
            body.forEach(s -> s.accept(this));
            return null;
        }

        private Void inner(List<Stmt> body) {
            return new Declarations(found, false).all(body);
        }

        public Void visitAssign(Stmt.Assign a) {
            if (!topLevel || a.targets().size() != 1 || !(a.targets().get(0) instanceof Expr.Name n)
                    || !(a.value() instanceof Expr.Call c) || !(Builtins.role(c.calleeName()) instanceof Role.MakesBuffer m)) {
                return null;
            }
            if (!m.pool()) {
                SizeExpr capacity = c.args().size() == 1 ? tryExpr(c.args().get(0)) : null;
                boolean extendable = true;
                for (Expr.KwArg k : c.kwargs()) {
                    if (k.name().equals("extend") && k.value() instanceof Expr.BoolLit b) {
                        extendable = b.value();
                    }
                }
                int bytes = c.callee() instanceof Expr.Parametric p && !p.params().isEmpty()
                        && p.params().get(0) instanceof Expr.Name t && t.name().equals("Float32") ? 4 : 8;
                found.putIfAbsent(n.name(), new SizingFunction.BufferDecl(a.pos(), bytes, capacity, extendable, false));
            } else if (!c.args().isEmpty()) {
                SizingFunction.Pool pool = new SizingFunction.Pool(c.args().size() > 1 ? tryExpr(c.args().get(1)) : null);
                found.putIfAbsent(n.name(), new SizingFunction.BufferDecl(a.pos(), 8, tryExpr(c.args().get(0)), true,
                        false, pool));
            }
            return null;
        }

        public Void visitBufferScope(Stmt.BufferScope scope) {
            for (Stmt.ScopedBuffer b : scope.buffers()) {
                int bytes = b.type() instanceof Expr.Name t && t.name().equals("Float32") ? 4 : 8;
                found.putIfAbsent(b.name(), scope.threads()
                        ? new SizingFunction.BufferDecl(b.pos(), bytes, tryExpr(b.length()), true, true,
                                new SizingFunction.Pool(null))
                        : new SizingFunction.BufferDecl(b.pos(), bytes, tryExpr(b.length()), false, true));
            }
            return all(scope.body());
        }

        public Void visitIf(Stmt.If i) {
            i.branches().forEach(b -> inner(b.body()));
            return i.elseBody() == null ? null : inner(i.elseBody());
        }

        public Void visitFor(Stmt.For f) {
            return inner(f.body());
        }

        public Void visitWhile(Stmt.While w) {
            return inner(w.body());
        }

        public Void visitBlock(Stmt.Block b) {
            return inner(b.body());
        }

        public Void visitPrintBufferUsage(Stmt.PrintBufferUsage p) {
            return inner(p.body());
        }

        public Void visitFunction(Stmt.Function f) {
            return null; // sized where it is called
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

        public Void visitTensor(Stmt.Tensor s) {
            return null;
        }

        public Void visitShow(Stmt.Show s) {
            return null;
        }
    }
}
