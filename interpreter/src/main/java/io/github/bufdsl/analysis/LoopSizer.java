package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.Signals.BreakLoop;
import io.github.bufdsl.analysis.Signals.ContinueLoop;
import io.github.bufdsl.analysis.Signals.Returned;
import io.github.bufdsl.analysis.Signals.SplitLoop;
import io.github.bufdsl.analysis.Symbolic.Opaque;
import io.github.bufdsl.diag.Pos;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
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
 * (Faulhaber), and the peak is their maximum over the integer range ({@link ClosedForms}).
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
    private static final String BASE = "#L";

    private final PathRun run;
    /** The loops being summarized, innermost last: a condition on their variable is decided on the piece. */
    private final Deque<Piece> active = new ArrayDeque<>();
    /** Per summarized iteration, the names read before being assigned and the names assigned. */
    private final Deque<Set<String>[]> tracking = new ArrayDeque<>();

    LoopSizer(PathRun run) {
        this.run = run;
    }

    /**
     * The iterations {@code first, first+step, ...}, {@code count} of them ({@code count >= 1});
     * {@code var} is the loop variable's name, a symbol in the formulas while the piece is summarized.
     */
    record Piece(String var, Poly first, long step, Poly count) {
        Poly last() {
            return first.plus(Poly.constant(step).times(count.minus(Poly.constant(1))));
        }

        Poly at(Poly t) {
            return first.plus(Poly.constant(step).times(t));
        }
    }

    // ---------------------------------------------------------------- tracking of carried values

    void noteRead(String name) {
        for (Set<String>[] t : tracking) {
            if (!t[1].contains(name)) {
                t[0].add(name);
            }
        }
    }

    void noteWrite(String name) {
        for (Set<String>[] t : tracking) {
            t[1].add(name);
        }
    }

    // ---------------------------------------------------------------- conditions on loop variables

    /** The active loop whose variable {@code p} mentions, innermost first; null when none. */
    private Piece loopOf(Poly p) {
        for (java.util.Iterator<Piece> it = active.descendingIterator(); it.hasNext(); ) {
            Piece piece = it.next();
            if (p.mentions(piece.var())) {
                return piece;
            }
        }
        return null;
    }

    /** The signal that the loop being summarized has no closed form, for the reason given. */
    RuntimeException notClosed(String reason) {
        return new NotClosed(reason);
    }

    /** A condition about to be explored both ways must not depend on a loop variable being summarized. */
    void checkOpen(String atom) {
        for (Piece p : active) {
            if (Poly.symbol("(" + atom + ")").mentions(p.var())) {
                throw new NotClosed("the condition " + atom + " on " + p.var() + " is not one usage can split the loop by");
            }
        }
    }

    /** Whether {@code p} mentions the variable of a loop being summarized. */
    boolean mentionsLoop(Poly p) {
        return !active.isEmpty() && loopOf(p) != null;
    }

    /**
     * {@code a op b} for a comparison where a side mentions a loop variable: decided on the
     * piece being summarized, or a {@link SplitLoop} into pieces on which it is constant. Null when
     * it cannot be decided either way (not linear in the variable, or symbolic where the split
     * would need numbers).
     */
    Boolean compare(String op, Poly a, Poly b) {
        Poly diff = a.minus(b);
        Piece piece = loopOf(diff);
        if (piece == null) {
            return null;
        }
        List<Poly> cs = diff.coefficientsIn(piece.var());
        if (cs == null || cs.size() != 2 || !cs.get(1).isConstant()) {
            return null;
        }
        long slope = cs.get(1).constantValue(); // diff = slope*var + c0
        Poly c0 = cs.get(0);
        // diff at iteration t: slope*step*t + (slope*first + c0)
        long perStep = Math.multiplyExact(slope, piece.step());
        Poly atFirst = c0.plus(Poly.constant(slope).times(piece.first()));
        Poly atLast = c0.plus(Poly.constant(slope).times(piece.last()));
        int sFirst = sign(atFirst);
        int sLast = sign(atLast);
        if (sFirst != 2 && sFirst == sLast) { // (zero at both ends of a line that moves: one iteration)
            return holds(op, sFirst); // constant sign on the whole piece
        }
        if (!atFirst.isConstant() || !piece.count().isConstant()) {
            // symbolic: the crossing must be at an end of the piece
            if (sFirst == 0 && perStep != 0 && piece.count().isConstant() == false) {
                throw new SplitLoop(piece, splitAt(piece, Poly.constant(1)));
            }
            if (sLast == 0 && perStep != 0) {
                throw new SplitLoop(piece, splitAt(piece, piece.count().minus(Poly.constant(1))));
            }
            return null;
        }
        long f0 = atFirst.constantValue();
        long count = piece.count().constantValue();
        // first t >= 0 at which the sign of f0 + perStep*t changes: the zero, or just past it
        long cut;
        if (perStep > 0) {
            cut = f0 >= 0 ? 1 : ceilDiv(-f0, perStep); // t where the value reaches >= 0
            if (f0 < 0 && (-f0) % perStep != 0) {
                // no exact zero: the sign flips at cut
                return splitOrDecide(piece, cut, count);
            }
        } else {
            cut = f0 <= 0 ? 1 : ceilDiv(f0, -perStep);
            if (f0 > 0 && f0 % (-perStep) != 0) {
                return splitOrDecide(piece, cut, count);
            }
        }
        // an exact zero at t = cut: three pieces, before, at and after it
        if (f0 == 0) {
            cut = 0;
        }
        List<Piece> parts = new ArrayList<>();
        if (cut > 0) {
            parts.add(new Piece(piece.var(), piece.first(), piece.step(), Poly.constant(Math.min(cut, count))));
        }
        if (cut < count) {
            parts.add(new Piece(piece.var(), piece.at(Poly.constant(cut)), piece.step(), Poly.constant(1)));
        }
        if (cut + 1 < count) {
            parts.add(new Piece(piece.var(), piece.at(Poly.constant(cut + 1)), piece.step(),
                    Poly.constant(count - cut - 1)));
        }
        if (parts.size() < 2) {
            return null;
        }
        throw new SplitLoop(piece, parts);
    }

    private Boolean splitOrDecide(Piece piece, long cut, long count) {
        if (cut <= 0 || cut >= count) {
            return null;
        }
        throw new SplitLoop(piece, splitAt(piece, Poly.constant(cut)));
    }

    /** The piece as two: its first {@code cut} iterations and the rest. */
    private static List<Piece> splitAt(Piece piece, Poly cut) {
        return List.of(new Piece(piece.var(), piece.first(), piece.step(), cut),
                new Piece(piece.var(), piece.at(cut), piece.step(), piece.count().minus(cut)));
    }

    /**
     * {@code a % m} where {@code a} mentions a loop variable: a number on a piece whose step makes
     * it constant, else a split into the residues; null when it is not linear or {@code m} not a number.
     */
    Poly mod(Poly a, Poly m) {
        Piece piece = loopOf(a);
        if (piece == null || !m.isConstant() || m.constantValue() == 0) {
            return null;
        }
        List<Poly> cs = a.coefficientsIn(piece.var());
        if (cs == null || cs.size() != 2 || !cs.get(1).isConstant() || !cs.get(0).isConstant()) {
            return null;
        }
        long mm = Math.abs(m.constantValue());
        long slope = cs.get(1).constantValue();
        if (Math.floorMod(Math.multiplyExact(slope, piece.step()), mm) == 0) {
            Poly atFirst = cs.get(0).plus(Poly.constant(slope).times(piece.first()));
            if (!atFirst.isConstant()) {
                return null;
            }
            long v = atFirst.constantValue() % m.constantValue(); // Julia's %: the sign of the dividend
            return Poly.constant(v);
        }
        if (!piece.count().isConstant()) {
            if (mm > 16) {
                return null;
            }
            // residues of t modulo mm, each a piece of step*mm; counts div(count - r + mm - 1, mm)
            List<Piece> parts = new ArrayList<>();
            for (long r = 0; r < mm; r++) {
                Poly cnt = Poly.symbol("div(" + piece.count().minus(Poly.constant(r)).plus(Poly.constant(mm - 1)) + ", "
                        + mm + ")");
                parts.add(new Piece(piece.var(), piece.at(Poly.constant(r)), Math.multiplyExact(piece.step(), mm), cnt));
            }
            throw new SplitLoop(piece, parts);
        }
        long count = piece.count().constantValue();
        List<Piece> parts = new ArrayList<>();
        for (long r = 0; r < Math.min(mm, count); r++) {
            long cnt = (count - r + mm - 1) / mm;
            parts.add(new Piece(piece.var(), piece.at(Poly.constant(r)), Math.multiplyExact(piece.step(), mm),
                    Poly.constant(cnt)));
        }
        throw new SplitLoop(piece, parts);
    }

    /** -1, 0, 1 for a number or a formula whose sign every value of its symbols gives; 2 when not known. */
    private static int sign(Poly p) {
        if (p.isConstant()) {
            return Long.signum(p.constantValue());
        }
        if (p.equals(Poly.ZERO)) {
            return 0;
        }
        if (p.minus(Poly.constant(1)).dominates(Poly.ZERO)) {
            return 1;
        }
        if (p.negate().minus(Poly.constant(1)).dominates(Poly.ZERO)) {
            return -1;
        }
        return 2;
    }

    private static boolean holds(String op, int sign) {
        return switch (op) {
            case "==" -> sign == 0;
            case "!=" -> sign != 0;
            case "<" -> sign < 0;
            case "<=" -> sign <= 0;
            case ">" -> sign > 0;
            default -> sign >= 0;
        };
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    // ---------------------------------------------------------------- for loops

    /** Sizes {@code for var in start:step:stop}. */
    void forLoop(SizeStmt.For f) {
        Poly start = run.integer(f.start(), "a range bound");
        Poly step = f.step() == null ? Poly.constant(1) : run.integer(f.step(), "a range step");
        Poly stop = run.integer(f.stop(), "a range bound");
        if (step.isConstant() && step.constantValue() == 0) {
            throw run.fail(f.pos(), "a range step cannot be zero");
        }
        if (!step.isConstant()) {
            throw run.impossible("to size the loop over " + f.var() + ", usage needs the value of its step " + step
                    + "; give its variables with --var");
        }
        long s = step.constantValue();
        Poly count;
        if (start.isConstant() && stop.isConstant()) {
            long c = Math.floorDiv(stop.constantValue() - start.constantValue(), s) + 1;
            if (c <= 0) {
                return;
            }
            count = Poly.constant(c);
        } else if (s == 1 || s == -1) {
            count = (s == 1 ? stop.minus(start) : start.minus(stop)).plus(Poly.constant(1));
        } else {
            Poly span = s > 0 ? stop.minus(start) : start.minus(stop);
            count = Poly.symbol("div(" + span + ", " + Math.abs(s) + ")").plus(Poly.constant(1));
        }
        if (!nonEmpty(count, 1)) {
            return;
        }
        loop(f, f.var(), new Piece(f.var(), start, s, count), f.body());
    }

    /**
     * A {@code while} loop: a counted one ({@code k < n} with {@code k += s} in the body, or
     * {@code while true} that breaks on such a counter) is sized as a for loop; one whose condition
     * is known is iterated under the deadline; any other is sized by one iteration, which must give
     * back what it takes.
     */
    void whileLoop(SizeStmt.While w) {
        if (w.condition() instanceof SizeExpr.Flag f && f.value() && !leaves(w.body())) {
            throw run.fail(w.pos(), "this loop never ends: its condition is always true and nothing in it breaks or"
                    + " returns");
        }
        Counted c = Counted.of(w, run);
        if (c != null) {
            Poly count;
            if (c.bound() == null) {
                count = Poly.constant(Long.MAX_VALUE / 4); // ends by a break
            } else if (c.start().isConstant() && c.bound().isConstant()) {
                long n = Math.floorDiv(c.bound().constantValue() - c.start().constantValue(), c.step()) + 1;
                if (n <= 0) {
                    return;
                }
                count = Poly.constant(n);
            } else if (c.step() == 1 || c.step() == -1) {
                count = (c.step() == 1 ? c.bound().minus(c.start()) : c.start().minus(c.bound())).plus(Poly.constant(1));
            } else {
                count = null;
            }
            if (count != null) {
                if (!nonEmpty(count, 1)) {
                    return;
                }
                loop(w, c.var(), new Piece(c.var(), c.start(), c.step(), count), w.body());
                return;
            }
        }
        if (w.condition() != null && run.known(w.condition())) {
            long[] guard = {0};
            while (run.known(w.condition()) && run.bool(w.condition())) {
                run.tick(w.pos(), "this while loop");
                guard[0]++;
                try {
                    run.statements(w.body());
                } catch (BreakLoop b) {
                    return;
                } catch (ContinueLoop k) {
                    // next iteration
                }
            }
            if (!run.known(w.condition())) {
                run.oneIteration(w);
            }
            return;
        }
        run.oneIteration(w);
    }

    /** Loops up to this many iterations whose body contracts are iterated, so that @tensor's workspace is a number. */
    private static final long WORKSPACE_ITERATIONS = 4096;

    /** Whether the statements (or the functions they call) hold an @tensor. */
    private boolean contracts(List<SizeStmt> body, Set<String> seen) {
        for (SizeStmt s : body) {
            boolean found = false;
            if (s instanceof SizeStmt.TensorOp) {
                found = true;
            } else if (s instanceof SizeStmt.If f) {
                found = f.branches().stream().anyMatch(b -> contracts(b.body(), seen))
                        || f.elseBody() != null && contracts(f.elseBody(), seen);
            } else if (s instanceof SizeStmt.For f) {
                found = contracts(f.body(), seen);
            } else if (s instanceof SizeStmt.While w) {
                found = contracts(w.body(), seen);
            } else if (s instanceof SizeStmt.Call c) {
                found = seen.add(c.function()) && run.ev.function.functions().containsKey(c.function())
                        && contracts(run.ev.function.functions().get(c.function()).body(), seen);
            }
            if (found) {
                return true;
            }
        }
        return false;
    }

    /** Whether a break or return in the statements (not in a nested loop's body for break) leaves the loop. */
    private static boolean leaves(List<SizeStmt> body) {
        for (SizeStmt s : body) {
            if (s instanceof SizeStmt.Break || s instanceof SizeStmt.Return) {
                return true;
            }
            if (s instanceof SizeStmt.If f && (f.branches().stream().anyMatch(b -> leaves(b.body()))
                    || f.elseBody() != null && leaves(f.elseBody()))) {
                return true;
            }
            if (s instanceof SizeStmt.Call) {
                return true; // a user function may end the script; leave it to the deadline
            }
        }
        return false;
    }

    /** Sizes a loop over the piece, in closed form where it can, else by iterating. */
    private void loop(SizeStmt loop, String var, Piece whole, List<SizeStmt> body) {
        if (run.ev.forceIteration || whole.first().isConstant() && whole.count().isConstant()
                && whole.count().constantValue() <= WORKSPACE_ITERATIONS && contracts(body, new HashSet<>())) {
            // the workspace of @tensor is counted with numbers: a short loop that contracts is run through
            iterate(loop, var, whole, body);
            return;
        }
        List<Piece> pieces = new ArrayList<>(List.of(whole));
        List<Summary> done = new ArrayList<>();
        PathRun.State before = run.save();
        while (true) {
            done.clear();
            Piece splitFrom = null;
            List<Piece> splitInto = null;
            for (Piece p : pieces) {
                try {
                    done.add(summarize(loop, var, p, body, before));
                } catch (SplitLoop split) {
                    splitFrom = p;
                    splitInto = split.parts;
                    break;
                } catch (NotClosed nc) {
                    run.restore(before);
                    fallback(loop, var, whole, body, nc.reason);
                    return;
                }
            }
            run.restore(before);
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
        List<Summary> keptSums = new ArrayList<>();
        for (int k = 0; k < pieces.size(); k++) {
            Piece p = pieces.get(k);
            Poly index = p.first().minus(whole.first()).times(Poly.fraction(1, Math.abs(whole.step())));
            if (whole.step() < 0) {
                index = index.negate();
            }
            if (p.count().isConstant() || index.isConstant() && nonEmpty(whole.count(), index.constantValue() + 1)) {
                kept.add(p);
                keptSums.add(done.get(k));
            } else if (!index.isConstant()) {
                fallback(loop, var, whole, body, "a piece of it starts at an iteration that is not a number");
                return;
            }
        }
        run.restore(before);
        if (!kept.isEmpty()) {
            apply(loop, var, whole, kept, keptSums, body, before);
        }
    }

    /**
     * Whether a loop of {@code count} iterations runs at least {@code k} times: proved for every
     * value, or a condition on the free variables followed both ways ({@code n >= 2}).
     */
    private boolean nonEmpty(Poly count, long k) {
        if (count.minus(Poly.constant(k)).dominates(Poly.ZERO) || run.worstCase) {
            return true;
        }
        for (Piece outer : active) {
            if (count.mentions(outer.var())) {
                // a loop inside one being summarized: prove it for every iteration of the outer piece
                Poly inner = ClosedForms.inIterations(count, outer.var(), outer.first(), outer.step());
                if (inner != null && inner.minus(Poly.constant(k)).dominates(Poly.ZERO)) {
                    return true;
                }
                throw new NotClosed("whether a loop inside it runs depends on " + outer.var());
            }
        }
        if (count.isConstant()) {
            return count.constantValue() >= k;
        }
        Poly rest = count.minus(Poly.constant(count.constantTerm()));
        return run.decide(rest + " >= " + (k - count.constantTerm()));
    }

    /** A piece's iteration as formulas. */
    private record Summary(Piece piece, Map<String, Poly> end, Map<String, Peak> peak, Map<String, Pos> peakAt,
            Map<String, List<TensorRec>> pushed, Map<String, Object> values, Set<String> written, boolean breaks,
            boolean returns) {
    }

    /** Why a loop has no closed form here. */
    private static final class NotClosed extends RuntimeException {
        final String reason;

        NotClosed(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }
    }

    /** Runs the body once over the piece with symbolic variable and levels, from the state {@code before}. */
    @SuppressWarnings("unchecked")
    private Summary summarize(SizeStmt loop, String var, Piece piece, List<SizeStmt> body, PathRun.State before) {
        run.restore(before);
        Map<String, List<TensorRec>> stackBefore = new LinkedHashMap<>();
        run.levels.forEach((b, l) -> {
            stackBefore.put(b, new ArrayList<>(l.stack));
            l.len = Poly.symbol(BASE);
            l.peak = Peak.of(l.len);
            l.peakAt = Pos.NONE;
        });
        Set<String>[] track = new Set[] {new HashSet<String>(), new HashSet<String>()};
        active.addLast(piece);
        tracking.addLast(track);
        boolean breaks = false;
        boolean returns = false;
        try {
            run.assign(var, Poly.symbol(var));
            run.statements(body);
        } catch (BreakLoop b) {
            breaks = true;
        } catch (ContinueLoop c) {
            // the rest of the iteration is skipped
        } catch (Returned r) {
            returns = true;
        } catch (ArithmeticException e) {
            throw new NotClosed("its sizes overflow 64 bits as formulas");
        } finally {
            active.removeLast();
            tracking.removeLast();
        }
        Set<String> carried = new HashSet<>(track[0]);
        carried.retainAll(track[1]);
        carried.remove(var);
        // numbers matter only where a size or condition reads them; tensors always (a use after a drop)
        carried.removeIf(name -> !run.ev.relevantNames().contains(name) && !(run.lookupQuiet(name) instanceof TensorRec));
        for (String name : carried) {
            Object now = run.lookup(name);
            if (!(now instanceof Opaque)) {
                throw new NotClosed(name + " carries a value from one iteration to the next");
            }
        }
        Map<String, Poly> end = new LinkedHashMap<>();
        Map<String, Peak> peak = new LinkedHashMap<>();
        Map<String, Pos> peakAt = new LinkedHashMap<>();
        Map<String, List<TensorRec>> pushed = new LinkedHashMap<>();
        for (Map.Entry<String, Level> e : run.levels.entrySet()) {
            Level l = e.getValue();
            List<TensorRec> was = stackBefore.get(e.getKey());
            List<TensorRec> now = new ArrayList<>(l.stack);
            Poly len = l.len;
            List<Poly> byBase = len.coefficientsIn(BASE);
            boolean keepsBase = byBase != null && byBase.size() == 2 && byBase.get(1).equals(Poly.constant(1));
            boolean dropsBase = byBase != null && byBase.size() <= 1;
            if (keepsBase) {
                // what was there stays at the bottom: the stack grew by what the iteration pushed
                if (now.size() < was.size() || !now.subList(now.size() - was.size(), now.size()).equals(was)) {
                    throw new NotClosed("an iteration gives back tensors allocated before it");
                }
                pushed.put(e.getKey(), new ArrayList<>(now.subList(0, now.size() - was.size())));
            } else if (dropsBase) {
                pushed.put(e.getKey(), now); // after a reset!, only what the iteration pushed is left
            } else {
                throw new NotClosed("an iteration leaves " + e.getKey() + " at a level that is not a formula of"
                        + " its start");
            }
            for (TensorRec t : pushed.get(e.getKey())) {
                if (t.size.mentions(BASE)) {
                    throw new NotClosed("a size depends on the buffer's level");
                }
            }
            end.put(e.getKey(), len);
            peak.put(e.getKey(), l.peak);
            peakAt.put(e.getKey(), l.peakAt);
            for (Poly c : l.peak.candidates()) {
                List<Poly> cb = c.coefficientsIn(BASE);
                if (cb == null || cb.size() > 2 || (cb.size() == 2 && !cb.get(1).equals(Poly.constant(1)))) {
                    throw new NotClosed("its peak is not a formula of the level at the iteration's start");
                }
            }
        }
        Map<String, Object> values = new HashMap<>(run.globals);
        if (run.locals != null) {
            values.putAll(run.locals);
        }
        return new Summary(piece, end, peak, peakAt, pushed, values, track[1], breaks, returns);
    }

    /** Applies the pieces' summaries, in the order the loop runs them, to the state {@code before}. */
    private void apply(SizeStmt loop, String var, Piece whole, List<Piece> pieces, List<Summary> sums,
            List<SizeStmt> body, PathRun.State before) {
        run.restore(before);
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
                for (Summary s : sums) {
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
            Summary first = sums.get(0);
            for (String b : run.levels.keySet()) {
                boolean same = true;
                boolean balanced = true;
                for (Summary s : sums) {
                    same &= s.end().get(b).equals(first.end().get(b)) && s.peak().get(b).equals(first.peak().get(b))
                            && sizes(s.pushed().get(b)).equals(sizes(first.pushed().get(b)));
                    balanced &= s.end().get(b).equals(Poly.symbol(BASE)) && s.pushed().get(b).isEmpty()
                            || !s.end().get(b).mentions(BASE) && s.end().get(b).equals(first.end().get(b));
                }
                if (same) {
                    uniform.add(b);
                } else if (!balanced) {
                    fallback(loop, var, whole, body, "its conditions on " + var + " interleave iterations that"
                            + " keep different tensors in " + b);
                    return;
                }
            }
            Map<String, Peak> most = new HashMap<>();
            Map<String, Pos> where = new HashMap<>();
            for (Summary s : sums) {
                Map<String, Peak> p = piecePeaks(s, s.piece(), null, whole.step(), s.piece().first().equals(whole.first()));
                p.forEach((b, v) -> {
                    if (!uniform.contains(b)) {
                        most.merge(b, v, Peak::max);
                        where.putIfAbsent(b, s.peakAt().get(b));
                    }
                });
            }
            most.forEach((b, v) -> raise(run.levels.get(b), v, where.get(b)));
            Summary lastPiece = first;
            for (Summary s : sums) {
                if (s.piece().last().equals(whole.last())) {
                    lastPiece = s;
                }
            }
            // buffers left as the last iteration leaves them (after its reset!): as the last piece leaves them
            Set<String> resetLike = new HashSet<>(run.levels.keySet());
            resetLike.removeAll(uniform);
            resetLike.removeIf(b -> lastPiece0(sums, whole).end().get(b).mentions(BASE));
            if (!resetLike.isEmpty()) {
                Summary last = lastPiece0(sums, whole);
                applyPiece(last, last.piece(), resetLike, last.piece());
            }
            applyPiece(lastPiece, new Piece(var, whole.first(), whole.step(), whole.count()), uniform,
                    lastPiece.piece());
            return;
        }
        int n = breakAt >= 0 ? breakAt + 1 : sums.size();
        for (int k = 0; k < n; k++) {
            Summary s = sums.get(k);
            boolean partial = k == breakAt;
            Piece p = partial ? new Piece(var, s.piece().first(), s.piece().step(), Poly.constant(1)) : s.piece();
            if (partial && k > 0 || partial && !s.piece().count().equals(Poly.constant(1))) {
                // the breaking iteration is the piece's first: summarize it alone from the current state
                PathRun.State here = run.save();
                Summary one;
                try {
                    one = summarize(loop, var, p, body, here);
                } catch (SplitLoop split) {
                    run.restore(here);
                    fallback(loop, var, whole, body, "its break depends on a condition that splits it further");
                    return;
                }
                run.restore(here);
                applyPiece(one, p, true);
                if (one.returns()) {
                    throw new Returned();
                }
                return;
            }
            applyPiece(s, p, partial);
            if (partial && s.returns()) {
                throw new Returned();
            }
        }
        if (breakAt < 0 && whole.count().isConstant() && whole.count().constantValue() >= Long.MAX_VALUE / 4) {
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
            run.statements(body);
        } catch (BreakLoop | ContinueLoop e) {
            // the loop ends here
        }
    }

    /** The peak of each buffer over the piece, relative to nothing: the levels are the run's current ones. */
    private Map<String, Peak> piecePeaks(Summary s, Piece p, Map<String, Poly> startLevels) {
        return piecePeaks(s, p, startLevels, s.piece());
    }

    /** As above, with the formulas written over the loop variable of {@code formulas}. */
    private Map<String, Peak> piecePeaks(Summary s, Piece p, Map<String, Poly> startLevels, Piece formulas) {
        return piecePeaks(s, p, startLevels, p.step(), true);
    }

    /**
     * The peak of each buffer over the piece; the loop steps by {@code wholeStep} (the piece may take
     * every k-th iteration), and {@code fromStart} when the piece's first iteration is the loop's first
     * or follows the levels the run holds now.
     */
    private Map<String, Peak> piecePeaks(Summary s, Piece p, Map<String, Poly> startLevels, long wholeStep,
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
                        throw new NotClosed("a size is not a polynomial in " + s.piece().var());
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

    private Poly maxOver(Poly q, Poly count) {
        Poly m = ClosedForms.max(q, count);
        if (m == null) {
            throw new NotClosed("its peak is not a polynomial in the loop variable");
        }
        return m;
    }

    /** A formula of the loop variable as one of the iteration number {@code t} over {@code p}. */
    private static Poly inT(Poly f, Piece summarized, Piece p) {
        Poly r = ClosedForms.inIterations(f, summarized.var(), p.first(), p.step());
        if (r == null) {
            throw new NotClosed("a size is not a polynomial in " + summarized.var());
        }
        return r;
    }

    /** Raises the level's peak to {@code p}, remembering where. */
    private static void raise(Level l, Peak p, Pos at) {
        Peak raised = l.peak.max(p);
        if (!raised.equals(l.peak)) {
            l.peak = raised;
            l.peakAt = at == null || at == Pos.NONE ? l.peakAt : at;
            l.atPeak = l.persistent;
        }
    }

    /** Applies the piece to the run's state: peaks raised, levels and stacks after it, variables. */
    private void applyPiece(Summary s, Piece p, boolean partial) {
        applyPiece(s, p, null, s.piece());
    }

    /** The summary of the piece that holds the loop's last iteration (the first piece when that is not known). */
    private static Summary lastPiece0(List<Summary> sums, Piece whole) {
        for (Summary s : sums) {
            if (s.piece().last().equals(whole.last())) {
                return s;
            }
        }
        return sums.get(0);
    }

    /** The sizes of the tensors, in order. */
    private static List<Poly> sizes(List<TensorRec> tensors) {
        List<Poly> out = new ArrayList<>();
        tensors.forEach(t -> out.add(t.size));
        return out;
    }

    /**
     * Applies the summary over {@code p} to the buffers in {@code only} (all when null); the variables
     * take their values at {@code p}'s last iteration.
     */
    private void applyPiece(Summary s, Piece p, Set<String> only, Piece formulas) {
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
                    throw new NotClosed("a size is not a polynomial in " + s.piece().var());
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
            }
            renamedAll.putAll(renamed);
        }
        assignValues(s, p.last(), s.piece().var());
        renamedAll.clear();
    }

    private final Map<TensorRec, TensorRec> renamedAll = new IdentityHashMap<>();

    /** The tensor record as the iteration at {@code last} left it. */
    private static TensorRec lastOf(TensorRec t, Piece summarized, Poly last) {
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
    private void assignValues(Summary s, Poly last, String var) {
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
        run.assign(var, last);
    }

    /** No closed form: iterate when the count is a number (under the deadline), else say why. */
    private void fallback(SizeStmt loop, String var, Piece whole, List<SizeStmt> body, String reason) {
        if (!whole.first().isConstant() || !whole.count().isConstant()) {
            throw run.impossible("usage cannot size the loop over " + var + " without values: " + reason
                    + "; give its bounds' variables with --var");
        }
        run.ev.closedFormMisses.add("the loop over " + var + " at line " + loop.pos().line() + ": " + reason);
        iterate(loop, var, whole, body);
    }

    /** Iteration by iteration, as running does; loops whose iterations repeat are cut short. */
    private void iterate(SizeStmt loop, String var, Piece whole, List<SizeStmt> body) {
        if (!whole.first().isConstant() || !whole.count().isConstant()) {
            throw run.impossible("to size the loop over " + var + ", usage needs the value of " + whole.count()
                    + "; give its variables with --var");
        }
        long start = whole.first().constantValue();
        long step = whole.step();
        long count = whole.count().constantValue();
        boolean repeats = loop instanceof SizeStmt.For f && run.ev.repeatingLoops.computeIfAbsent(f,
                x -> RepeatingLoops.repeats(x, run.ev.relevantNames()));
        List<Object> prev = null;
        for (long t = 0; t < count; t++) {
            run.tick(loop.pos(), "the loop over " + var);
            long i = start + t * step;
            run.assign(var, Poly.constant(i));
            try {
                run.statements(body);
            } catch (BreakLoop b) {
                return;
            } catch (ContinueLoop c) {
                // next iteration
            }
            if (repeats) {
                List<Object> after = run.loopState();
                if (after.equals(prev)) {
                    run.assign(var, Poly.constant(start + (count - 1) * step));
                    return;
                }
                prev = after;
            }
        }
        if (count >= Long.MAX_VALUE / 4) {
            throw run.fail(loop.pos(), "this loop never ends: nothing breaks out of it");
        }
    }

    /** A while loop that counts: {@code var} from {@code start} by {@code step} up to {@code bound} (null: until a break). */
    record Counted(String var, Poly start, long step, Poly bound) {
        static Counted of(SizeStmt.While w, PathRun run) {
            String var = null;
            long step = 0;
            int increments = 0;
            for (SizeStmt s : w.body()) {
                if (s instanceof SizeStmt.Let l && l.value() instanceof SizeExpr.Bin b
                        && (b.op().equals("+") || b.op().equals("-")) && b.left() instanceof SizeExpr.Var v
                        && v.name().equals(l.name()) && b.right() instanceof SizeExpr.Num n && n.value() != 0) {
                    var = l.name();
                    step = b.op().equals("+") ? n.value() : -n.value();
                    increments++;
                }
            }
            if (increments != 1 || assignsElsewhere(w.body(), var)) {
                return null;
            }
            if (!(run.lookupQuiet(var) instanceof Poly start) || !start.isConstant() && !(w.condition() != null)) {
                return null;
            }
            if (w.condition() instanceof SizeExpr.Flag f && f.value()) {
                return new Counted(var, start, step, null);
            }
            if (w.condition() instanceof SizeExpr.Bin c && c.left() instanceof SizeExpr.Var v && v.name().equals(var)
                    && !Pruner.mentions(c.right(), var)) {
                Object limit;
                try {
                    limit = run.value(c.right());
                } catch (RuntimeException e) {
                    return null;
                }
                Poly b = limit instanceof Poly p ? p : limit instanceof Symbolic.Free fr ? Poly.symbol(fr.name()) : null;
                if (b == null) {
                    return null;
                }
                // the last value the loop runs with, for the counter at the start of an iteration
                return switch (c.op()) {
                    case "<" -> step > 0 ? new Counted(var, start, step, b.minus(Poly.constant(1))) : null;
                    case "<=" -> step > 0 ? new Counted(var, start, step, b) : null;
                    case ">" -> step < 0 ? new Counted(var, start, step, b.plus(Poly.constant(1))) : null;
                    case ">=" -> step < 0 ? new Counted(var, start, step, b) : null;
                    default -> null;
                };
            }
            return null;
        }

        /** Whether {@code var} is assigned in the body other than by its top-level increment. */
        private static boolean assignsElsewhere(List<SizeStmt> body, String var) {
            for (SizeStmt s : body) {
                if (s instanceof SizeStmt.If f) {
                    for (SizeStmt.Branch b : f.branches()) {
                        if (assigns(b.body(), var)) {
                            return true;
                        }
                    }
                    if (f.elseBody() != null && assigns(f.elseBody(), var)) {
                        return true;
                    }
                } else if (s instanceof SizeStmt.For f && (f.var().equals(var) || assigns(f.body(), var))) {
                    return true;
                } else if (s instanceof SizeStmt.While w && assigns(w.body(), var)) {
                    return true;
                } else if (s instanceof SizeStmt.Opaque o && o.name().equals(var)
                        || s instanceof SizeStmt.Alias a && a.name().equals(var)
                        || s instanceof SizeStmt.Alloc a2 && var.equals(a2.target())) {
                    return true;
                }
            }
            return false;
        }

        private static boolean assigns(List<SizeStmt> body, String var) {
            Set<String> names = new HashSet<>();
            RepeatingLoops.assignedNames(body, names);
            return names.contains(var);
        }
    }
}
