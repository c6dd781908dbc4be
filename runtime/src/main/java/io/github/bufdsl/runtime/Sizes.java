package io.github.bufdsl.runtime;

/**
 * The arithmetic of sizes that the contraction engine's planning decides with: which operand is
 * permuted ({@link MatrixPlan#choose}), which multiplies copy nothing, in which order a product of
 * several tensors is contracted ({@link ContractionOrder#optimal}), and how large the workspace
 * gets ({@link ContractionCopies}). The engine plans with numbers ({@link #EXACT}, {@link #APPROXIMATE});
 * a tool that sizes a program before it runs can plan with sizes that are formulas, the same
 * decisions taken by the same code: its {@link #less} answers each comparison the plan asks (for
 * every value, or for the values it is following).
 *
 * @param <S> a size, never negative
 */
public interface Sizes<S> {
    /** The number {@code n} as a size. */
    S of(long n);

    S plus(S a, S b);

    S times(S a, S b);

    /** Whether {@code a < b}: the only decision planning takes on sizes. */
    boolean less(S a, S b);

    /** The larger of two sizes, as a count keeps it (no decision: both are kept where they do not compare). */
    S max(S a, S b);

    /** Whether a size is 0 (sizes are never negative, so: not {@code 0 < a}). */
    default boolean isZero(S a) {
        return !less(of(0), a);
    }

    /** Exact sizes as longs: the contractor's layouts and the workspace it counts. */
    Sizes<Long> EXACT = new Sizes<>() {
        @Override
        public Long of(long n) {
            return n;
        }

        @Override
        public Long plus(Long a, Long b) {
            return a + b;
        }

        @Override
        public Long times(Long a, Long b) {
            return a * b;
        }

        @Override
        public boolean less(Long a, Long b) {
            return a < b;
        }

        @Override
        public Long max(Long a, Long b) {
            return Math.max(a, b);
        }

        @Override
        public boolean isZero(Long a) {
            return a == 0;
        }
    };

    /** Counts of multiplications as doubles (they may pass 2^63): the contraction order's costs. */
    Sizes<Double> APPROXIMATE = new Sizes<>() {
        @Override
        public Double of(long n) {
            return (double) n;
        }

        @Override
        public Double plus(Double a, Double b) {
            return a + b;
        }

        @Override
        public Double times(Double a, Double b) {
            return a * b;
        }

        @Override
        public boolean less(Double a, Double b) {
            return a < b;
        }

        @Override
        public Double max(Double a, Double b) {
            return Math.max(a, b);
        }
    };
}
