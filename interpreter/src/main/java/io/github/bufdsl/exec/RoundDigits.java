package io.github.bufdsl.exec;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Julia's {@code round(x; digits=d)} and {@code round(x; sigdigits=s)} (and {@code floor}, {@code ceil},
 * {@code trunc} with them), in base 10: the float nearest to x's exact value rounded to a multiple of
 * {@code 10^-d} in the function's mode ({@code round}: ties to even). Julia's own code computes that
 * value by error-free steps (so {@code round(1.005, digits=2)} is 1.0: 1.005 is a little below it as a
 * float); here the exact decimal arithmetic of {@link BigDecimal} gives it directly. A non-finite x is
 * itself; a zero result keeps x's sign ({@code round(-0.001, digits=2)} is -0.0); rounding to a step
 * beyond the largest float gives 0 or, away from zero, Inf, as Julia's. {@code sigdigits} is digits
 * counted from x's leading digit, {@code 1 + floor(log10(abs(x)))} as Julia finds it.
 */
final class RoundDigits {
    /** Beyond these, every float is a multiple of the step (it has at most 1074 decimals), or none is but 0. */
    private static final long MOST_DIGITS = 1100;
    private static final long LEAST_DIGITS = -400;

    private RoundDigits() {
    }

    static double digits(double x, long digits, RoundingMode mode, NumType type) {
        if (!Double.isFinite(x) || digits >= MOST_DIGITS) {
            return x;
        }
        int d = (int) Math.max(digits, LEAST_DIGITS);
        BigDecimal r = new BigDecimal(x).setScale(d, mode);
        double y = type == NumType.FLOAT32 ? r.floatValue() : r.doubleValue();
        return y == 0 ? Math.copySign(0.0, x) : y;
    }

    static double sigdigits(double x, long sigdigits, RoundingMode mode, NumType type) {
        if (!Double.isFinite(x)) {
            return x;
        }
        long h = x == 0 ? 0 : 1 + (long) Math.floor(Math.log10(Math.abs(x)));
        return digits(x, sigdigits - h, mode, type);
    }
}
