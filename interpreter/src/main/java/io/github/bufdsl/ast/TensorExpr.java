package io.github.bufdsl.ast;

import io.github.bufdsl.diag.Pos;
import java.util.List;

/** The right-hand side of an {@code @tensor} statement, in index notation. */
public sealed interface TensorExpr {
    Pos pos();

    /** {@code A[i,j,k]}: a tensor with one index label per dimension. */
    record Ref(Pos pos, Expr tensor, List<String> indices, List<Pos> indexPositions) implements TensorExpr {
    }

    /** A scalar factor: a number or a scalar expression without indices. */
    record Scalar(Pos pos, Expr value) implements TensorExpr {
    }

    /** {@code x * y}, {@code x / s}, {@code x + y}, {@code x - y}. */
    record Binary(Pos pos, char op, TensorExpr left, TensorExpr right) implements TensorExpr {
    }

    record Negate(Pos pos, TensorExpr operand) implements TensorExpr {
    }

    /** Every indexed tensor of {@code e} as written, in order (a tensor used twice is there twice). */
    static List<Ref> refs(TensorExpr e) {
        List<Ref> into = new java.util.ArrayList<>();
        refs(e, into);
        return into;
    }

    private static void refs(TensorExpr e, List<Ref> into) {
        if (e instanceof Ref r) {
            into.add(r);
        } else if (e instanceof Binary b) {
            refs(b.left(), into);
            refs(b.right(), into);
        } else if (e instanceof Negate n) {
            refs(n.operand(), into);
        }
    }
}
