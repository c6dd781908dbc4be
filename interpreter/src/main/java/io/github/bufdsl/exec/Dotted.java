package io.github.bufdsl.exec;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.ExprPrinter;

/**
 * The rules of dotted expressions ({@code A .+ 1}, {@code f.(x)}), which the run (Broadcasts) and the
 * type checker both read by: what is elementwise work, and what a dotted expression used as a value
 * is refused with.
 */
public final class Dotted {
    private Dotted() {
    }

    /**
     * Whether an expression is elementwise work (rather than a leaf evaluated once): a dotted call or
     * operator, and inside one {@code +}, {@code -}, {@code *}, {@code /}, {@code %}, {@code ^} and
     * unary minus; all of its children are then read elementwise. The type checker reads dotted
     * expressions by this rule too.
     */
    public static boolean isElementwise(Expr e) {
        if (e instanceof Expr.Broadcast) {
            return true;
        }
        if (e instanceof Expr.Binary b) {
            return switch (b.op()) {
                case ADD, SUB, MUL, DIV, REM, POW -> true;
                case EQ, NE, LT, LE, GT, GE -> false;
            };
        }
        return e instanceof Expr.Unary u && u.op() == Expr.UnOp.NEG;
    }

    /**
     * The error of a dotted expression used as a value (not written into a tensor by {@code .=}) when
     * one of its operands is a tensor: its result would be a new array.
     */
    public static String newArray(Expr source) {
        String text = ExprPrinter.print(source);
        if (text.length() > 40) {
            text = "this";
        }
        return text + " would make a new array, and bufdsl allocates only from buffers; write it into a tensor: C .= "
                + text;
    }
}
