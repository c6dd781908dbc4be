package io.github.bufdsl.analysis;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Calls of user functions in the sizing function: those that take a buffer or contract are sized
 * where they are called, as {@code pseudo_f(lenbuf, peakbuf, args...)}, f's body translated once
 * (by a builder of its own); what f returns is its caller's target.
 */
final class UserCalls {
    private final SizingBuilder b;

    UserCalls(SizingBuilder b) {
        this.b = b;
    }

    /** Whether {@code c} calls a user function that is sized where it is called (it takes a buffer or contracts). */
    boolean sized(Expr.Call c) {
        String fn = c.calleeName();
        return fn != null && b.userFunctions.containsKey(fn) && (passesBuffer(c) || contracts(fn, new HashSet<>()));
    }

    /**
     * The calls of user functions that allocate or contract inside {@code e} (the arguments of a call,
     * a sum, a {@code return} or {@code println} of one), sized where they are; with
     * {@code skipTop} not {@code e} itself, which the statement's own translation sizes.
     */
    void nested(Expr e, boolean skipTop, List<SizeStmt> out) {
        new StmtWalker(c -> {
            String fn = c.calleeName();
            if ((c != e || !skipTop) && sized(c)) {
                call(List.of(), c, out);
            }
        }).expr(e);
    }

    /**
     * Whether a call of {@code fn} runs an {@code @tensor} statement (in its body or a function it
     * calls): its workspace, and the buffer a {@code :=} takes from, are then sized where it is
     * called, also when no buffer is passed to it.
     */
    private boolean contracts(String fn, Set<String> seen) {
        if (!seen.add(fn)) {
            return false;
        }
        boolean[] found = {false};
        List<String> callees = new ArrayList<>();
        StmtWalker walker = new StmtWalker(call -> {
            if (call.calleeName() != null && b.userFunctions.containsKey(call.calleeName())) {
                callees.add(call.calleeName());
            }
        }, t -> found[0] = true);
        b.userFunctions.get(fn).body().forEach(walker::statement);
        return found[0] || callees.stream().anyMatch(g -> contracts(g, seen));
    }

    private boolean passesBuffer(Expr.Call c) {
        return c.args().stream().anyMatch(a -> a instanceof Expr.Name n && b.buffers.contains(n.name()));
    }

    /**
     * {@code f(buf, n)} becomes {@code pseudo_f(lenbuf, peakbuf, n)}, f's body translated once;
     * {@code targets} are assigned what it returns ({@code A, W = f(buf, n)}: a tuple's items).
     */
    void call(List<String> targets, Expr.Call c, List<SizeStmt> out) {
        String fn = c.calleeName();
        Stmt.Function f = b.userFunctions.get(fn);
        List<SizeStmt.Arg> args = new ArrayList<>();
        List<Boolean> isBuffer = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (Expr a : c.args()) {
            boolean buffer = a instanceof Expr.Name n && b.buffers.contains(n.name());
            isBuffer.add(buffer);
            String view = SizeStmt.Arg.VIEW + args.size();
            if (buffer) {
                args.add(new SizeStmt.Arg(((Expr.Name) a).name(), null));
            } else if (a instanceof Expr.Index ix && SliceViews.translate(ix, view, c.pos(), b.allocations, b.shapes, out)) {
                // f(buf, A[:, :, 2]): the parameter is the slice, with its parent's buffer and its dimensions
                args.add(new SizeStmt.Arg(null, new SizeExpr.Var(view)));
                SizeExprs.names(a, names);
            } else {
                args.add(new SizeStmt.Arg(null, a instanceof Expr.Name n ? new SizeExpr.Var(n.name())
                        : a instanceof Expr.Range r ? SizeExprs.tryRange(r) : SizeExprs.tryExpr(a)));
                SizeExprs.names(a, names);
            }
        }
        SizingBuilder.use(c.pos(), names, out);
        SizingFunction.PseudoFunction existing = b.pseudo.get(fn);
        if (existing == null && b.inProgress.contains(fn)) {
            // a recursive call: sized by evaluating the calls, which needs the arguments' values
            out.add(new SizeStmt.Call(c.pos(), fn, args, targets));
            targets.forEach(b.allocations::remove);
            return;
        }
        if (existing == null) {
            b.inProgress.add(fn);
            Set<String> own = new HashSet<>(b.buffers);
            List<String> params = new ArrayList<>();
            for (int i = 0; i < f.params().size(); i++) {
                String p = f.params().get(i).name();
                params.add(p);
                if (isBuffer.get(i)) {
                    own.add(p);
                } else {
                    own.remove(p);
                }
            }
            SizingBuilder inner = new SizingBuilder(own, b.userFunctions, b.pseudo, b.inProgress);
            inner.shapes = new PrintedShapes(inner.allocations, f.body());
            List<SizeStmt> body = ReturnStatements.settled(inner.statements(f.body()));
            b.inProgress.remove(fn);
            b.pseudo.put(fn, new SizingFunction.PseudoFunction(fn, params, isBuffer, body));
        } else if (!existing.isBuffer().equals(isBuffer)) {
            throw SizeExprs.unsupported(c.pos(), "usage sizes " + fn + " for one arrangement of buffer arguments;"
                    + " here they are passed in other places than at its first call");
        }
        out.add(new SizeStmt.Call(c.pos(), fn, args, targets));
        for (int i = 0; i < targets.size(); i++) {
            SizeStmt.Alloc returned = ReturnedTensor.of(b.pseudo.get(fn), args, c.pos(), targets.get(i), i,
                    targets.size());
            if (returned != null) {
                b.allocations.put(targets.get(i), returned);
            } else {
                b.allocations.remove(targets.get(i));
            }
        }
    }
}
