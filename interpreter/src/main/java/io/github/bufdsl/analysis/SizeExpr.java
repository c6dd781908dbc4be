package io.github.bufdsl.analysis;

import java.util.List;

/**
 * Expressions of the sizing function: integer arithmetic over literals, free variables, loop
 * variables and kept assignments, and the conditions of the branches around allocations.
 */
public sealed interface SizeExpr {
    record Num(long value) implements SizeExpr {
    }

    /** A float literal: a Float64, or a Float32 ({@code 1.5f0}) when single. */
    record Real(double value, boolean single) implements SizeExpr {
    }

    record Flag(boolean value) implements SizeExpr {
    }

    record Var(String name) implements SizeExpr {
    }

    /**
     * Arithmetic ({@code + - * / % ^}) and comparison ({@code == != < <= > >=}); {@code literalPower}
     * for {@code x ^ k} with k an integer literal as written (Julia's literal power: {@code 2^-1} is 0.5).
     */
    record Bin(String op, SizeExpr left, SizeExpr right, boolean literalPower) implements SizeExpr {
        Bin(String op, SizeExpr left, SizeExpr right) {
            this(op, left, right, false);
        }
    }

    /** {@code &&} / {@code ||}. */
    record Logic(boolean isAnd, SizeExpr left, SizeExpr right) implements SizeExpr {
    }

    /** {@code !x} or {@code -x}. */
    record Unary(String op, SizeExpr operand) implements SizeExpr {
    }

    /**
     * A range {@code start:step:stop} ({@code step} null for 1), the value of {@code r = 1:n}: a
     * variable that holds one may index a slice ({@code A[:, r]}).
     */
    record Range(SizeExpr start, SizeExpr step, SizeExpr stop) implements SizeExpr {
    }

    /** A pure builtin: min, max, div, cld, mod, abs. */
    record Call(String function, List<SizeExpr> args) implements SizeExpr {
    }
}
