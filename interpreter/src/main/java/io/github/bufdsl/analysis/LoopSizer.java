package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.Signals.BreakLoop;
import io.github.bufdsl.analysis.Signals.ContinueLoop;
import io.github.bufdsl.analysis.Signals.Returned;
import io.github.bufdsl.analysis.LoopPieces.Piece;
import io.github.bufdsl.analysis.Signals.SplitLoop;
import io.github.bufdsl.diag.Pos;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sizes loops in closed form, at a cost that does not grow with their trip count. The body runs
 * once with the loop variable as a symbol and each buffer's level at the iteration's start as a
 * symbol {@code #L}; what the iteration does to a buffer is then a formula: the level at its end
 * ({@code #L + d(i)}, or {@code e(i)} after a {@code reset!}) and the highest level within it. Over
 * the iterations {@code t = 0..T-1} ({@code i = first + step*t}) the levels are sums of polynomials
 * (Faulhaber), and the peak is their maximum over the integer range ({@link ClosedForms}). The
 * run of the body over a piece is {@link LoopSummarizer}'s.
 *
 * <p>A condition on the loop variable ({@code i > 3}, {@code i == n}, {@code i % 2 == 0}) splits the
 * range into pieces on which it is constant; each piece is summarized alone. A {@code break} ends
 * the loop at the first iteration of the first piece that takes it. What no rule covers (a value
 * carried from one iteration to the next, a size that is not a polynomial in the loop variable) is
 * iterated when the trip count is a number, under the analysis's deadline, and reported with its
 * reason otherwise.
 */
final class LoopSizer {
    /** At most this many pieces per loop before giving up on closed forms. */
    private static final int MAX_PIECES = 64;
    /** Bounds of a loop on the symbolic levels: the level at the start of an iteration. */
    static final String BASE = "#L";

    private final PathRun run;
    /** The loops being summarized and the pieces of their ranges. */
    final LoopPieces pieces = new LoopPieces();
    /** Applies summaries to the run. */
    private final LoopApply apply;
    /** From a loop's range to the piece of iterations it sizes. */
    private final LoopRanges ranges;
    /** Loops sized iteration by iteration. */
    final LoopIteration iteration;
    /** Runs the body once over a piece, for what one iteration does. */
    private final LoopSummarizer summarizer;

    LoopSizer(PathRun run) {
        this.run = run;
        this.apply = new LoopApply(run);
        this.iteration = new LoopIteration(run);
        this.ranges = new LoopRanges(run, this);
        this.summarizer = new LoopSummarizer(run, pieces, iteration);
        pieces.positive = count -> nonEmpty(count, 1);
    }

    // ---------------------------------------------------------------- tracking of carried values

    /** {@code name} is read: a value carried from one iteration to the next if no assignment in it came first. */
    void noteRead(String name) {
        summarizer.noteRead(name);
    }

    /** {@code name} is assigned. */
    void noteWrite(String name) {
        summarizer.noteWrite(name);
    }

    // ---------------------------------------------------------------- for loops

    /** Sizes {@code for var in start:step:stop} ({@link LoopRanges}). */
    void forLoop(SizeStmt.For f) {
        ranges.forLoop(f);
    }

    /** Sizes a while loop ({@link LoopRanges}). */
    void whileLoop(SizeStmt.While w) {
        ranges.whileLoop(w);
    }

    /** Loops that contract are iterated up to this many iterations (of a nest together), for a numeric workspace. */
    static final long WORKSPACE_ITERATIONS = 4096;
    /** The product of the counts of the loops being iterated around the one being sized ({@link LoopIteration}). */
    long iteratedAround = 1;

    /** Sizes a loop over the piece, in closed form where it can, else by iterating. */
    void loop(SizeStmt loop, String var, Piece whole, List<SizeStmt> body) {
        if (run.ev.forceIteration || whole.first().isConstant() && whole.count().isConstant()
                && whole.count().constantValue() <= WORKSPACE_ITERATIONS / iteratedAround
                && SizeStmts.contracts(body, run.ev.function.functions(), new HashSet<>())) {
            // the workspace of @tensor is counted with numbers: a short loop that contracts is run through
            iteration.iterate(loop, var, whole, body);
            return;
        }
        List<Piece> pieces = new ArrayList<>(List.of(whole));
        List<LoopSummary> done = new ArrayList<>();
        PathRun.State before = run.save();
        int dataBreaks = run.choices.breaks;
        // the values it carries by sums (s += k; null) or makes unknowable for the next iteration (their Opaque)
        Map<String, Object> acc = new LinkedHashMap<>();
        while (true) {
            done.clear();
            Piece splitFrom = null;
            List<Piece> splitInto = null;
            boolean again = false;
            for (Piece p : pieces) {
                try {
                    done.add(summarizer.summarize(loop, var, p, body, before, acc));
                } catch (Signals.Accumulates a) {
                    a.names.forEach(name -> acc.put(name, null));
                    acc.putAll(a.unknown);
                    again = true;
                    break;
                } catch (Signals.ReadSums r) {
                    String why = Accumulators.close(r, var, whole, before, acc);
                    if (why != null) {
                        run.restore(before);
                        fallback(loop, var, whole, body, why);
                        return;
                    }
                    again = true;
                    break;
                } catch (SplitLoop split) {
                    if (!split.piece.equals(p)) {
                        throw split; // a condition on the variable of a loop around this one: that loop splits
                    }
                    splitFrom = p;
                    splitInto = split.parts;
                    break;
                } catch (Signals.NotClosed nc) {
                    run.restore(before);
                    fallback(loop, var, whole, body, nc.reason);
                    return;
                }
            }
            run.restore(before);
            if (again) {
                continue;
            }
            if (splitFrom == null) {
                break;
            }
            int k = pieces.indexOf(splitFrom);
            pieces.remove(k);
            pieces.addAll(k, splitInto);
            if (pieces.size() > MAX_PIECES) {
                fallback(loop, var, whole, body, "its conditions on " + var + " split it into more than " + MAX_PIECES
                        + " pieces");
                return;
            }
        }
        // a piece whose count is a formula may be empty for some values: that is a condition on them
        List<Piece> kept = new ArrayList<>();
        List<LoopSummary> keptSums = new ArrayList<>();
        for (int k = 0; k < pieces.size(); k++) {
            Piece p = pieces.get(k);
            Poly index = p.first().minus(whole.first()).times(Poly.fraction(1, Math.abs(whole.step())));
            if (whole.step() < 0) {
                index = index.negate();
            }
            // the first iteration runs: the caller sized the loop only after deciding it runs at all
            if (p.count().isConstant() || this.pieces.sure.contains(p) || index.equals(Poly.ZERO)
                    || index.isConstant() && nonEmpty(whole.count(), index.constantValue() + 1)) {
                kept.add(p);
                keptSums.add(done.get(k));
            } else if (!index.isConstant()) {
                fallback(loop, var, whole, body, "a piece of it starts at an iteration that is not a number");
                return;
            }
        }
        run.restore(before);
        if (!kept.isEmpty()) {
            try {
                apply(loop, var, whole, kept, keptSums, body, before, run.choices.breaks > dataBreaks, acc);
            } catch (Signals.NotClosed nc) {
                // a summary that cannot be applied in closed form (a size not polynomial in the variable)
                run.restore(before);
                fallback(loop, var, whole, body, nc.reason);
            }
        }
    }

    /**
     * Whether a loop of {@code count} iterations runs at least {@code k} times: proved for every
     * value, or a condition on the free variables followed both ways ({@code n >= 2}).
     */
    boolean nonEmpty(Poly count, long k) {
        if (count.minus(Poly.constant(k)).dominates(Poly.ZERO) || run.worstCase) {
            return true;
        }
        for (Piece outer : pieces.active) {
            if (count.mentions(outer.var())) {
                // a loop inside one being summarized: prove it for every iteration of the outer piece
                Poly inner = ClosedForms.inIterations(count, outer.var(), outer.first(), outer.step());
                if (inner != null && inner.minus(Poly.constant(k)).dominates(Poly.ZERO)) {
                    return true;
                }
                Boolean runs = pieces.compare(">=", count, Poly.constant(k)); // for j in i:n: i <= n, or a split
                if (runs != null) {
                    return runs;
                }
                throw new Signals.NotClosed("whether a loop inside it runs depends on " + outer.var());
            }
        }
        if (count.isConstant()) {
            return count.constantValue() >= k;
        }
        Poly rest = count.minus(Poly.constant(count.constantTerm()));
        return run.decide(rest + " >= " + (k - count.constantTerm()));
    }

    /** Applies the pieces' summaries, in the order the loop runs them, to the state {@code before}. */
    private void apply(SizeStmt loop, String var, Piece whole, List<Piece> pieces, List<LoopSummary> sums,
            List<SizeStmt> body, PathRun.State before, boolean dataBreak, Map<String, Object> acc) {
        run.restore(before);
        run.at = loop.pos();
        Map<String, Poly> accBefore = new LinkedHashMap<>();
        sums.forEach(s -> accBefore.putAll(Accumulators.values(run, s)));
        boolean ordered = true; // pieces follow each other (splits by thresholds), not interleaved residues
        for (int k = 0; k + 1 < pieces.size(); k++) {
            Piece a = pieces.get(k);
            Piece b = pieces.get(k + 1);
            ordered &= a.step() == whole.step() && b.step() == whole.step() && a.at(a.count()).equals(b.first());
        }
        // a break: the loop ends at the first iteration of the first piece that takes it
        int breakAt = -1;
        for (int k = 0; k < sums.size() && breakAt < 0; k++) {
            if (sums.get(k).breaks() || sums.get(k).returns()) {
                breakAt = k;
            }
        }
        if (!ordered) {
            Long stopAt = null;
            if (breakAt >= 0) {
                // the earliest first iteration among the pieces that break
                for (LoopSummary s : sums) {
                    if ((s.breaks() || s.returns()) && s.piece().first().isConstant()) {
                        long fi = s.piece().first().constantValue();
                        stopAt = stopAt == null ? fi : whole.step() > 0 ? Math.min(stopAt, fi) : Math.max(stopAt, fi);
                    } else if (s.breaks() || s.returns()) {
                        fallback(loop, var, whole, body, "it breaks where the first iteration is not a number");
                        return;
                    }
                }
                sizeTruncated(loop, var, whole, body, stopAt);
                return;
            }
            // buffers every piece treats alike (one formula of the loop variable) are sized over the whole
            // loop; the others must give back in each iteration what it takes, and take the largest peak
            Set<String> uniform = new HashSet<>();
            Set<String> accumulating = new HashSet<>(); // only grow, each iteration's peak at its end
            LoopSummary first = sums.get(0);
            for (String b : run.levels.keySet()) {
                boolean same = true;
                boolean balanced = true;
                for (LoopSummary s : sums) {
                    same &= s.end().get(b).equals(first.end().get(b)) && s.peak().get(b).equals(first.peak().get(b))
                            && apply.sizes(s.pushed().get(b)).equals(apply.sizes(first.pushed().get(b)));
                    balanced &= s.end().get(b).equals(Poly.symbol(BASE)) && s.pushed().get(b).isEmpty()
                            || !s.end().get(b).mentions(BASE) && s.end().get(b).equals(first.end().get(b));
                }
                if (same) {
                    uniform.add(b);
                } else if (!balanced && apply.accumulates(sums, b, whole)) {
                    accumulating.add(b);
                } else if (!balanced) {
                    fallback(loop, var, whole, body, "its conditions on " + var + " interleave iterations that"
                            + " keep different tensors in " + b);
                    return;
                }
            }
            Map<String, Peak> most = new HashMap<>();
            Map<String, Pos> where = new HashMap<>();
            for (LoopSummary s : sums) {
                run.workspace.raiseOver(s.workspace(), s.piece());
                Map<String, Peak> p = apply.piecePeaks(s, s.piece(), null, whole.step(), s.piece().first().equals(whole.first()));
                p.forEach((b, v) -> {
                    if (!uniform.contains(b) && !accumulating.contains(b)) {
                        most.merge(b, v, Peak::max);
                        where.putIfAbsent(b, s.peakAt().get(b));
                    }
                });
            }
            most.forEach((b, v) -> apply.raise(run.levels.get(b), v, where.get(b)));
            LoopSummary lastPiece = first;
            for (LoopSummary s : sums) {
                if (s.piece().last().equals(whole.last())) {
                    lastPiece = s;
                }
            }
            // buffers left as the last iteration leaves them (after its reset!): as the last piece leaves them
            Set<String> resetLike = new HashSet<>(run.levels.keySet());
            resetLike.removeAll(uniform);
            resetLike.removeIf(b -> apply.lastPiece0(sums, whole).end().get(b).mentions(BASE));
            if (!resetLike.isEmpty()) {
                LoopSummary last = apply.lastPiece0(sums, whole);
                apply.applyPiece(last, last.piece(), resetLike, last.piece());
            }
            for (String b : accumulating) {
                apply.applyAccumulating(sums, b, whole);
            }
            apply.applyPiece(lastPiece, new Piece(var, whole.first(), whole.step(), whole.count()), uniform,
                    lastPiece.piece());
            Accumulators.advance(run, accBefore, sums.stream().map(s -> Accumulators.sums(s, s.piece())).toList());
            return;
        }
        int n = breakAt >= 0 ? breakAt + 1 : sums.size();
        for (int k = 0; k < n; k++) {
            LoopSummary s = sums.get(k);
            boolean partial = k == breakAt;
            Piece p = partial ? new Piece(var, s.piece().first(), s.piece().step(), Poly.constant(1)) : s.piece();
            if (partial && k > 0 || partial && !s.piece().count().equals(Poly.constant(1))) {
                // the breaking iteration is the piece's first: summarize it alone from the current state
                PathRun.State here = run.save();
                LoopSummary one;
                try {
                    one = summarizer.summarize(loop, var, p, body, here, acc);
                } catch (SplitLoop split) {
                    if (!split.piece.equals(p)) {
                        throw split;
                    }
                    run.restore(here);
                    fallback(loop, var, whole, body, "its break depends on a condition that splits it further");
                    return;
                } catch (Signals.Accumulates a) {
                    run.restore(here);
                    fallback(loop, var, whole, body, String.join(", ", a.names) + " carries a value from one"
                            + " iteration to the next");
                    return;
                } catch (Signals.ReadSums a) {
                    run.restore(here);
                    fallback(loop, var, whole, body, Accumulators.readReason(a.steps.keySet()));
                    return;
                }
                run.restore(here);
                Accumulators.applyPiece(run, apply, one, p, true);
                run.workspace.raiseOver(one.workspace(), p);
                if (one.returns()) {
                    throw new Returned();
                }
                LoopIteration.leaveNest(loop);
                return;
            }
            Accumulators.applyPiece(run, apply, s, p, partial);
            run.workspace.raiseOver(s.workspace(), p);
            if (partial && s.returns()) {
                throw new Returned();
            }
            if (partial) {
                LoopIteration.leaveNest(loop);
            }
        }
        // a break on data ends it where usage cannot know; its iterations give back what they take (DataChoices)
        if (breakAt < 0 && !dataBreak && whole.count().isConstant()
                && whole.count().constantValue() >= Long.MAX_VALUE / 4) {
            throw run.fail(loop.pos(), "this loop never ends: nothing breaks out of it");
        }
    }

    /** Sizes the loop up to (excluding) {@code stopAt}, then the iteration at {@code stopAt}, which breaks. */
    private void sizeTruncated(SizeStmt loop, String var, Piece whole, List<SizeStmt> body, long stopAt) {
        long firstValue = whole.first().constantValue();
        long before = (stopAt - firstValue) / whole.step();
        if (before > 0) {
            loop(loop, var, new Piece(var, whole.first(), whole.step(), Poly.constant(before)), body);
        }
        run.assign(var, Poly.constant(stopAt));
        try {
            run.choices.iteration(loop, var, body);
        } catch (ContinueLoop e) {
            // the loop ends here
        } catch (BreakLoop e) {
            LoopIteration.leaveNest(loop);
        }
    }

    /** No closed form: iterate when the count is a number (under the deadline), else say why. */
    private void fallback(SizeStmt loop, String var, Piece whole, List<SizeStmt> body, String reason) {
        run.at = loop.pos();
        String shown = var.startsWith("#") ? var.substring(1) : var; // a loop counted for a formula step
        if ((!whole.first().isConstant() || !whole.count().isConstant()) && !pieces.active.isEmpty()) {
            // inside a loop being summarized: that loop has no closed form either (it may be iterated)
            throw new Signals.NotClosed("the loop over " + shown + " inside it has none: " + reason);
        }
        if (!whole.first().isConstant() || !whole.count().isConstant()) {
            throw run.impossible("usage cannot size the loop over " + shown + " without values: " + reason
                    + "; give its bounds' variables with --var");
        }
        run.ev.closedFormMisses.add("the loop over " + shown + " at line " + loop.pos().line() + ": " + reason);
        iteration.iterate(loop, var, whole, body);
    }

}
