package io.github.bufdsl.ast;

import io.github.bufdsl.diag.Pos;
import java.util.List;

/** Expressions. One record per kind; every node knows where it came from. */
public sealed interface Expr {
    Pos pos();

    <R> R accept(Visitor<R> v);

    interface Visitor<R> {
        R visitInt(IntLit e);

        R visitFloat(FloatLit e);

        R visitString(StrLit e);

        R visitBool(BoolLit e);

        R visitName(Name e);

        R visitCall(Call e);

        R visitParametric(Parametric e);

        R visitIndex(Index e);

        R visitColon(Colon e);

        R visitField(Field e);

        R visitBinary(Binary e);

        R visitLogical(Logical e);

        R visitUnary(Unary e);

        R visitRange(Range e);

        R visitTuple(Tuple e);

        R visitBroadcast(Broadcast e);

        R visitTernary(Ternary e);
    }

    record IntLit(Pos pos, long value) implements Expr {
        public <R> R accept(Visitor<R> v) {
            return v.visitInt(this);
        }
    }

    /** A float literal: a Float64 ({@code 1.5}, {@code 1e-3}), or a Float32 ({@code 1.5f0}, {@code 1f-3}) when single. */
    record FloatLit(Pos pos, double value, boolean single) implements Expr {
        public <R> R accept(Visitor<R> v) {
            return v.visitFloat(this);
        }
    }

    record StrLit(Pos pos, String value) implements Expr {
        public <R> R accept(Visitor<R> v) {
            return v.visitString(this);
        }
    }

    record BoolLit(Pos pos, boolean value) implements Expr {
        public <R> R accept(Visitor<R> v) {
            return v.visitBool(this);
        }
    }

    record Name(Pos pos, String name) implements Expr {
        public <R> R accept(Visitor<R> v) {
            return v.visitName(this);
        }
    }

    /** {@code f(a, b; k=v)}: keyword arguments may also come before the ';' as in Julia. */
    record Call(Pos pos, Expr callee, List<Expr> args, List<KwArg> kwargs) implements Expr {
        public <R> R accept(Visitor<R> v) {
            return v.visitCall(this);
        }

        /** The called name when the callee is a plain name ({@code alloc!}), else null. */
        public String calleeName() {
            if (callee instanceof Name n) {
                return n.name();
            }
            if (callee instanceof Parametric p) {
                return p.name();
            }
            if (callee instanceof Field f && f.target() instanceof Name n) {
                return n.name() + "." + f.field();
            }
            return null;
        }
    }

    /** {@code Buffer{Float32}}: a name with type parameters. */
    record Parametric(Pos pos, String name, List<Expr> params) implements Expr {
        public <R> R accept(Visitor<R> v) {
            return v.visitParametric(this);
        }
    }

    /** {@code A[i, j]}, {@code r[]}, {@code C[:, k]}. */
    record Index(Pos pos, Expr target, List<Expr> indices) implements Expr {
        public <R> R accept(Visitor<R> v) {
            return v.visitIndex(this);
        }
    }

    /** A lone {@code :} in an index: the whole dimension. */
    record Colon(Pos pos) implements Expr {
        public <R> R accept(Visitor<R> v) {
            return v.visitColon(this);
        }
    }

    record Field(Pos pos, Expr target, String field) implements Expr {
        public <R> R accept(Visitor<R> v) {
            return v.visitField(this);
        }
    }

    record Binary(Pos pos, BinOp op, Expr left, Expr right) implements Expr {
        public <R> R accept(Visitor<R> v) {
            return v.visitBinary(this);
        }

        /**
         * The exponent of Julia's literal power, {@code x ^ k} with {@code k} an integer literal as
         * written ({@code x^-1}, {@code 2^(-3)}; not {@code 2^n}, nor {@code 2^-(1)}, a call of -),
         * which Julia computes by {@code Base.literal_pow}; null for any other expression. Every pass
         * reads a power by this rule (and by {@code Arith.literalPower}).
         */
        public Long literalExponent() {
            return op == BinOp.POW && right instanceof IntLit k ? k.value() : null;
        }
    }

    /** {@code &&} and {@code ||}, which do not evaluate their right side when the left decides. */
    record Logical(Pos pos, boolean isAnd, Expr left, Expr right) implements Expr {
        public <R> R accept(Visitor<R> v) {
            return v.visitLogical(this);
        }
    }

    record Unary(Pos pos, UnOp op, Expr operand) implements Expr {
        public <R> R accept(Visitor<R> v) {
            return v.visitUnary(this);
        }
    }

    /** {@code start:stop} or {@code start:step:stop}; {@code step} is null when not given. */
    record Range(Pos pos, Expr start, Expr step, Expr stop) implements Expr {
        public <R> R accept(Visitor<R> v) {
            return v.visitRange(this);
        }
    }

    record Tuple(Pos pos, List<Expr> items) implements Expr {
        public <R> R accept(Visitor<R> v) {
            return v.visitTuple(this);
        }
    }

    /**
     * Julia's dot syntax, elementwise: {@code A .+ B}, {@code 2 .* A}, {@code A .^ 2} ({@code op} the
     * operator without its dot: "+", "-", "*", "/", "^") and {@code f.(A, B)} ({@code op} the
     * function's name). Evaluated element by element into the destination of {@code .=}.
     */
    record Broadcast(Pos pos, String op, List<Expr> args) implements Expr {
        public <R> R accept(Visitor<R> v) {
            return v.visitBroadcast(this);
        }

        /** True for an operator ({@code .+}, {@code .%}), false for a dotted call ({@code f.(x)}). */
        public boolean isOperator() {
            return op.length() == 1 && "+-*/^%".contains(op);
        }
    }

    /** {@code condition ? ifTrue : ifFalse}: only the chosen side is evaluated. */
    record Ternary(Pos pos, Expr condition, Expr ifTrue, Expr ifFalse) implements Expr {
        public <R> R accept(Visitor<R> v) {
            return v.visitTernary(this);
        }
    }

    record KwArg(Pos pos, String name, Expr value) {
    }

    enum BinOp {
        ADD("+", 11), SUB("-", 11), MUL("*", 12), DIV("/", 12), REM("%", 12), POW("^", 14),
        EQ("==", 6), NE("!=", 6), LT("<", 6), LE("<=", 6), GT(">", 6), GE(">=", 6);

        private final String symbol;
        private final int precedence;

        BinOp(String symbol, int precedence) {
            this.symbol = symbol;
            this.precedence = precedence;
        }

        public String symbol() {
            return symbol;
        }

        /** Julia's precedence: higher binds tighter. */
        public int precedence() {
            return precedence;
        }

        public boolean isComparison() {
            return precedence == 6;
        }

        public static BinOp of(String symbol) {
            for (BinOp op : values()) {
                if (op.symbol.equals(symbol)) {
                    return op;
                }
            }
            throw new IllegalArgumentException(symbol);
        }
    }

    enum UnOp {
        NEG("-"), PLUS("+"), NOT("!");

        private final String symbol;

        UnOp(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }
}
