package io.github.bufdsl.exec;

import io.github.bufdsl.ast.Expr.BinOp;

/**
 * The number types of bufdsl, as Julia names them, and Julia's promotion among them, written once:
 * {@link Arith} computes values by it, the broadcasting kernels type their operations by it, and the
 * type checker types expressions by it. A Bool is an integer ({@code true + 1 == 2}); Int op Int is
 * an Int except {@code /} (a Float64); with a float on either side the result is the wider float of
 * the two, so Float32 op Int (or Bool, or Float32) is a Float32 and Float32 op Float64 a Float64, as
 * Julia's {@code promote_type}.
 */
public enum NumType {
    BOOL("Bool"),
    INT64("Int64"),
    FLOAT32("Float32"),
    FLOAT64("Float64");

    private final String julia;

    NumType(String julia) {
        this.julia = julia;
    }

    /** Julia's name of the type. */
    public String julia() {
        return julia;
    }

    /** Bool and Int64: integers, which arithmetic computes exactly (or refuses on overflow). */
    public boolean isInteger() {
        return this == BOOL || this == INT64;
    }

    /** The type of {@code a op b} for an arithmetic operator (not a comparison: that is a Bool). */
    public static NumType arithmetic(BinOp op, NumType a, NumType b) {
        if (a.isInteger() && b.isInteger()) {
            return op == BinOp.DIV ? FLOAT64 : INT64;
        }
        return promote(a, b);
    }

    /** Julia's {@code promote_type} of two number types (Bool with Bool stays Bool). */
    public static NumType promote(NumType a, NumType b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /**
     * The float a function such as {@code sqrt}, {@code exp} or {@code /} gives for an argument of
     * this type: a Float32 stays a Float32, everything else is a Float64.
     */
    public NumType toFloat() {
        return switch (this) {
            case FLOAT32 -> FLOAT32;
            case BOOL, INT64, FLOAT64 -> FLOAT64;
        };
    }

    /** The type of a number value; null for any other value. */
    public static NumType of(Value v) {
        if (v instanceof Value.Float) {
            return FLOAT64;
        }
        if (v instanceof Value.Int) {
            return INT64;
        }
        if (v instanceof Value.Float32) {
            return FLOAT32;
        }
        if (v instanceof Value.Bool) {
            return BOOL;
        }
        return null;
    }

    /**
     * A value of this type from a double that is already that type's (an integer or a value of the
     * float's precision; a Float32's is rounded here, as a conversion to Float32 rounds).
     */
    public Value value(double x) {
        return switch (this) {
            case FLOAT64 -> new Value.Float(x);
            case FLOAT32 -> new Value.Float32((float) x);
            case INT64 -> new Value.Int((long) x);
            case BOOL -> Value.Bool.of(x != 0);
        };
    }

    /** {@code x} rounded to this type's precision (a Float32's; the others' as they are). */
    public double round(double x) {
        return switch (this) {
            case FLOAT32 -> (float) x;
            case BOOL, INT64, FLOAT64 -> x;
        };
    }
}
