package io.github.bufdsl.exec;

import io.github.bufdsl.ast.Expr.BinOp;

/**
 * Arithmetic and comparison on scalars, with Julia's promotion: Int op Int is Int, else Float64; a
 * Bool is an integer ({@code true + 1 == 2}); NaN compares false (and unequal to itself); Int
 * overflow is an error. The analyzer hands its concrete values here too.
 */
public final class Arith {
    private Arith() {
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
        if (!isNumber(a) || !isNumber(b)) {
            throw new ScriptError("cannot apply " + op.symbol() + " to " + describe(a) + " and " + describe(b));
        }
        if (op.isComparison()) {
            if (!(isInt(a) && isInt(b))) {
                return Value.Bool.of(compareFloats(op, asDouble(a), asDouble(b)));
            }
            int c = Long.compare(asLong(a), asLong(b));
            return Value.Bool.of(switch (op) {
                case LT -> c < 0;
                case LE -> c <= 0;
                case GT -> c > 0;
                default -> c >= 0;
            });
        }
        if (isInt(a) && isInt(b) && op != BinOp.DIV) {
            long x = asLong(a);
            long y = asLong(b);
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
                throw new ScriptError("integer overflow: " + x + " " + op.symbol() + " " + y
                        + " does not fit in 64 bits");
            }
        }
        double x = asDouble(a);
        double y = asDouble(b);
        return new Value.Float(switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case REM -> x % y;
            default -> power(x, y);
        });
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

    private static long power(long x, long y) {
        if (y < 0) {
            throw new ScriptError("cannot raise the integer " + x + " to a negative power " + y
                    + "; write " + x + ".0^" + y);
        }
        long r = 1;
        for (long i = 0; i < y; i++) {
            r = Math.multiplyExact(r, x);
            if (r == 0 || r == 1 && x == 1) {
                break;
            }
        }
        return r;
    }

    /** Julia's {@code x ^ y} of floats: a negative finite x to a fractional power is an error there (complex). */
    private static double power(double x, double y) {
        if (x < 0 && Double.isFinite(x) && Double.isFinite(y) && y != Math.rint(y)) {
            throw new ScriptError("cannot raise the negative number " + ValueFormat.formatFloat(x) + " to the power "
                    + ValueFormat.formatFloat(y) + ": Julia refuses it (a DomainError: the result would be complex,"
                    + " and bufdsl has no complex numbers)");
        }
        return Math.pow(x, y);
    }

    static boolean equal(Value a, Value b) {
        if (isNumber(a) && isNumber(b)) {
            return isInt(a) && isInt(b) ? asLong(a) == asLong(b) : asDouble(a) == asDouble(b);
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
        return v instanceof Value.Int || v instanceof Value.Float || v instanceof Value.Bool;
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
        return asLong(v);
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
