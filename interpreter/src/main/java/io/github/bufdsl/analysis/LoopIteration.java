package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.LoopPieces.Piece;
import io.github.bufdsl.analysis.Signals.BreakLoop;
import io.github.bufdsl.analysis.Signals.ContinueLoop;
import io.github.bufdsl.runtime.BufferRules;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Loops sized iteration by iteration, as running does: where no closed form holds and the count is
 * a number, while loops whose condition is known, and while loops sized by one iteration.
 */
final class LoopIteration {
    private final PathRun run;

    LoopIteration(PathRun run) {
        this.run = run;
    }

    /**
     * A while loop that is not counted: iterated under the deadline while its condition is known,
     * else sized by one iteration, which must give back what it takes.
     */
    void whileLoop(SizeStmt.While w) {
        if (w.condition() != null && run.known(w.condition())) {
            boolean sizes = SizeStmts.mustFollow(w.body());
            PathRun.State before = sizes ? null : run.save();
            long iterations = 0;
            while (run.known(w.condition()) && run.bool(w.condition())) {
                run.tick(w.pos(), "this while loop");
                if (!sizes && ++iterations > UNSIZED_ITERATIONS) {
                    // around no allocation, followed only for its scalars: past this, they are unknowable after it
                    run.restore(before);
                    run.statements(SizeStmts.unfollowed(w.pos(), null, w.body()));
                    return;
                }
                try {
                    run.choices.iteration(w, null, w.body());
                } catch (BreakLoop b) {
                    return;
                } catch (ContinueLoop k) {
                    // next iteration
                }
            }
            if (!run.known(w.condition())) {
                oneIteration(w);
            }
            return;
        }
        oneIteration(w);
    }

    /** Iterations of a while loop around no allocation that usage follows to know its scalars after it. */
    static final long UNSIZED_ITERATIONS = 100_000;

    /** A while loop sized by one iteration, which must give back what it takes. */
    private void oneIteration(SizeStmt.While w) {
        // one iteration stands for all only if no size reads a value the loop changes: such values are unknown
        java.util.Set<String> changed = new java.util.HashSet<>();
        RepeatingLoops.assignedNames(w.body(), changed);
        for (String name : changed) {
            Object now = run.lookupQuiet(name);
            if (run.ev.relevantNames().contains(name) && !(now instanceof TensorRec)) {
                run.assign(name, new Symbolic.Opaque(assignedAt(w.body(), name, w.pos())));
            }
        }
        Map<String, Poly> before = new HashMap<>();
        run.levels.forEach((b, l) -> before.put(b, l.len));
        try {
            run.choices.iteration(w, null, w.body());
        } catch (BreakLoop | Signals.ContinueLoop e) {
            // one iteration stands for all: where it ends does not matter
        }
        for (Map.Entry<String, Level> e : run.levels.entrySet()) {
            Poly change = e.getValue().len.minus(before.get(e.getKey()));
            if (!change.equals(Poly.ZERO)) {
                throw run.fail(w.pos(), "each run of this while loop leaves " + change + " more elements in " + e.getKey()
                        + ", so its peak grows without bound; give back in each iteration what it takes, or use a"
                        + " for loop with a known count");
            }
        }
    }

    /** Where the statements assign {@code name} first (for a message), else {@code otherwise}. */
    private static io.github.bufdsl.diag.Pos assignedAt(List<SizeStmt> body, String name,
            io.github.bufdsl.diag.Pos otherwise) {
        for (SizeStmt s : body) {
            if (SizeStmts.targets(s).contains(name)) {
                return s.pos();
            }
            for (List<SizeStmt> inner : SizeStmts.bodies(s)) {
                io.github.bufdsl.diag.Pos at = assignedAt(inner, name, null);
                if (at != null) {
                    return at;
                }
            }
        }
        return otherwise;
    }

    /** After a break: the inner loop of {@code for i in 1:n, j in 1:m} leaves the loops around it too. */
    static void leaveNest(SizeStmt loop) {
        if (loop instanceof SizeStmt.For f && f.nested()) {
            throw new BreakLoop();
        }
    }

    /** Whether the buffer is a ThreadsBuffer (a pool whose buffers an iteration takes and gives back). */
    boolean isPool(String buffer) {
        SizingFunction.BufferDecl d = run.ev.function.decls().get(buffer);
        return d != null && d.pool() != null;
    }

    /** The start of an iteration of a threaded loop: it holds no buffer of a ThreadsBuffer yet. */
    void startIteration() {
        run.levels.forEach((b, l) -> l.taken &= !isPool(b));
    }

    /** The end of an iteration of a threaded loop: it must have given back each ThreadsBuffer's buffer. */
    void endIteration(SizeStmt.For f) {
        for (Map.Entry<String, Level> e : run.levels.entrySet()) {
            if (isPool(e.getKey())) {
                BufferRules.Violation v = BufferRules.iterationEnd("the Threads.@threads loop at line "
                        + f.pos().line(), e.getKey(), e.getValue().taken);
                if (v != null) {
                    throw run.fail(f.pos(), v.message());
                }
            }
        }
    }

    /** Iteration by iteration, as running does; loops whose iterations repeat are cut short. */
    void iterate(SizeStmt loop, String var, Piece whole, List<SizeStmt> body) {
        run.at = loop.pos();
        if (!whole.first().isConstant() || !whole.count().isConstant()) {
            throw run.impossible("to size the loop over " + var + ", usage needs the value of " + whole.count()
                    + "; give its variables with --var");
        }
        long start = whole.first().constantValue();
        long step = whole.step();
        long count = whole.count().constantValue();
        Set<String> carried = run.ev.repeatingLoops.computeIfAbsent(loop,
                x -> Optional.ofNullable(RepeatingLoops.carried(var, body, run.ev.relevantNames()))).orElse(null);
        long around = run.loops.iteratedAround;
        run.loops.iteratedAround = count > Long.MAX_VALUE / around ? Long.MAX_VALUE : around * count;
        try {
            iterations(loop, var, body, start, step, count, carried);
        } finally {
            run.loops.iteratedAround = around;
        }
    }

    private void iterations(SizeStmt loop, String var, List<SizeStmt> body, long start, long step, long count,
            Set<String> carried) {
        List<Object> prev = null;
        for (long t = 0; t < count; t++) {
            run.tick(loop.pos(), "the loop over " + var);
            long i = start + t * step;
            run.assign(var, Poly.constant(i));
            boolean threaded = loop instanceof SizeStmt.For f && f.threaded();
            if (threaded) {
                startIteration();
            }
            try {
                run.choices.iteration(loop, var, body);
            } catch (BreakLoop b) {
                leaveNest(loop);
                return;
            } catch (ContinueLoop c) {
                // next iteration
            }
            if (threaded) {
                endIteration((SizeStmt.For) loop);
            }
            if (carried != null) {
                List<Object> after = loopState(carried);
                if (after.equals(prev)) {
                    // the counter of a while loop as its last iteration leaves it (it steps it as this one did)
                    Object now = run.lookupQuiet(var);
                    long moved = now instanceof Poly p && p.isConstant() ? p.constantValue() - i : 0;
                    run.assign(var, Poly.constant(start + (count - 1) * step + moved));
                    return;
                }
                prev = after;
            }
        }
        if (count >= Long.MAX_VALUE / 4) {
            throw run.fail(loop.pos(), "this loop never ends: nothing breaks out of it");
        }
    }

    /**
     * A tensor a name holds, as the next iteration can tell it: one on a stack is itself (the same
     * record); one on none (given back, a slice or a view, a new record in each iteration) is what
     * it is made of.
     */
    private Object tensorState(TensorRec t) {
        for (Level l : run.levels.values()) {
            if (l.stack.contains(t)) {
                return t;
            }
        }
        return java.util.Arrays.asList(t.buffer, t.size, t.dims, t.offset, t.view, t.whole, t.wholeWhen,
                t.droppedBy, t.of == null ? null : tensorState(t.of));
    }

    /**
     * What an iteration of a repeating loop can change: each buffer's length, peak, live tensors
     * and reshape mode, the decisions taken, the problems seen, the values it carries to the next.
     */
    private List<Object> loopState(Set<String> carried) {
        List<Object> state = new java.util.ArrayList<>();
        for (String name : carried) {
            Object v = run.lookupQuiet(name);
            state.add(v instanceof TensorRec t ? tensorState(t) : v);
        }
        for (Level l : run.levels.values()) {
            state.add(l.len);
            state.add(l.peak);
            state.add(new java.util.ArrayList<>(l.stack)); // the same tensor records, compared by identity
            state.add(l.reshapeAt == null ? "" : l.reshapeAt);
        }
        state.add(run.levels.size());
        state.add(run.decisions.size());
        state.add(run.ev.problemCount);
        return state;
    }
}
