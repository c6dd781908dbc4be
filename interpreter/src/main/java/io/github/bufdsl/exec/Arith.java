package io.github.bufdsl.exec;

import io.github.bufdsl.ast.Expr.BinOp;

/**
 * Arithmetic and comparison on scalars, with Julia's promotion ({@link NumType}: Int op Int is Int,
 * a float op anything the wider float, Float32 computed in single precision); a Bool is an integer
 * ({@code true + 1 == 2}); numbers of different types compare by their exact values; NaN compares
 * false (and unequal to itself); Int overflow is an error. The analyzer hands its concrete values
 * here too.
 */
public final class Arith {
    private Arith() {
    }

    /**
     * Julia's {@code -x}, {@code +x} and {@code !x}: a Bool is an integer to - ({@code -true} is -1) and
     * itself to +; {@code -typemin(Int)} overflows. For the interpreter and the analyzer alike.
     */
    public static Value unary(io.github.bufdsl.ast.Expr.UnOp op, Value v) {
        switch (op) {
            case NOT:
                if (v instanceof Value.Bool b) {
                    return Value.Bool.of(!b.value());
                }
                throw new ScriptError("! needs true or false, not " + describe(v));
            case NEG:
                if (v instanceof Value.Int || v instanceof Value.Bool) {
                    long i = asLong(v);
                    if (i == Long.MIN_VALUE) {
                        throw overflow("-(" + i + ")");
                    }
                    return new Value.Int(-i);
                }
                if (v instanceof Value.Float f) {
                    return new Value.Float(-f.value());
                }
                if (v instanceof Value.Float32 f) {
                    return new Value.Float32(-f.value());
                }
                throw new ScriptError("cannot negate " + describe(v));
            default:
                if (isNumber(v)) {
                    return v;
                }
                throw new ScriptError("unary + needs a number, not " + describe(v));
        }
    }

    /**
     * {@code a op b}.
     *
     * @throws ScriptError when the operands do not admit the operator, or on overflow
     */
    public static Value binary(BinOp op, Value a, Value b) {
        if (op == BinOp.EQ || op == BinOp.NE) {
            boolean eq = equal(a, b);
            return Value.Bool.of(op == BinOp.EQ ? eq : !eq);
        }
        if (a instanceof Value.Str x && (op == BinOp.MUL && b instanceof Value.Str || op == BinOp.POW && isInt(b))) {
            return op == BinOp.MUL ? concat(x.value(), ((Value.Str) b).value()) : repeat(x.value(), asLong(b));
        }
        NumType ta = NumType.of(a);
        NumType tb = NumType.of(b);
        if (ta == null || tb == null) {
            throw new ScriptError("cannot apply " + op.symbol() + " to " + describe(a) + " and " + describe(b));
        }
        if (op.isComparison()) {
            int c = compare(a, b);
            return Value.Bool.of(c != UNORDERED && switch (op) {
                case LT -> c < 0;
                case LE -> c <= 0;
                case GT -> c > 0;
                default -> c >= 0;
            });
        }
        NumType type = NumType.arithmetic(op, ta, tb);
        return switch (type) {
            case INT64, BOOL -> integer(op, asLong(a), asLong(b));
            case FLOAT64 -> new Value.Float(floating(op, asDouble(a), asDouble(b), type));
            // each operand converted to Float32 first (an Int rounds), the result rounded to Float32: as Julia
            // computes in single precision (a double holds the exact result of + - * / of two floats, so
            // rounding it once gives the float operation's result)
            case FLOAT32 -> new Value.Float32((float) floating(op, asFloat32(a), asFloat32(b), type));
        };
    }

    /**
     * Julia's {@code x ^ k} with {@code k} an integer literal as written ({@link
     * io.github.bufdsl.ast.Expr.Binary#literalExponent}), which Julia computes by {@code Base.literal_pow}:
     * an integer (or a Bool) to a negative literal power is a Float64 ({@code 2^-1 == 0.5}, {@code x^-2 ==
     * inv(x)^2}), where {@code n = -1; 2^n} is an error; every other power as {@link #binary}. For the
     * interpreter, the analyzer and the type checker's constants alike.
     */
    public static Value literalPower(Value x, long k) {
        if (k < 0 && isInt(x)) {
            return new Value.Float(power((double) asLong(x), k, NumType.FLOAT64));
        }
        return binary(BinOp.POW, x, new Value.Int(k));
    }

    private static Value integer(BinOp op, long x, long y) {
        try {
            return new Value.Int(switch (op) {
                case ADD -> Math.addExact(x, y);
                case SUB -> Math.subtractExact(x, y);
                case MUL -> Math.multiplyExact(x, y);
                case REM -> {
                    if (y == 0) {
                        throw new ScriptError("integer division by zero: " + x + " % 0");
                    }
                    yield x % y;
                }
                default -> power(x, y);
            });
        } catch (ArithmeticException e) {
            throw overflow(x + " " + op.symbol() + " " + y);
        }
    }

    private static double floating(BinOp op, double x, double y, NumType type) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case REM -> x % y;
            default -> power(x, y, type);
        };
    }

    /** What {@link #compare} gives when a NaN is compared: every ordering is false, as Julia's. */
    static final int UNORDERED = 2;

    /**
     * The order of two numbers by their exact values, as Julia compares numbers of different types
     * ({@code 2^53 + 1 > 2.0^53}, {@code Float32(0.1) != 0.1}): -1, 0 or 1, or {@link #UNORDERED}
     * when one is NaN; -0.0 equals 0.0.
     */
    static int compare(Value a, Value b) {
        boolean ia = isInt(a);
        boolean ib = isInt(b);
        if (ia && ib) {
            return Long.compare(asLong(a), asLong(b));
        }
        if (ia) {
            int c = compare(asDouble(b), asLong(a));
            return c == UNORDERED ? c : -c;
        }
        if (ib) {
            return compare(asDouble(a), asLong(b));
        }
        double x = asDouble(a);
        double y = asDouble(b);
        return x < y ? -1 : x > y ? 1 : x == y ? 0 : UNORDERED;
    }

    /** A float against an integer, exactly (a long beyond 2^53 is not rounded to a double first). */
    private static int compare(double x, long y) {
        if (x != x) {
            return UNORDERED;
        }
        if (exactDouble(y)) {
            return Double.compare(x == 0 ? 0.0 : x, (double) y == 0 ? 0.0 : (double) y);
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? 1 : -1;
        }
        return new java.math.BigDecimal(x).compareTo(java.math.BigDecimal.valueOf(y));
    }

    /** Whether a long converts to a double without rounding (|y| at most 2^53). */
    static boolean exactDouble(long y) {
        return y >= -(1L << 53) && y <= (1L << 53);
    }

    /** Julia's {@code "ab" * "cd"}: the strings one after the other, within the limits of {@link Text}. */
    static Value.Str concat(String x, String y) {
        return new Text("the string").room((long) x.length() + y.length()).add(x).add(y).value();
    }

    /** Julia's {@code repeat(s, n)} and {@code s ^ n}: {@code n} copies, within the limits of {@link Text}. */
    static Value.Str repeat(String s, long n) {
        if (n < 0) {
            throw new ScriptError("a string cannot be repeated a negative number of times (" + n + ")");
        }
        Text t = new Text("the string");
        t.room(s.isEmpty() ? 0 : n > Long.MAX_VALUE / s.length() ? Long.MAX_VALUE : n * s.length());
        return Text.string(s.repeat((int) (s.isEmpty() ? 0 : n)));
    }

    /**
     * An integer result beyond Int64: Julia's arithmetic wraps around there ({@code 2^63} is
     * {@code -9223372036854775808}); bufdsl stops, so that no size or count wraps.
     */
    static ScriptError overflow(String expression) {
        return new ScriptError("integer overflow: " + expression + " does not fit in 64 bits (Julia's Int64"
                + " would wrap around; bufdsl stops instead)");
    }

    private static long power(long x, long y) {
        if (y < 0) {
            throw new ScriptError("cannot raise the integer " + x + " to a negative power " + y + " (Julia's"
                    + " DomainError; only a literal exponent, as in " + x + "^" + y + ", gives a Float64); write "
                    + x + ".0^" + y);
        }
        if (x == 0 || x == 1) {
            return y == 0 ? 1 : x;
        }
        if (x == -1) {
            return y % 2 == 0 ? 1 : -1;
        }
        long r = 1; // |x| >= 2: past 63 factors it overflows, so the loop is short
        for (long i = 0; i < y; i++) {
            r = Math.multiplyExact(r, x);
        }
        return r;
    }

    /**
     * Julia's {@code x ^ y} of floats of {@code type}: a negative finite x to a fractional power is an
     * error there (complex); {@code x^3} is {@code x*x*x} and {@code x^-2} is {@code inv(x)^2}, each
     * step rounded to the type, as Julia computes those two powers (for {@code x^3} and {@code x .^ 3}
     * as written, and for a variable exponent of that value); other powers are the nearest value.
     */
    static double power(double x, double y, NumType type) {
        if (x < 0 && Double.isFinite(x) && Double.isFinite(y) && y != Math.rint(y)) {
            throw new ScriptError("cannot raise the negative number " + ValueFormat.formatFloat(x) + " to the power "
                    + ValueFormat.formatFloat(y) + ": Julia refuses it (a DomainError: the result would be complex,"
                    + " and bufdsl has no complex numbers)");
        }
        if (y == 3) {
            return type.round(type.round(x * x) * x);
        }
        if (y == -1) {
            return type.round(1 / x); // Julia's inv(x)
        }
        if (y == -2) {
            double r = type.round(1 / x);
            return type.round(r * r);
        }
        return Math.pow(x, y);
    }

    static boolean equal(Value a, Value b) {
        if (isNumber(a) && isNumber(b)) {
            return compare(a, b) == 0;
        }
        if (a instanceof Value.Tuple x && b instanceof Value.Tuple y) {
            if (x.items().size() != y.items().size()) {
                return false;
            }
            for (int i = 0; i < x.items().size(); i++) {
                if (!equal(x.items().get(i), y.items().get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Value.Str || a instanceof Value.Type || a instanceof Value.Range) {
            return a.equals(b);
        }
        return a == b;
    }

    static boolean isNumber(Value v) {
        return NumType.of(v) != null;
    }

    static boolean isInt(Value v) {
        return v instanceof Value.Int || v instanceof Value.Bool;
    }

    static long asLong(Value v) {
        if (v instanceof Value.Int i) {
            return i.value();
        }
        if (v instanceof Value.Bool b) {
            return b.value() ? 1 : 0;
        }
        throw new IllegalStateException();
    }

    static double asDouble(Value v) {
        if (v instanceof Value.Float f) {
            return f.value();
        }
        if (v instanceof Value.Float32 f) {
            return f.value();
        }
        return asLong(v);
    }

    /** A number converted to Float32 as Julia converts it (an Int rounds to the nearest Float32 once). */
    static float asFloat32(Value v) {
        if (v instanceof Value.Float32 f) {
            return f.value();
        }
        if (v instanceof Value.Float f) {
            return (float) f.value();
        }
        return (float) asLong(v);
    }

    /** "Int64 3", "a Tensor of size 10×10": how messages refer to a value. */
    static String describe(Value v) {
        if (v instanceof Value.TensorValue t) {
            return "a tensor of size " + t.tensor().shapeString();
        }
        if (v instanceof Value.BufferValue b) {
            return "the buffer " + b.buffer().name();
        }
        if (v instanceof Value.Nothing) {
            return "nothing";
        }
        if (v instanceof Value.Str s && s.value().length() > 40) {
            return v.typeName() + " of " + s.value().length() + " characters " + ValueFormat.show(
                    new Value.Str(s.value().substring(0, 20))).replaceAll("\"$", "...\"");
        }
        Text shown = new Text("", 80);
        try {
            ValueFormat.show(v, shown);
        } catch (ScriptError | StackOverflowError e) {
            return v.typeName() + " " + shown + "...";
        }
        return v.typeName() + " " + shown;
    }

    /** {@code x op y} for an ordering comparison of floats: NaN compares false, -0.0 equals 0.0, as in Julia. */
    static boolean compareFloats(BinOp op, double x, double y) {
        return switch (op) {
            case LT -> x < y;
            case LE -> x <= y;
            case GT -> x > y;
            default -> x >= y;
        };
    }
}
