package io.github.bufdsl.analysis;

import static io.github.bufdsl.analysis.SizeExprs.tryExpr;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.ast.StmtBodies;
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
        declare(body, true, found);
        return found;
    }

    /** Declarations in {@code body}; {@code topLevel} where a {@code Buffer(...)} assignment declares one. */
    private static void declare(List<Stmt> body, boolean topLevel, Map<String, SizingFunction.BufferDecl> found) {
        for (Stmt s : body) {
            if (s instanceof Stmt.Assign a) {
                if (topLevel) {
                    assignment(a, found);
                }
            } else if (s instanceof Stmt.BufferScope scope) {
                scoped(scope, found);
                declare(scope.body(), topLevel, found);
            } else if (!(s instanceof Stmt.Function)) { // a function's buffers are sized where it is called
                for (List<Stmt> inner : StmtBodies.of(s)) {
                    declare(inner, false, found);
                }
            }
        }
    }

    /** {@code name = Buffer(len; extend=...)} or {@code ThreadsBuffer(...)}. */
    private static void assignment(Stmt.Assign a, Map<String, SizingFunction.BufferDecl> found) {
        if (a.targets().size() != 1 || !(a.targets().get(0) instanceof Expr.Name n)
                || !(a.value() instanceof Expr.Call c) || !(Builtins.role(c.calleeName()) instanceof Role.MakesBuffer m)) {
            return;
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
    }

    /** The buffers of a {@code @buffer} or {@code @threadsbuffer} block. */
    private static void scoped(Stmt.BufferScope scope, Map<String, SizingFunction.BufferDecl> found) {
        for (Stmt.ScopedBuffer b : scope.buffers()) {
            int bytes = b.type() instanceof Expr.Name t && t.name().equals("Float32") ? 4 : 8;
            found.putIfAbsent(b.name(), scope.threads()
                    ? new SizingFunction.BufferDecl(b.pos(), bytes, tryExpr(b.length()), true, true,
                            new SizingFunction.Pool(null))
                    : new SizingFunction.BufferDecl(b.pos(), bytes, tryExpr(b.length()), false, true));
        }
    }
}
