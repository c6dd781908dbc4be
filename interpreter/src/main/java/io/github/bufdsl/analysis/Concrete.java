package io.github.bufdsl.analysis;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.exec.Arith;
import io.github.bufdsl.exec.Builtins;
import io.github.bufdsl.exec.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * The analyzer's concrete values (a constant {@link Poly}, a {@code Double}, a {@code Float} for a
 * Float32, a {@code Boolean})
 * handed to the interpreter's own arithmetic ({@link Arith}: Bool as a number, NaN, Int/Float
 * promotion, overflow) and to the implementations of pure builtins, so both domains compute the
 * same values with the same errors. Anything symbolic is left to the analyzer (the methods return
 * null).
 */
final class Concrete {
    private Concrete() {
    }

    /** {@code x op y} as run computes it, or null if an operand is not concrete. */
    static Object binary(String op, Object x, Object y) {
        Value a = value(x);
        Value b = value(y);
        if (a == null || b == null) {
            return null;
        }
        return analyzer(Arith.binary(Expr.BinOp.of(op), a, b));
    }

    /** {@code x ^ k} with k an integer literal as run computes it (Julia's literal power), or null if x is not concrete. */
    static Object literalPower(Object x, long k) {
        Value a = value(x);
        return a == null ? null : analyzer(Arith.literalPower(a, k));
    }

    /** {@code op x} ("-", "+" or "!") as run computes it, or null if the operand is not concrete. */
    static Object unary(String op, Object x) {
        Value a = value(x);
        if (a == null) {
            return null;
        }
        Expr.UnOp u = op.equals("-") ? Expr.UnOp.NEG : op.equals("!") ? Expr.UnOp.NOT : Expr.UnOp.PLUS;
        return analyzer(Arith.unary(u, a));
    }

    /** The pure builtin {@code fn} on concrete arguments, as run computes it, or null if one is not concrete. */
    static Object call(String fn, List<Object> args) {
        List<Value> values = new ArrayList<>();
        for (Object x : args) {
            Value v = value(x);
            if (v == null) {
                return null;
            }
            values.add(v);
        }
        return analyzer(Builtins.callPure(fn, values));
    }

    /** {@code fn(a:s:b)} of a range of constants, as run computes it ({@link io.github.bufdsl.exec.Ranges}). */
    static Object range(String fn, long a, long s, long b) {
        return analyzer(io.github.bufdsl.exec.Ranges.call(fn, new Value.Range(a, s, b)));
    }

    /** The interpreter's value of a concrete analyzer value, or null if it is not concrete. */
    static Value value(Object x) {
        if (x instanceof Poly p && p.isConstant()) {
            return new Value.Int(p.constantValue());
        }
        if (x instanceof Double d) {
            return new Value.Float(d);
        }
        if (x instanceof Float f) {
            return new Value.Float32(f);
        }
        if (x instanceof Boolean b) {
            return Value.Bool.of(b);
        }
        return null;
    }

    private static Object analyzer(Value v) {
        Object plain = Value.plain(v);
        if (plain instanceof Long i) {
            return Poly.constant(i);
        }
        if (plain != null) {
            return plain;
        }
        throw new IllegalStateException("a pure builtin gave " + v.typeName());
    }
}
