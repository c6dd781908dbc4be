package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.LoopPieces.Piece;
import io.github.bufdsl.analysis.Symbolic.Opaque;
import io.github.bufdsl.diag.Pos;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a loop piece's summary to the run: the peak over its iterations (sums of polynomials
 * and their maximum over the range, {@link ClosedForms}), the levels and tensors after it (the
 * last iteration's tensors, the earlier ones as one record), and the variables as the last
 * iteration leaves them.
 */
final class LoopApply {
    private static final String BASE = LoopSizer.BASE;
    private final PathRun run;

    LoopApply(PathRun run) {
        this.run = run;
    }

    /** The peak of each buffer over the piece, relative to nothing: the levels are the run's current ones. */
    Map<String, Peak> piecePeaks(LoopSummary s, Piece p, Map<String, Poly> startLevels) {
        return piecePeaks(s, p, startLevels, s.piece());
    }

    /** As above, with the formulas written over the loop variable of {@code formulas}. */
    Map<String, Peak> piecePeaks(LoopSummary s, Piece p, Map<String, Poly> startLevels, Piece formulas) {
        return piecePeaks(s, p, startLevels, p.step(), true);
    }

    /**
     * The peak of each buffer over the piece; the loop steps by {@code wholeStep} (the piece may take
     * every k-th iteration), and {@code fromStart} when the piece's first iteration is the loop's first
     * or follows the levels the run holds now.
     */
    Map<String, Peak> piecePeaks(LoopSummary s, Piece p, Map<String, Poly> startLevels, long wholeStep,
            boolean fromStart) {
        Map<String, Peak> out = new LinkedHashMap<>();
        for (Map.Entry<String, Level> e : run.levels.entrySet()) {
            String b = e.getKey();
            Poly l0 = startLevels != null ? startLevels.get(b) : e.getValue().len;
            Poly endLen = s.end().get(b);
            List<Poly> byBase = endLen.coefficientsIn(BASE);
            boolean keeps = byBase.size() == 2;
            Poly d = keeps ? inT(byBase.get(0), s.piece(), p) : null;
            Peak best = null;
            for (Poly c : s.peak().get(b).candidates()) {
                List<Poly> cb = c.coefficientsIn(BASE);
                Poly q = inT(cb.get(0), s.piece(), p);
                boolean plusBase = cb.size() == 2;
                Poly value;
                if (keeps) {
                    // level at iteration t: l0 + sum_{u<t} d(u)
                    Poly level = l0.plus(ClosedForms.prefixSum(d));
                    value = maxOver(plusBase ? level.plus(q) : q, p.count());
                } else {
                    // reset-like: an iteration at v starts where the one at v - wholeStep ended, e(v - wholeStep);
                    // the loop's very first starts at l0
                    Poly e0 = ClosedForms.inIterations(byBase.isEmpty() ? Poly.ZERO : byBase.get(0), s.piece().var(),
                            p.first().minus(Poly.constant(wholeStep)), p.step());
                    if (e0 == null) {
                        throw new Signals.NotClosed("a size is not a polynomial in " + s.piece().var());
                    }
                    if (fromStart) {
                        value = (plusBase ? l0.plus(q) : q).substitute(ClosedForms.T, Poly.ZERO);
                        if (!p.count().equals(Poly.constant(1))) {
                            Poly next = Poly.symbol(ClosedForms.T).plus(Poly.constant(1));
                            Poly at = plusBase ? e0.substitute(ClosedForms.T, next).plus(q.substitute(ClosedForms.T, next))
                                    : q.substitute(ClosedForms.T, next);
                            Poly rest = maxOver(at, p.count().minus(Poly.constant(1)));
                            best = best == null ? Peak.of(rest) : best.max(rest);
                        }
                    } else {
                        value = maxOver(plusBase ? e0.plus(q) : q, p.count());
                    }
                }
                best = best == null ? Peak.of(value) : best.max(value);
            }
            out.put(b, best);
        }
        return out;
    }

    Poly maxOver(Poly q, Poly count) {
        Poly m = ClosedForms.max(q, count);
        if (m == null) {
            throw new Signals.NotClosed("its peak is not a polynomial in the loop variable");
        }
        return m;
    }

    /** A formula of the loop variable as one of the iteration number {@code t} over {@code p}. */
    static Poly inT(Poly f, Piece summarized, Piece p) {
        Poly r = ClosedForms.inIterations(f, summarized.var(), p.first(), p.step());
        if (r == null) {
            throw new Signals.NotClosed("a size is not a polynomial in " + summarized.var());
        }
        return r;
    }

    /** Raises the level's peak to {@code p}, remembering where. */
    static void raise(Level l, Peak p, Pos at) {
        Peak raised = l.peak.max(p);
        if (!raised.equals(l.peak)) {
            l.peak = raised;
            l.peakAt = at == null || at == Pos.NONE ? l.peakAt : at;
            l.atPeak = l.persistent;
        }
    }

    /** Applies the piece to the run's state: peaks raised, levels and stacks after it, variables. */
    void applyPiece(LoopSummary s, Piece p, boolean partial) {
        applyPiece(s, p, null, s.piece());
    }

    /** The summary of the piece that holds the loop's last iteration (the first piece when that is not known). */
    static LoopSummary lastPiece0(List<LoopSummary> sums, Piece whole) {
        for (LoopSummary s : sums) {
            if (s.piece().last().equals(whole.last())) {
                return s;
            }
        }
        return sums.get(0);
    }

    /** The sizes of the tensors, in order. */
    static List<Poly> sizes(List<TensorRec> tensors) {
        List<Poly> out = new ArrayList<>();
        tensors.forEach(t -> out.add(t.size));
        return out;
    }

    /**
     * Applies the summary over {@code p} to the buffers in {@code only} (all when null); the variables
     * take their values at {@code p}'s last iteration.
     */
    void applyPiece(LoopSummary s, Piece p, Set<String> only, Piece formulas) {
        Map<String, Peak> peaks = piecePeaks(s, p, null, formulas);
        Poly lastT = p.count().minus(Poly.constant(1));
        for (Map.Entry<String, Level> e : run.levels.entrySet()) {
            String b = e.getKey();
            if (only != null && !only.contains(b)) {
                continue;
            }
            Level l = e.getValue();
            Poly endLen = s.end().get(b);
            List<Poly> byBase = endLen.coefficientsIn(BASE);
            List<TensorRec> pushed = s.pushed().get(b);
            Map<TensorRec, TensorRec> renamed = new IdentityHashMap<>();
            if (byBase.size() == 2) {
                Poly d = inT(byBase.get(0), s.piece(), p);
                Poly total = ClosedForms.sum(d, p.count());
                Poly beforeLast = ClosedForms.sum(d, lastT);
                if (total == null || beforeLast == null) {
                    throw new Signals.NotClosed("a size is not a polynomial in " + s.piece().var());
                }
                if (!pushed.isEmpty() && !lastT.equals(Poly.ZERO)) {
                    Poly rest = beforeLast;
                    TensorRec all = new TensorRec("the tensors of earlier iterations of the loop over "
                            + s.piece().var(), b, rest, pushed.get(pushed.size() - 1).pos, null, null, false);
                    all.offHeap = pushed.get(0).offHeap;
                    l.push(all);
                }
                for (int k = pushed.size() - 1; k >= 0; k--) {
                    TensorRec t = lastOf(pushed.get(k), s.piece(), p.last());
                    renamed.put(pushed.get(k), t);
                    l.push(t);
                }
                raise(l, peaks.get(b), s.peakAt().get(b));
                l.len = l.len.plus(total);
                traceLoop(b, peaks.get(b), l.len);
            } else {
                // reset-like: what the last iteration left
                for (TensorRec t : l.stack) {
                    t.droppedBy = "reset!(" + b + ") in the loop over " + s.piece().var();
                }
                l.clear();
                for (int k = pushed.size() - 1; k >= 0; k--) {
                    TensorRec t = lastOf(pushed.get(k), s.piece(), p.last());
                    renamed.put(pushed.get(k), t);
                    l.push(t);
                }
                raise(l, peaks.get(b), s.peakAt().get(b));
                Poly e0 = byBase.isEmpty() ? Poly.ZERO : byBase.get(0);
                l.len = e0.substitute(s.piece().var(), p.last());
                l.reshapeAt = null;
                traceLoop(b, peaks.get(b), l.len);
            }
            renamedAll.putAll(renamed);
        }
        assignValues(s, p.last(), s.piece().var());
        renamedAll.clear();
    }

    /**
     * Whether interleaved pieces only make {@code b} grow, each iteration's peak at its end: then
     * the level never falls and the loop's peak is the level after it, the sum over the pieces.
     * The piece holding the last iteration must be known (its tensors are on top after the loop).
     */
    boolean accumulates(List<LoopSummary> sums, String b, Piece whole) {
        boolean lastKnown = false;
        for (LoopSummary s : sums) {
            lastKnown |= s.piece().last().equals(whole.last());
            Poly end = s.end().get(b);
            List<Poly> byBase = end.coefficientsIn(BASE);
            if (byBase == null || byBase.size() != 2 || !byBase.get(1).equals(Poly.constant(1))) {
                return false;
            }
            for (Poly c : s.peak().get(b).candidates()) {
                Poly below = inT(end.minus(c), s.piece(), s.piece()); // over t >= 0, free variables >= 0
                if (below == null || below.mentions(BASE) || !below.dominates(Poly.ZERO)) {
                    return false;
                }
            }
        }
        return lastKnown;
    }

    /** Applies interleaved pieces that only make {@code b} grow ({@link #accumulates}): the level after them is the peak. */
    void applyAccumulating(List<LoopSummary> sums, String b, Piece whole) {
        Level l = run.levels.get(b);
        Poly total = Poly.ZERO;
        LoopSummary last = lastPiece0(sums, whole);
        for (LoopSummary s : sums) {
            Poly d = inT(s.end().get(b).coefficientsIn(BASE).get(0), s.piece(), s.piece());
            Poly sum = ClosedForms.sum(d, s.piece().count());
            if (sum == null) {
                throw new Signals.NotClosed("a size is not a polynomial in " + s.piece().var());
            }
            total = total.plus(sum);
        }
        List<TensorRec> pushed = last.pushed().get(b);
        List<TensorRec> lastTensors = new ArrayList<>();
        Poly lastSize = Poly.ZERO;
        for (TensorRec t : pushed) {
            TensorRec at = lastOf(t, last.piece(), whole.last());
            lastTensors.add(at);
            lastSize = lastSize.plus(at.size);
        }
        Poly earlier = total.minus(lastSize);
        if (!pushed.isEmpty() && !earlier.equals(Poly.ZERO)) {
            TensorRec all = new TensorRec("the tensors of earlier iterations of the loop over " + last.piece().var(), b,
                    earlier, pushed.get(pushed.size() - 1).pos, null, null, false);
            all.offHeap = pushed.get(0).offHeap;
            l.push(all);
        }
        for (int k = pushed.size() - 1; k >= 0; k--) {
            renamedAll.put(pushed.get(k), lastTensors.get(k));
            l.push(lastTensors.get(k));
        }
        l.len = l.len.plus(total);
        raise(l, Peak.of(l.len), last.peakAt().get(b));
        traceLoop(b, Peak.of(l.len), l.len);
    }

    /** The tensor record as the iteration at {@code last} left it. */
    static TensorRec lastOf(TensorRec t, Piece summarized, Poly last) {
        Poly size = t.size.substitute(summarized.var(), last);
        List<Poly> dims = null;
        if (t.dims != null) {
            dims = new ArrayList<>();
            for (Poly d : t.dims) {
                Poly v = d.substitute(summarized.var(), last);
                dims.add(v == null ? d : v);
            }
        }
        TensorRec c = new TensorRec(t.name, t.buffer, size == null ? t.size : size, t.pos, dims, null, t.float32);
        c.offHeap = t.offHeap;
        c.droppedBy = t.droppedBy;
        return c;
    }

    /** The variables the iteration assigned, as the iteration at {@code last} left them. */
    void assignValues(LoopSummary s, Poly last, String var) {
        // first, so that a counter the body steps (k += 2 in a counted while) ends as the body left it
        run.assign(var, last);
        for (String name : s.written()) {
            Object v = s.values().get(name);
            if (v instanceof Poly poly) {
                Poly at = poly.substitute(var, last);
                run.assign(name, at == null ? new Opaque(Pos.NONE) : at);
            } else if (v instanceof TensorRec t) {
                TensorRec r = renamedAll.get(t);
                run.assign(name, r != null ? r : lastOf(t, s.piece(), last));
            } else if (v != null) {
                run.assign(name, v);
            }
        }
    }

    final Map<TensorRec, TensorRec> renamedAll = new IdentityHashMap<>();

    /** For the plot: the loop's peak and the level after it, at the loop's line, when they are numbers. */
    void traceLoop(String buffer, Peak peak, Poly after) {
        Long top = peak.constant();
        if (top != null && after.isConstant() && run.trace.size() < 100_000) {
            run.trace.add(new SizingResult.Step(run.at.line(), buffer, top));
            run.trace.add(new SizingResult.Step(run.at.line(), buffer, after.constantValue()));
        }
    }
}
