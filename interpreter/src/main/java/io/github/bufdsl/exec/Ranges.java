package io.github.bufdsl.exec;

import java.math.BigInteger;
import java.util.Set;

/**
 * Julia's functions of an integer range ({@code sum(1:n)}, {@code prod}, {@code maximum}, {@code
 * minimum}, {@code length}, {@code first}, {@code last}, {@code step}). {@code sum} and {@code last}
 * are one formula each, written for any {@link Ring} of numbers: exact integers while running, and
 * the analyzer's polynomials of free variables, so that usage sizes {@code alloc!(buf, sum(1:n))} in
 * closed form with the value run computes. The builtins' entries (sum, maximum, minimum, prod,
 * length, first, last, step) call {@link #call} for a range; the type checker and the analyzer read
 * {@link #FUNCTIONS}.
 */
public final class Ranges {
    private Ranges() {
    }

    /** The builtins that take a range (one argument). */
    public static final Set<String> FUNCTIONS = Set.of("sum", "prod", "maximum", "minimum", "length", "first", "last",
            "step");

    /** Numbers with what the formulas need; {@code half} of an even number. */
    public interface Ring<N> {
        N of(long k);

        N plus(N a, N b);

        N times(N a, N b);

        N half(N even);
    }

    /**
     * Julia's {@code sum(r)} of a range of {@code length} integers: {@code length * first + step *
     * length * (length - 1) / 2}, 0 for an empty range (Julia's own formula, exact: Julia's wraps past
     * Int64 where this one is exact).
     */
    public static <N> N sum(N first, N step, N length, Ring<N> r) {
        N pairs = r.half(r.times(length, r.plus(length, r.of(-1))));
        return r.plus(r.times(length, first), r.times(step, pairs));
    }

    /** Julia's {@code last(r)}: {@code first + (length - 1) * step} (of an empty range too: {@code last(5:3) == 4}). */
    public static <N> N last(N first, N step, N length, Ring<N> r) {
        return r.plus(first, r.times(r.plus(length, r.of(-1)), step));
    }

    private static final Ring<BigInteger> EXACT = new Ring<>() {
        public BigInteger of(long k) {
            return BigInteger.valueOf(k);
        }

        public BigInteger plus(BigInteger a, BigInteger b) {
            return a.add(b);
        }

        public BigInteger times(BigInteger a, BigInteger b) {
            return a.multiply(b);
        }

        public BigInteger half(BigInteger even) {
            return even.shiftRight(1);
        }
    };

    /**
     * {@code fn(r)} for one of {@link #FUNCTIONS}, as Julia computes it; a result past Int64 is the
     * project's overflow error (Julia's would wrap around).
     *
     * @throws ScriptError for the maximum or minimum of an empty range (Julia's ArgumentError), or on overflow
     */
    public static Value call(String fn, Value.Range range) {
        long n = range.length();
        BigInteger first = BigInteger.valueOf(range.start());
        BigInteger step = BigInteger.valueOf(range.step());
        BigInteger length = BigInteger.valueOf(n);
        return switch (fn) {
            case "length" -> new Value.Int(n);
            case "first" -> new Value.Int(range.start());
            case "step" -> new Value.Int(range.step());
            case "last" -> exact("last", range, last(first, step, length, EXACT));
            case "sum" -> exact("sum", range, sum(first, step, length, EXACT));
            case "maximum", "minimum" -> {
                if (n == 0) {
                    throw new ScriptError(fn + " of the empty range " + show(range) + " (Julia's ArgumentError:"
                            + " range must be non-empty)");
                }
                long last = exact("last", range, last(first, step, length, EXACT)).value();
                yield new Value.Int(fn.equals("maximum") == range.step() > 0 ? last : range.start());
            }
            case "prod" -> prod(range, n);
            default -> throw new IllegalArgumentException(fn + " is not a function of a range");
        };
    }

    /** The product of the elements: 0 if one is; else exact until it leaves Int64 (a few dozen factors). */
    private static Value prod(Value.Range range, long n) {
        long a = range.start();
        long b = range.stop();
        boolean spansZero = range.step() > 0 ? a <= 0 && b >= 0 : a >= 0 && b <= 0;
        if (n > 0 && spansZero && a % range.step() == 0) {
            return new Value.Int(0);
        }
        long p = 1;
        for (long i = 0; i < n; i++) {
            try {
                p = Math.multiplyExact(p, range.start() + i * range.step());
            } catch (ArithmeticException e) {
                throw Arith.overflow("prod(" + show(range) + ")");
            }
        }
        return new Value.Int(p);
    }

    private static Value.Int exact(String fn, Value.Range range, BigInteger v) {
        if (v.bitLength() > 63) {
            throw Arith.overflow(fn + "(" + show(range) + ")");
        }
        return new Value.Int(v.longValue());
    }

    /** {@code first}, {@code last} and {@code step} of a range, into the registry ({@code Builtin.TABLE}). */
    static void define(java.util.Map<String, Builtin.Entry> m) {
        for (String fn : new String[] {"first", "last", "step"}) {
            Builtin.def(m, Builtin.sig(fn, fn + "(r)").arg("r", io.github.bufdsl.builtins.ArgType.ANY),
                    io.github.bufdsl.builtins.ArgType.INT, io.github.bufdsl.builtins.Role.PURE, c -> {
                        if (c.arg(0) instanceof Value.Range r) {
                            return call(fn, r);
                        }
                        throw new ScriptError(fn + " takes a range, not " + Arith.describe(c.arg(0))
                                + (fn.equals("step") ? "" : "; index a tensor: " + (fn.equals("first") ? "A[1]" : "A[end]")));
                    });
        }
    }

    private static String show(Value.Range r) {
        return ValueFormat.show(r);
    }
}
