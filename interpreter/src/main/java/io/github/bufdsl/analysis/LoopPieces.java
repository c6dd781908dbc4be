package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.Signals.SplitLoop;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The loops being summarized and their pieces: a condition on a loop variable ({@code i > 3},
 * {@code i == n}, {@code i % 2 == 0}) is decided on the piece where it is constant, or splits the
 * piece ({@link SplitLoop}) into arithmetic progressions on which it is.
 */
final class LoopPieces {
    /** The loops being summarized, innermost last: a condition on their variable is decided on the piece. */
    final Deque<Piece> active = new ArrayDeque<>();

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

    /**
     * Comparisons decided on pieces split off where they change ({@code op diff} to its value): a
     * cut that is a formula ({@code cld(n - 4, 4)}) does not let the sign be computed again.
     */
    private final java.util.Map<Piece, java.util.Map<String, Boolean>> decidedOn = new java.util.HashMap<>();
    /** Pieces split off at a formula, known not to be empty on the path that split them. */
    final java.util.Set<Piece> sure = new java.util.HashSet<>();
    /**
     * Whether a count (a formula of the free variables) is at least 1: proved, or decided on the
     * path (a condition followed both ways); set by the loop sizer.
     */
    java.util.function.Predicate<Poly> positive = p -> p.minus(Poly.constant(1)).dominates(Poly.ZERO);

    /**
     * A pure builtin of integers applied to formulas of a loop variable: {@code min}, {@code max},
     * {@code abs}, {@code div}, {@code cld}, {@code mod} become polynomials on pieces of the range
     * (split where a comparison or a residue changes); null when they cannot.
     */
    Poly function(String name, List<Poly> args) {
        switch (name) {
            case "min", "max": {
                Poly best = args.get(0);
                for (Poly p : args.subList(1, args.size())) {
                    Boolean le = best.equals(p) ? Boolean.TRUE : compare("<=", best, p);
                    if (le == null) {
                        return null;
                    }
                    best = le == name.equals("min") ? best : p;
                }
                return best;
            }
            case "abs": {
                Boolean nonNegative = compare(">=", args.get(0), Poly.ZERO);
                return nonNegative == null ? null : nonNegative ? args.get(0) : args.get(0).negate();
            }
            case "div", "cld", "mod": {
                Poly a = args.get(0);
                Poly m = args.get(1);
                if (!m.isConstant() || m.constantValue() == 0 || !mentionsLoop(a)) {
                    return null;
                }
                long mm = m.constantValue();
                Poly rem = mod(a, m); // Julia's %: the sign of the dividend
                if (rem == null) {
                    return null;
                }
                Poly inv = Poly.fraction(1, mm);
                if (name.equals("div")) {
                    return a.minus(rem).times(inv);
                }
                long r = rem.constantValue();
                long floorMod = r != 0 && (r < 0) != (mm < 0) ? r + mm : r;
                if (name.equals("mod")) {
                    return Poly.constant(floorMod);
                }
                // cld(a, m) = fld(a, m) + (a not a multiple of m), fld(a, m) = (a - mod(a, m)) / m
                return a.minus(Poly.constant(floorMod)).times(inv).plus(Poly.constant(floorMod == 0 ? 0 : 1));
            }
            default:
                return null;
        }
    }

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
        return new Signals.NotClosed(reason);
    }

    /** A condition about to be explored both ways must not depend on a loop variable being summarized. */
    void checkOpen(String atom) {
        for (Piece p : active) {
            if (Poly.symbol("(" + atom + ")").mentions(p.var())) {
                throw new Signals.NotClosed("the condition " + atom + " on " + p.var() + " is not one usage can split the loop by");
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
        if (Accumulators.reads(diff)) { // a sum the loop carries is no formula of its variable
            return null;
        }
        Piece piece = loopOf(diff);
        if (piece == null) {
            return null;
        }
        String key = op + " " + diff;
        Boolean known = decidedOn.getOrDefault(piece, java.util.Map.of()).get(key);
        if (known != null) {
            return known;
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
        // a line: positive from a positive start upwards (or down to a positive end), negative likewise
        if (perStep > 0 && sFirst == 1 || perStep < 0 && sLast == 1 || perStep == 0 && sFirst != 2) {
            return holds(op, perStep == 0 ? sFirst : 1);
        }
        if (perStep < 0 && sFirst == -1 || perStep > 0 && sLast == -1) {
            return holds(op, -1);
        }
        if (perStep != 0 && (!atFirst.isConstant() || !piece.count().isConstant())) {
            Boolean decided = crossing(op, key, piece, atFirst, perStep);
            if (decided != null) {
                return decided;
            }
        }
        if (!atFirst.isConstant() || !piece.count().isConstant()) {
            // symbolic: the crossing must be at an end of the piece
            if (sFirst == 0 && perStep != 0 && piece.count().isConstant() == false) {
                throw split(piece, splitAt(piece, Poly.constant(1)));
            }
            if (sLast == 0 && perStep != 0) {
                throw split(piece, splitAt(piece, piece.count().minus(Poly.constant(1))));
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
        throw split(piece, parts);
    }

    /**
     * A comparison with 0 of {@code d(t) = f0 + p*t}, the difference of its sides at iteration t,
     * where the start {@code f0} or the piece's count is a formula: the comparison changes at an
     * iteration {@code cut} (a formula when {@code f0} is one, which needs {@code |p| = 1}). Whether
     * the cut falls inside the piece is a condition on the free variables, followed both ways;
     * inside, the piece splits there into pieces known not to be empty on this path. Null when the
     * cut depends on another loop's variable or is not a polynomial.
     */
    private Boolean crossing(String op, String key, Piece piece, Poly f0, long p) {
        String asked = op;
        if (p < 0) { // made increasing: -d(t) compared the other way round
            f0 = f0.negate();
            p = -p;
            op = switch (op) {
                case "<" -> ">";
                case "<=" -> ">=";
                case ">" -> "<";
                case ">=" -> "<=";
                default -> op;
            };
        }
        if (mentionsLoop(f0) || !f0.isConstant() && p != 1 && (op.equals("==") || op.equals("!="))) {
            return null;
        }
        long c0 = f0.isConstant() ? f0.constantValue() : 0;
        if (op.equals("==") || op.equals("!=")) {
            if (f0.isConstant() && Math.floorMod(-c0, p) != 0) {
                return op.equals("!="); // the line steps over 0
            }
            Poly zero = f0.isConstant() ? Poly.constant(-c0 / p) : f0.negate(); // d(zero) = 0
            if (!positive.test(zero.plus(Poly.constant(1)))) {
                return holds(op, 1); // 0 before the piece starts
            }
            Poly after = piece.count().minus(zero).minus(Poly.constant(1));
            if (!positive.test(after.plus(Poly.constant(1)))) {
                return holds(op, -1); // 0 after the piece ends
            }
            List<Piece> parts = new ArrayList<>();
            if (positive.test(zero)) {
                parts.add(new Piece(piece.var(), piece.first(), piece.step(), zero));
            }
            parts.add(new Piece(piece.var(), piece.at(zero), piece.step(), Poly.constant(1)));
            if (positive.test(after)) {
                parts.add(new Piece(piece.var(), piece.at(zero.plus(Poly.constant(1))), piece.step(), after));
            }
            if (parts.size() == 1) {
                return holds(op, 0);
            }
            for (Piece part : parts) {
                int sign = part.first().equals(piece.at(zero)) ? 0 : part.first().equals(piece.first()) ? -1 : 1;
                remember(piece, part, key, holds(asked, p > 0 ? sign : -sign));
            }
            sure.addAll(parts);
            throw split(piece, parts);
        }
        // the number of iterations before the comparison changes, and whether it holds on them
        boolean strictBelow = op.equals("<") || op.equals(">=");
        boolean before = op.equals("<") || op.equals("<=");
        Poly cut;
        if (f0.isConstant()) {
            cut = Poly.constant(strictBelow ? -Math.floorDiv(c0, p) : Math.floorDiv(-c0, p) + 1);
        } else if (p == 1) {
            cut = f0.negate().plus(Poly.constant(strictBelow ? 0 : 1));
        } else { // Julia's cld and fld, kept as terms of the formula
            cut = strictBelow ? Poly.symbol("cld(" + f0.negate() + ", " + p + ")")
                    : Poly.symbol("fld(" + f0.negate() + ", " + p + ")").plus(Poly.constant(1));
        }
        // the cut is inside the piece when d is on the cut's lower side at the first iteration (-f0 > 0,
        // or >= 0) and on its upper side at the last: conditions that are polynomials, unlike the cut
        Poly atLast = f0.plus(Poly.constant(p).times(piece.count().minus(Poly.constant(1))));
        if (!positive.test(f0.negate().plus(Poly.constant(strictBelow ? 0 : 1)))) {
            return !before; // the whole piece is past the cut
        }
        if (!positive.test(atLast.plus(Poly.constant(strictBelow ? 1 : 0)))) {
            return before; // the whole piece is before it
        }
        List<Piece> parts = splitAt(piece, cut);
        remember(piece, parts.get(0), key, before);
        remember(piece, parts.get(1), key, !before);
        sure.addAll(parts);
        throw split(piece, parts);
    }

    /** The signal to size {@code parts} apart; what was decided on the piece holds on each part. */
    private SplitLoop split(Piece piece, List<Piece> parts) {
        java.util.Map<String, Boolean> facts = decidedOn.get(piece);
        if (facts != null) {
            for (Piece part : parts) {
                decidedOn.computeIfAbsent(part, x -> new java.util.HashMap<>()).putAll(facts);
            }
        }
        return new SplitLoop(piece, parts);
    }

    /** A part of {@code piece} where {@code key} is {@code value}; what was decided on the piece holds on it too. */
    private void remember(Piece piece, Piece part, String key, boolean value) {
        java.util.Map<String, Boolean> facts = decidedOn.computeIfAbsent(part, x -> new java.util.HashMap<>());
        facts.putAll(decidedOn.getOrDefault(piece, java.util.Map.of()));
        facts.put(key, value);
    }

    private Boolean splitOrDecide(Piece piece, long cut, long count) {
        if (cut <= 0 || cut >= count) {
            return null;
        }
        throw split(piece, splitAt(piece, Poly.constant(cut)));
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
        // Julia's % has the sign of the dividend: decide it first (or split the piece where it changes)
        Boolean nonNegative = compare(">=", a, Poly.ZERO);
        if (nonNegative == null) {
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
            throw split(piece, parts);
        }
        long count = piece.count().constantValue();
        List<Piece> parts = new ArrayList<>();
        for (long r = 0; r < Math.min(mm, count); r++) {
            long cnt = (count - r + mm - 1) / mm;
            parts.add(new Piece(piece.var(), piece.at(Poly.constant(r)), Math.multiplyExact(piece.step(), mm),
                    Poly.constant(cnt)));
        }
        throw split(piece, parts);
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
}
