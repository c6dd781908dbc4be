package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.LoopPieces.Piece;
import io.github.bufdsl.analysis.Signals.BreakLoop;
import io.github.bufdsl.analysis.Signals.ContinueLoop;
import io.github.bufdsl.analysis.Signals.Returned;
import io.github.bufdsl.diag.Pos;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one iteration of a loop does over a piece of its range ({@link LoopSummary}), for
 * {@link LoopSizer}: the body runs once with the loop variable as a symbol and each buffer's level
 * at the iteration's start as the symbol {@link LoopSizer#BASE}; the levels at its end and the
 * peaks within it must then be formulas of that start, and the values it carries from one
 * iteration to the next (read before being assigned) are found and handed to {@link Accumulators}.
 */
final class LoopSummarizer {
    private final PathRun run;
    /** The loops being summarized and the pieces of their ranges. */
    private final LoopPieces pieces;
    /** Where an iteration of a threaded loop starts and ends (a ThreadsBuffer's buffers taken and given back). */
    private final LoopIteration iteration;
    /** Per summarized iteration, the names read before being assigned and the names assigned. */
    private final Deque<Set<String>[]> tracking = new ArrayDeque<>();

    LoopSummarizer(PathRun run, LoopPieces pieces, LoopIteration iteration) {
        this.run = run;
        this.pieces = pieces;
        this.iteration = iteration;
    }

    /** {@code name} is read: carried from the iteration before when nothing in this one assigned it first. */
    void noteRead(String name) {
        for (Set<String>[] t : tracking) {
            if (!t[1].contains(name)) {
                t[0].add(name);
            }
        }
    }

    /** {@code name} is assigned. */
    void noteWrite(String name) {
        for (Set<String>[] t : tracking) {
            t[1].add(name);
        }
    }

    /** Runs the body once over the piece with symbolic variable and levels, from the state {@code before}. */
    @SuppressWarnings("unchecked")
    LoopSummary summarize(SizeStmt loop, String var, Piece piece, List<SizeStmt> body, PathRun.State before,
            Map<String, Object> acc) {
        run.restore(before);
        Map<String, List<TensorRec>> stackBefore = new LinkedHashMap<>();
        run.levels.forEach((b, l) -> {
            stackBefore.put(b, new ArrayList<>(l.stack));
            l.len = Poly.symbol(LoopSizer.BASE);
            l.peak = Peak.of(l.len);
            l.peakAt = Pos.NONE;
        });
        Set<String>[] track = new Set[] {new HashSet<String>(), new HashSet<String>()};
        pieces.active.addLast(piece);
        tracking.addLast(track);
        boolean breaks = false;
        boolean returns = false;
        WorkspaceModel.Counts workspaceBefore = run.workspace.startIteration(before);
        WorkspaceModel.Counts workspace;
        boolean threaded = loop instanceof SizeStmt.For f && f.threaded();
        if (threaded) {
            iteration.startIteration();
        }
        try {
            run.assign(var, Poly.symbol(var));
            Accumulators.bind(run, acc);
            run.choices.iteration(loop, var, body);
        } catch (BreakLoop b) {
            breaks = true;
        } catch (ContinueLoop c) {
            // the rest of the iteration is skipped
        } catch (Returned r) {
            returns = true;
        } catch (ArithmeticException e) {
            throw new Signals.NotClosed("its sizes overflow 64 bits as formulas");
        } finally {
            pieces.active.removeLast();
            tracking.removeLast();
            workspace = run.workspace.endIteration(workspaceBefore);
        }
        String open = WorkspaceModel.notClosed(workspace, piece, run.levels);
        if (open != null) { // the buffers are sized all the same
            run.workspace.markUnknown("in the loop over " + var + " at line " + loop.pos().line() + ", " + open);
        }
        if (threaded && !breaks && !returns) {
            iteration.endIteration((SizeStmt.For) loop);
        }
        Set<String> carried = new HashSet<>(track[0]);
        carried.retainAll(track[1]);
        carried.remove(var);
        // numbers matter only where a size or condition reads them; tensors always (a use after a drop)
        carried.removeIf(name -> !run.ev.relevantNames().contains(name) && !(run.lookupQuiet(name) instanceof TensorRec));
        Accumulators.carried(run, carried, before, acc);
        Accumulators.check(run, acc, track[1], run.levels, workspace);
        Map<String, Poly> end = new LinkedHashMap<>();
        Map<String, Peak> peak = new LinkedHashMap<>();
        Map<String, Pos> peakAt = new LinkedHashMap<>();
        Map<String, List<TensorRec>> pushed = new LinkedHashMap<>();
        for (Map.Entry<String, Level> e : run.levels.entrySet()) {
            Level l = e.getValue();
            List<TensorRec> was = stackBefore.get(e.getKey());
            List<TensorRec> now = new ArrayList<>(l.stack);
            Poly len = l.len;
            List<Poly> byBase = len.coefficientsIn(LoopSizer.BASE);
            boolean keepsBase = byBase != null && byBase.size() == 2 && byBase.get(1).equals(Poly.constant(1));
            boolean dropsBase = byBase != null && byBase.size() <= 1;
            if (keepsBase) {
                // what was there stays at the bottom: the stack grew by what the iteration pushed
                if (now.size() < was.size() || !now.subList(now.size() - was.size(), now.size()).equals(was)) {
                    throw new Signals.NotClosed("an iteration gives back tensors allocated before it");
                }
                pushed.put(e.getKey(), new ArrayList<>(now.subList(0, now.size() - was.size())));
            } else if (dropsBase) {
                pushed.put(e.getKey(), now); // after a reset!, only what the iteration pushed is left
            } else {
                throw new Signals.NotClosed("an iteration leaves " + e.getKey() + " at a level that is not a formula of"
                        + " its start");
            }
            for (TensorRec t : pushed.get(e.getKey())) {
                if (t.size.mentions(LoopSizer.BASE)) {
                    throw new Signals.NotClosed("a size depends on the buffer's level");
                }
            }
            end.put(e.getKey(), len);
            peak.put(e.getKey(), l.peak);
            peakAt.put(e.getKey(), l.peakAt);
            for (Poly c : l.peak.candidates()) {
                List<Poly> cb = c.coefficientsIn(LoopSizer.BASE);
                if (cb == null || cb.size() > 2 || (cb.size() == 2 && !cb.get(1).equals(Poly.constant(1)))) {
                    throw new Signals.NotClosed("its peak is not a formula of the level at the iteration's start");
                }
            }
        }
        Map<String, Object> values = new HashMap<>(run.globals);
        if (run.locals != null) {
            values.putAll(run.locals);
        }
        Set<String> closed = new HashSet<>();
        acc.forEach((name, v) -> {
            if (v instanceof Accumulators.Closed) {
                closed.add(name);
            }
        });
        return new LoopSummary(piece, end, peak, peakAt, pushed, values, track[1], breaks, returns, workspace,
                closed);
    }
}
