package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.LoopPieces.Piece;
import io.github.bufdsl.runtime.Sizes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sizes as formulas ({@link Peak}: the maximum of polynomials in the free variables) for the
 * contraction engine's own planning ({@link Sizes}): the runtime's code takes the decisions, and
 * each comparison it asks is answered here. When it holds for every value (both sides numbers, or
 * the difference has no negative coefficient, or inside a loop over every iteration of the piece
 * being summarized) it is decided; otherwise the path forks on it, as on an {@code if} on free
 * variables, so that the workspace becomes a formula with conditions, exact at every value.
 */
final class SymbolicSizes implements Sizes<Peak> {
    /** A comparison this path cannot follow (merged branches, a maximum compared): the workspace is not known. */
    static final class Undecided extends RuntimeException {
        final String why;

        Undecided(String why) {
            super(why, null, false, false);
            this.why = why;
        }
    }

    private final PathRun run;
    /** Conditions of the workspace a path follows at most (each doubles the paths). */
    static final int MAX_FORKS = 10;
    /** Paths the workspace's conditions add at most over the whole analysis (each fork adds one). */
    static final int MAX_PATHS = 256;
    /** Conditions of the workspace this path followed so far. */
    private int forks;

    SymbolicSizes(PathRun run) {
        this.run = run;
    }

    @Override
    public Peak of(long n) {
        return Peak.of(Poly.constant(n));
    }

    @Override
    public Peak plus(Peak a, Peak b) {
        return a.plus(b);
    }

    @Override
    public Peak times(Peak a, Peak b) {
        return a.times(b);
    }

    @Override
    public Peak max(Peak a, Peak b) {
        return a.max(b);
    }

    @Override
    public boolean less(Peak a, Peak b) {
        Poly x = single(a);
        Poly y = single(b);
        Boolean known = decided(y.minus(x).minus(Poly.constant(1)), x.minus(y));
        if (known != null) {
            return known;
        }
        if (x.equals(Poly.ZERO) && y.dominates(Poly.ZERO)) {
            return positive(y);
        }
        Poly d = y.minus(x);
        if (run.loops.pieces.mentionsLoop(d)) { // on the piece of the loop, or split it where the answer changes
            Boolean r = run.loops.pieces.compare(">=", d, Poly.constant(1));
            if (r != null) {
                return r;
            }
        }
        // linear in one variable: a bound on it, s >= c
        List<List<String>> terms = d.termSymbols();
        if (terms.size() == 1 && terms.get(0).size() == 1) {
            String v = terms.get(0).get(0);
            List<Poly> cs = d.coefficientsIn(v);
            if (cs != null && cs.size() == 2 && cs.get(0).isConstant() && cs.get(1).isConstant()) {
                long slope = cs.get(1).constantValue();
                long rest = 1 - cs.get(0).constantValue(); // slope*v >= rest
                return slope > 0 ? atLeast(v, Math.floorDiv(rest + slope - 1, slope))
                        : !atLeast(v, Math.floorDiv(rest, slope) + 1); // v <= rest/slope (slope < 0)
            }
        }
        return decide(x + " < " + y, d);
    }

    /** Per variable, what the comparisons decided so far on this path say of it: at least [0], at most [1]. */
    private final Map<String, long[]> bounds = new HashMap<>();

    /** Whether {@code v >= c}, from the bounds decided so far on the path when they say, else a decision. */
    private boolean atLeast(String v, long c) {
        long[] b = bounds.computeIfAbsent(v, k -> new long[] {0, Long.MAX_VALUE}); // sizes' symbols: never negative
        if (b[0] >= c) {
            return true;
        }
        if (b[1] < c) {
            return false;
        }
        Poly symbol = Poly.symbol(v);
        Boolean known = decided(symbol.minus(Poly.constant(c)), Poly.constant(c - 1).minus(symbol));
        if (known == null && run.loops.pieces.mentionsLoop(symbol)) {
            // on the piece of the loop, or split it where the answer changes
            known = run.loops.pieces.compare(">=", symbol, Poly.constant(c));
            if (known == null) {
                splitAt(v, c);
            }
        }
        boolean r = known != null ? known : decide(v + " >= " + c, symbol);
        if (run.loops.pieces.mentionsLoop(symbol)) {
            return r; // holds on this piece only
        }
        if (r) {
            b[0] = c;
        } else {
            b[1] = c - 1;
        }
        return r;
    }

    /**
     * When {@code v} is the variable of a loop piece that starts at a number and whose count is a
     * formula: splits the piece where {@code v >= c} starts or stops holding (pieces whose count may be
     * 0 are conditions the loop follows both ways); nothing when it holds or fails on the whole piece.
     */
    private void splitAt(String v, long c) {
        Piece p = null;
        for (Piece q : run.loops.pieces.active) {
            if (q.var().equals(v)) {
                p = q;
            }
        }
        if (p == null || !p.first().isConstant()) {
            return;
        }
        long first = p.first().constantValue();
        long step = p.step();
        // v = first + step*t holds v >= c from t = cut on (step > 0), or up to t = cut - 1 (step < 0)
        long cut = step > 0 ? Math.max(0, Math.floorDiv(c - first + step - 1, step))
                : Math.floorDiv(first - c, -step) + 1;
        // the piece of the first cut iterations must be there for every value (a piece of a number of
        // iterations is taken as run)
        if (cut <= 0 || !atLeastOnPath(p.count(), cut)) {
            return;
        }
        Poly at = Poly.constant(cut);
        throw new Signals.SplitLoop(p, List.of(new Piece(v, p.first(), step, at),
                new Piece(v, p.first().plus(Poly.constant(step * cut)), step, p.count().minus(at))));
    }

    /**
     * Whether {@code y > 0}, for {@code y} without negative coefficients: a term is positive when
     * each of its symbols is (they are integers, never negative), so this asks {@code n >= 1} of
     * single symbols, the conditions a loop's count asks too.
     */
    private boolean positive(Poly y) {
        if (y.constantTerm() > 0) {
            return true;
        }
        for (List<String> term : y.termSymbols()) {
            boolean all = true;
            for (String s : new java.util.LinkedHashSet<>(term)) {
                if (!atLeast(s, 1)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code p >= c} for every value the path allows: for every value, or {@code p} is
     * {@code v + k} and the path decided {@code v >= c - k} (a loop's count, by its {@code n >= 1}).
     */
    private boolean atLeastOnPath(Poly p, long c) {
        if (p.minus(Poly.constant(c)).dominates(Poly.ZERO)) {
            return true;
        }
        List<List<String>> terms = p.termSymbols();
        if (terms.size() != 1 || terms.get(0).size() != 1) {
            return false;
        }
        String v = terms.get(0).get(0);
        List<Poly> cs = p.coefficientsIn(v);
        if (cs == null || cs.size() != 2 || !cs.get(1).equals(Poly.constant(1)) || !cs.get(0).isConstant()) {
            return false;
        }
        long need = c - cs.get(0).constantValue();
        long[] b = bounds.get(v);
        if (b != null && b[0] >= need) {
            return true;
        }
        for (Map.Entry<String, Boolean> e : run.decided.entrySet()) {
            String[] parts = e.getKey().split(" >= ");
            if (e.getValue() && parts.length == 2 && parts[0].equals(v) && parts[1].matches("-?\\d+")
                    && Long.parseLong(parts[1]) >= need) {
                return true;
            }
        }
        return false;
    }

    /** True if {@code yes >= 0} for every value, false if {@code no >= 0} for every value, else null. */
    private Boolean decided(Poly yes, Poly no) {
        Poly y = inIterations(yes);
        Poly n = inIterations(no);
        if (y != null && y.dominates(Poly.ZERO)) {
            return true;
        }
        if (n != null && n.dominates(Poly.ZERO)) {
            return false;
        }
        return null;
    }

    /**
     * {@code p} with the variable of each loop being summarized written as {@code first + step*t}
     * (innermost first, each with its own {@code t >= 0}), so that what holds for every value of the
     * rest holds in every iteration; null when a variable is inside an opaque term.
     */
    private Poly inIterations(Poly p) {
        java.util.Iterator<Piece> it = run.loops.pieces.active.descendingIterator();
        for (int k = 0; it.hasNext() && p != null; k++) {
            Piece piece = it.next();
            if (p.mentions(piece.var())) {
                p = p.substitute(piece.var(), piece.first().plus(Poly.symbol("#t" + k).times(
                        Poly.constant(piece.step()))));
            }
        }
        return p;
    }

    private boolean decide(String atom, Poly difference) {
        if (run.worstCase) {
            throw new Undecided("its layout depends on whether " + atom + ", and usage merged the paths (more than "
                    + run.ev.maxPaths + ")");
        }
        if (!run.ev.workspaceForks) {
            throw new Undecided("its layout depends on whether " + atom + ", and following each such condition needs"
                    + " more than " + run.ev.maxPaths + " paths; give values with --var");
        }
        if (run.loops.pieces.mentionsLoop(difference)) {
            throw new Undecided("the layout of a contraction in a loop depends on whether " + atom
                    + ", which changes from one iteration to the next; give values with --var");
        }
        if (!run.decided.containsKey(atom)) {
            boolean fork = run.decisions.size() >= run.prefix.size(); // not a decision the path replays
            if (++forks > MAX_FORKS || fork && run.ev.workspaceForked >= MAX_PATHS) {
                throw new Undecided("its layout depends on more conditions on the free variables than usage"
                        + " follows (the last: " + atom + "); give values with --var");
            }
            if (fork) {
                run.ev.workspaceForked++;
            }
        }
        return run.decide(atom);
    }

    private static Poly single(Peak p) {
        if (p.candidates().size() != 1) {
            throw new Undecided("its layout compares a maximum of sizes " + p);
        }
        return p.candidates().get(0);
    }
}
