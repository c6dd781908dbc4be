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
}
