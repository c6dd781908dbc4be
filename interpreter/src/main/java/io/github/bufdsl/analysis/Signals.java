package io.github.bufdsl.analysis;

/** Control flow of the sizing evaluation, as exceptions without stack traces. */
final class Signals {
    private Signals() {
    }

    /** Stops a path after an error on it. */
    static final class PathEnd extends RuntimeException {
        PathEnd() {
            super(null, null, false, false);
        }
    }

    /** More paths than allowed: the worst case is computed by merging branches instead. */
    static final class TooManyPaths extends RuntimeException {
        TooManyPaths() {
            super(null, null, false, false);
        }
    }

    /** A condition met in worst-case mode that is open: the enclosing if takes every branch. */
    static final class OpenCondition extends RuntimeException {
        final String atom;

        OpenCondition(String atom) {
            super(null, null, false, false);
            this.atom = atom;
        }
    }

    /**
     * A {@code return} leaving a user function, with what it returns: one entry for a single value,
     * one per item of a tuple, each the tensor returned (null for any other value); empty for none.
     */
    static final class Returned extends RuntimeException {
        /** What it returns, item by item: a tensor ({@link TensorRec}), a number, or null for a value not followed. */
        final java.util.List<Object> values;

        Returned() {
            this(java.util.List.of());
        }

        Returned(java.util.List<Object> values) {
            super(null, null, false, false);
            this.values = values;
        }
    }

    /** Thrown when a path meets a condition not decided yet. */
    static final class NeedDecision extends RuntimeException {
        NeedDecision() {
            super(null, null, false, false);
        }
    }

    /** {@code break}: leaves the innermost loop. */
    static final class BreakLoop extends RuntimeException {
        BreakLoop() {
            super(null, null, false, false);
        }
    }

    /** {@code continue}: ends the iteration of the innermost loop. */
    static final class ContinueLoop extends RuntimeException {
        ContinueLoop() {
            super(null, null, false, false);
        }
    }

    /** A condition on a loop variable that changes within a piece of the loop: size these parts apart. */
    static final class SplitLoop extends RuntimeException {
        final LoopPieces.Piece piece;
        final java.util.List<LoopPieces.Piece> parts;

        SplitLoop(LoopPieces.Piece piece, java.util.List<LoopPieces.Piece> parts) {
            super(null, null, false, false);
            this.piece = piece;
            this.parts = parts;
        }
    }

    /** Past the analysis's deadline. */
    static final class OutOfTime extends RuntimeException {
        OutOfTime() {
            super(null, null, false, false);
        }
    }

    /** A loop that has no closed form here, with the reason. */
    static final class NotClosed extends RuntimeException {
        final String reason;

        NotClosed(String reason) {
            super(reason, null, false, false);
            // a formula that reads a sum the loop carries holds its symbol: say which value instead
            this.reason = Accumulators.reads(reason) ? Accumulators.readReason(Accumulators.namesIn(reason)) : reason;
        }
    }

    /**
     * Sums a loop carries that a size in the iteration reads ({@code s += k; T = alloc!(buf, s)}), with
     * each one's step, a formula of the loop variable: size again with each as its closed form there
     * ({@link Accumulators#closed}).
     */
    static final class ReadSums extends RuntimeException {
        final java.util.Map<String, Poly> steps;

        ReadSums(java.util.Map<String, Poly> steps) {
            super(null, null, false, false);
            this.steps = steps;
        }
    }

    /**
     * Values a loop carries from one iteration to the next that may be sums ({@link Accumulators}), or that an
     * iteration makes unknowable for the next: size again with them.
     */
    static final class Accumulates extends RuntimeException {
        final java.util.Set<String> names;
        /** Values an iteration makes unknowable that the next one reads: unknowable from the start, as they are. */
        final java.util.Map<String, Object> unknown;

        Accumulates(java.util.Set<String> names, java.util.Map<String, Object> unknown) {
            super(null, null, false, false);
            this.names = names;
            this.unknown = unknown;
        }
    }
}
