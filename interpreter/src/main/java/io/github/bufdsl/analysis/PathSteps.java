package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.PathRun.Unknowable;
import io.github.bufdsl.analysis.Signals.OpenCondition;
import io.github.bufdsl.analysis.Signals.Returned;
import io.github.bufdsl.analysis.Symbolic.Opaque;
import java.util.ArrayList;
import java.util.List;

/**
 * What each kind of statement does on one path ({@link PathRun}); true for those that change a
 * buffer's level (traced). Signals (break, continue, return, a path's end, a decision needed) pass through.
 */
final class PathSteps implements SizeStmt.Visitor<Boolean> {
    private final PathRun run;

    PathSteps(PathRun run) {
        this.run = run;
    }

    public Boolean visitAlloc(SizeStmt.Alloc s) {
        run.buffers.alloc(s);
        return true;
    }

    public Boolean visitDrop(SizeStmt.Drop s) {
        run.buffers.drop(s);
        return true;
    }

    public Boolean visitBefore(SizeStmt.Before s) {
        run.buffers.before(s);
        return false;
    }

    public Boolean visitReshape(SizeStmt.Reshape s) {
        run.buffers.reshape(s);
        return true;
    }

    public Boolean visitScopeEnd(SizeStmt.ScopeEnd s) {
        run.buffers.scopeEnd(s);
        return true;
    }

    public Boolean visitReset(SizeStmt.Reset s) {
        run.buffers.reset(s);
        return true;
    }

    public Boolean visitUse(SizeStmt.Use s) {
        run.buffers.use(s);
        return false;
    }

    public Boolean visitLet(SizeStmt.Let s) {
        run.at = s.pos();
        if (s.value() instanceof SizeExpr.Var v && run.lookup(v.name()) instanceof TensorRec t) {
            run.assign(s.name(), t); // C = B names the same tensor, as in Julia: nothing is copied
            return false;
        }
        run.assign(s.name(), run.valueOrUnknowable(s.value(), s.pos()));
        return false;
    }

    public Boolean visitAlias(SizeStmt.Alias s) {
        run.at = s.pos();
        run.assign(s.name(), s.slice() == null ? run.lookup(s.of()) : SliceViews.view(run, s));
        return false;
    }

    public Boolean visitOpaque(SizeStmt.Opaque s) {
        if (s.loopVariable() && run.lookupQuiet(s.name()) != null) {
            return false; // the variable of a loop not followed: one of that name before it keeps its value
        }
        run.assign(s.name(), new Opaque(s.pos(), s.view(), s.elsewhere()));
        return false;
    }

    public Boolean visitCall(SizeStmt.Call s) {
        run.calls.call(s);
        return false;
    }

    public Boolean visitReturn(SizeStmt.Return s) {
        run.at = s.pos();
        List<Object> values = new ArrayList<>(); // the tensors and numbers returned, a tuple's item by item
        for (int i = 0; i < s.values().size(); i++) {
            String v = s.values().get(i);
            SizeExpr number = s.numbers().get(i);
            values.add(v != null && run.lookup(v) instanceof TensorRec t ? t
                    : number == null ? null : run.valueOrUnknowable(number, s.pos()));
        }
        throw new Returned(values);
    }

    public Boolean visitBreak(SizeStmt.Break s) {
        throw new Signals.BreakLoop();
    }

    public Boolean visitContinue(SizeStmt.Continue s) {
        throw new Signals.ContinueLoop();
    }

    public Boolean visitWhile(SizeStmt.While s) {
        run.at = s.pos();
        int returns = run.choices.loopReturns();
        run.loops.whileLoop(s);
        run.choices.afterLoop(returns);
        return false;
    }

    public Boolean visitFor(SizeStmt.For s) {
        run.at = s.pos();
        Object before = run.lookupQuiet(s.var());
        int returns = run.choices.loopReturns();
        run.loops.forLoop(s);
        run.choices.afterLoop(returns);
        if (before != null) { // as in Julia, the loop's variable is its own: a variable of that name keeps its value
            run.assign(s.var(), before);
        }
        return false;
    }

    public Boolean visitTensorOp(SizeStmt.TensorOp s) {
        run.at = s.pos();
        run.tensors.checkIndices(s);
        run.tensors.checkOverlap(s);
        run.tensors.workspace(s);
        return false;
    }

    public Boolean visitIf(SizeStmt.If s) {
        ifStatement(s);
        return false;
    }

    /** The first branch whose condition holds; an open condition in worst-case mode takes the largest. */
    private void ifStatement(SizeStmt.If f) {
        run.at = f.pos();
        for (int i = 0; i < f.branches().size(); i++) {
            SizeStmt.Branch b = f.branches().get(i);
            boolean taken;
            try {
                taken = run.bool(b.condition());
            } catch (OpenCondition open) {
                run.openSeen.merge(open.atom, 1, Integer::sum);
                run.merger.largest(f, alternativesFrom(f, i));
                return;
            } catch (Unknowable u) {
                // if s > 0 with s = sum(A) around no allocation: which branch runs decides no size
                List<List<SizeStmt>> alternatives = alternativesFrom(f, i);
                if (!SizeStmts.decideNoSize(alternatives, false)) {
                    run.choices.either(alternatives, u); // each way from here, the largest peak
                    return;
                }
                List<SizeStmt> unknown = new ArrayList<>();
                alternatives.forEach(body -> SizeStmts.unknowable(body, unknown));
                run.statements(unknown);
                return;
            }
            if (taken) {
                run.statements(b.body());
                return;
            }
        }
        if (f.elseBody() != null) {
            run.statements(f.elseBody());
        }
    }

    /** The bodies that may still run once branch {@code i}'s condition is reached: its, the later ones', the else. */
    private static List<List<SizeStmt>> alternativesFrom(SizeStmt.If f, int i) {
        List<List<SizeStmt>> alternatives = new ArrayList<>();
        f.branches().subList(i, f.branches().size()).forEach(rest -> alternatives.add(rest.body()));
        alternatives.add(f.elseBody() == null ? List.of() : f.elseBody());
        return alternatives;
    }
}
