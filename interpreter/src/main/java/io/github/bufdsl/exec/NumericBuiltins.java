package io.github.bufdsl.exec;

import static io.github.bufdsl.builtins.ArgType.*;
import static io.github.bufdsl.exec.Builtin.def;
import static io.github.bufdsl.exec.Builtin.sig;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.builtins.Role;
import io.github.bufdsl.exec.Builtin.Call;
import io.github.bufdsl.exec.Builtin.Entry;
import java.util.Map;

/**
 * The pure numeric builtins of the registry ({@code min}, {@code max}, {@code abs}, {@code sqrt},
 * {@code exp}, {@code log}, {@code div}, {@code mod}, {@code cld}, {@code prod}, {@code Int},
 * {@code Float64}, {@code Float32}, {@code iseven}, {@code isodd}, {@code isapprox}), defined into {@link Builtin#TABLE} with Julia's
 * rules (a Float32 argument gives a Float32 where Julia's does).
 */
final class NumericBuiltins {
    private NumericBuiltins() {
    }

    static void define(Map<String, Entry> m) {
        def(m, sig("min", "min(values...)").arg("value", NUMBER).rest("values", NUMBER), SAME_AS_ARGS,
                Role.PURE_SYMBOLIC, c -> extreme(c, -1));
        def(m, sig("max", "max(values...)").arg("value", NUMBER).rest("values", NUMBER), SAME_AS_ARGS,
                Role.PURE_SYMBOLIC, c -> extreme(c, 1));
        def(m, sig("abs", "abs(x)").arg("x", NUMBER), SAME_AS_ARGS, Role.PURE_SYMBOLIC,
                c -> c.arg(0) instanceof Value.Int i ? new Value.Int(Math.abs(i.value()))
                        : c.arg(0) instanceof Value.Bool ? c.arg(0) : type(c).value(Math.abs(c.number(0))));
        // of a Float32 a Float32 (computed in Float64 and rounded once), of anything else a Float64, as Julia's
        def(m, sig("sqrt", "sqrt(x)").arg("x", NUMBER), FLOAT, Role.PURE,
                c -> type(c).toFloat().value(Math.sqrt(notNegative(c, "sqrt"))));
        def(m, sig("exp", "exp(x)").arg("x", NUMBER), FLOAT, Role.PURE,
                c -> type(c).toFloat().value(Math.exp(c.number(0))));
        def(m, sig("log", "log(x)").arg("x", NUMBER), FLOAT, Role.PURE,
                c -> type(c).toFloat().value(Math.log(notNegative(c, "log"))));
        // div truncates, as Julia's
        def(m, sig("div", "div(a, b)").arg("a", INT).arg("b", INT), INT, Role.PURE_SYMBOLIC,
                c -> new Value.Int(c.integer(0) / nonZero(c.integer(1))));
        def(m, sig("mod", "mod(a, b)").arg("a", INT).arg("b", INT), INT, Role.PURE_SYMBOLIC,
                c -> new Value.Int(Math.floorMod(c.integer(0), nonZero(c.integer(1)))));
        def(m, sig("cld", "cld(a, b)").arg("a", INT).arg("b", INT), INT, Role.PURE_SYMBOLIC,
                c -> new Value.Int(-Math.floorDiv(-c.integer(0), nonZero(c.integer(1)))));
        def(m, sig("prod", "prod(tuple or r)").arg("x", ANY), SAME_AS_ARGS, Role.PURE, c -> {
            if (c.arg(0) instanceof Value.Range r) {
                return Ranges.call("prod", r);
            }
            if (!(c.arg(0) instanceof Value.Tuple tup)) {
                throw new ScriptError("prod takes a tuple or a range, as prod(size(A)) or prod(1:n)");
            }
            Value r = new Value.Int(1);
            for (Value v : tup.items()) {
                r = Arith.binary(Expr.BinOp.MUL, r, v);
            }
            return r;
        });
        def(m, sig("Int", "Int(x)").arg("x", NUMBER), INT, Role.PURE, c -> {
            Value v = c.arg(0);
            if (v instanceof Value.Int) {
                return v;
            }
            double d = c.number(0);
            if (d != Math.rint(d) || Math.abs(d) > 9.2e18) {
                throw new ScriptError(ValueFormat.formatFloat(d) + (d != Math.rint(d) ? " is not a whole number"
                        : " does not fit in Int64") + " (Julia's InexactError)");
            }
            return new Value.Int((long) d);
        });
        // floor, ceil, round (ties to even), trunc: a Float64 stays a Float64, an Int an Int, as in Julia;
        // with digits= or sigdigits=, to that many decimals (RoundDigits)
        def(m, rounding("floor"), SAME_AS_ARGS, Role.PURE, c -> rounded(c, java.math.RoundingMode.FLOOR, Math::floor));
        def(m, rounding("ceil"), SAME_AS_ARGS, Role.PURE, c -> rounded(c, java.math.RoundingMode.CEILING, Math::ceil));
        def(m, rounding("round"), SAME_AS_ARGS, Role.PURE, c -> rounded(c, java.math.RoundingMode.HALF_EVEN, Math::rint));
        def(m, rounding("trunc"), SAME_AS_ARGS, Role.PURE, c -> rounded(c, java.math.RoundingMode.DOWN,
                x -> x < 0 ? Math.ceil(x) : Math.floor(x)));
        def(m, sig("Float64", "Float64(x)").arg("x", NUMBER), FLOAT, Role.PURE, c -> new Value.Float(c.number(0)));
        def(m, sig("Float32", "Float32(x)").arg("x", NUMBER), FLOAT32, Role.PURE, c -> {
            c.number(0); // a number, or the error that says it must be
            return new Value.Float32(Arith.asFloat32(c.arg(0))); // to the nearest Float32, Inf32 beyond its range
        });
        // Julia's iseven and isodd: an integer (a float too when it is a whole number) whose rem by 2 is 0, or not
        def(m, sig("iseven", "iseven(x)").arg("x", NUMBER), BOOL, Role.PURE, c -> parity(c, true));
        def(m, sig("isodd", "isodd(x)").arg("x", NUMBER), BOOL, Role.PURE, c -> parity(c, false));
        def(m, sig("isapprox", "isapprox(a, b; rtol, atol=0, nans=false)").arg("a", NUMBER).arg("b", NUMBER)
                .kw("rtol", NUMBER).kw("atol", NUMBER).kw("nans", BOOL), BOOL, Role.PURE, NumericBuiltins::isapprox);
    }

    private static io.github.bufdsl.builtins.Signature.Builder rounding(String name) {
        return sig(name, name + "(x; digits, sigdigits)").arg("x", NUMBER).kw("digits", INT).kw("sigdigits", INT);
    }

    /**
     * A float rounded to a whole float of its type; an integer as it is (Bool as Int). With {@code digits}
     * or {@code sigdigits}, {@link RoundDigits} (a float, also of an integer, as Julia's).
     */
    private static Value rounded(Call c, java.math.RoundingMode mode, java.util.function.DoubleUnaryOperator f) {
        Value v = c.arg(0);
        Map<String, Value> kw = c.kwargs();
        if (!kw.isEmpty()) {
            c.number(0);
            if (kw.containsKey("digits") && kw.containsKey("sigdigits")) {
                throw new ScriptError("digits and sigdigits cannot both be given (Julia's ArgumentError)");
            }
            NumType t = NumType.of(v).isInteger() ? NumType.FLOAT64 : NumType.of(v);
            double x = t == NumType.FLOAT32 ? Arith.asFloat32(v) : Arith.asDouble(v);
            return t.value(kw.containsKey("digits") ? RoundDigits.digits(x, c.kwInteger("digits"), mode, t)
                    : RoundDigits.sigdigits(x, c.kwInteger("sigdigits"), mode, t));
        }
        return v instanceof Value.Float || v instanceof Value.Float32 ? type(c).value(f.applyAsDouble(c.number(0)))
                : new Value.Int(c.integer(0));
    }

    /** {@code iseven(x)} ({@code even}) or {@code isodd(x)}: false for a float that is not a whole number, as Julia's. */
    private static Value parity(Call c, boolean even) {
        Value v = c.arg(0);
        if (v instanceof Value.Int i) {
            return Value.Bool.of((i.value() % 2 == 0) == even);
        }
        if (v instanceof Value.Bool b) {
            return Value.Bool.of(b.value() != even);
        }
        double x = c.number(0);
        return Value.Bool.of(Double.isFinite(x) && x == Math.rint(x) && (x % 2 == 0) == even);
    }

    /** The number type of the first argument (an error when it is not a number). */
    private static NumType type(Call c) {
        c.number(0);
        return NumType.of(c.arg(0));
    }

    /** Julia's {@code isapprox} of two numbers, with its defaults (a ≈ b is the same call). */
    private static Value isapprox(Call c) {
        c.number(0);
        c.number(1);
        NumType t = NumType.promote(NumType.of(c.arg(0)), NumType.of(c.arg(1)));
        Map<String, Value> kw = c.kwargs();
        double atol = kw.containsKey("atol") ? c.kwNumber("atol") : 0;
        // rtol's default is sqrt(eps) of the widest float's precision among the two (Float32's when there is
        // one, Float64's otherwise), 0 for integers or when atol is given
        boolean floats = !t.isInteger();
        boolean single = NumType.of(c.arg(0)) == NumType.FLOAT32 || NumType.of(c.arg(1)) == NumType.FLOAT32;
        double rtol = kw.containsKey("rtol") ? c.kwNumber("rtol") : atol > 0 || !floats ? 0
                : single ? (float) Math.sqrt(Math.ulp(1.0f)) : Math.sqrt(Math.ulp(1.0));
        for (String k : new String[] {"atol", "rtol"}) {
            if (kw.containsKey(k)) {
                t = NumType.promote(t, NumType.of(kw.get(k)));
            }
        }
        // computed in the operands' promoted type, as Julia's (a Float32 rounds each step)
        double a = t == NumType.FLOAT32 ? Arith.asFloat32(c.arg(0)) : Arith.asDouble(c.arg(0));
        double b = t == NumType.FLOAT32 ? Arith.asFloat32(c.arg(1)) : Arith.asDouble(c.arg(1));
        boolean nans = kw.containsKey("nans") && c.bool(kw.get("nans"), "nans");
        return Value.Bool.of(a == b || Double.isFinite(a) && Double.isFinite(b)
                && t.round(Math.abs(a - b)) <= Math.max(atol, t.round(rtol * Math.max(Math.abs(a), Math.abs(b))))
                || nans && Double.isNaN(a) && Double.isNaN(b));
    }

    /** The argument of sqrt or log, which Julia refuses below zero (a DomainError: the result is complex). */
    private static double notNegative(Call c, String f) {
        double x = c.number(0);
        if (x < 0) {
            throw new ScriptError("the argument is negative, which Julia's " + f + " refuses (a DomainError: the"
                    + " result would be complex, and bufdsl has no complex numbers)");
        }
        return x;
    }

    private static long nonZero(long b) {
        if (b == 0) {
            throw new ScriptError("integer division by zero");
        }
        return b;
    }


    private static Value extreme(Call c, int sign) {
        Value r = null;
        for (int i = 0; i < c.args().size(); i++) {
            Value v = c.arg(i);
            if (!Arith.isNumber(v)) {
                throw new ScriptError("argument " + (i + 1) + " must be a number, not " + Arith.describe(v));
            }
            r = r == null ? v : pick(r, v, sign);
        }
        return r;
    }

    /** Julia's {@code max} (sign 1) or {@code min} (-1) of two numbers: NaN wins, -0.0 is below 0.0. */
    static Value pick(Value a, Value b, int sign) {
        if (!Arith.isNumber(a) || !Arith.isNumber(b)) {
            throw new ScriptError((sign > 0 ? "max" : "min") + " takes numbers, not " + Arith.describe(
                    Arith.isNumber(a) ? b : a));
        }
        NumType t = NumType.promote(NumType.of(a), NumType.of(b));
        if (!t.isInteger()) { // both converted to the wider float first, as Julia promotes
            double x = t == NumType.FLOAT32 ? Arith.asFloat32(a) : Arith.asDouble(a);
            double y = t == NumType.FLOAT32 ? Arith.asFloat32(b) : Arith.asDouble(b);
            return t.value(sign > 0 ? Math.max(x, y) : Math.min(x, y));
        }
        long x = Arith.asLong(a);
        long y = Arith.asLong(b);
        Value chosen = (sign > 0 ? y > x : y < x) ? b : a;
        return a instanceof Value.Bool && b instanceof Value.Bool ? chosen : new Value.Int(Arith.asLong(chosen));
    }
}
