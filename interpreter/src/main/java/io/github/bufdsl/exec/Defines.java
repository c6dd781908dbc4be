package io.github.bufdsl.exec;

import io.github.bufdsl.ast.TensorExpr;

/**
 * Where {@code @tensor C[...] := rhs} takes the memory of its new tensor: from the buffer of the
 * first tensor of the first term of {@code rhs} written as a sum of products (the term's factors in
 * the order written), as {@code alloc!} on that buffer would. The run ({@link TensorEval}), usage
 * and the type checker read it here.
 */
public final class Defines {
    private Defines() {
    }

    /**
     * The indexed tensor whose buffer a := with this right side allocates from; null when its first
     * term has no tensor ({@code 2 + A[i]}), which a := refuses.
     */
    public static TensorExpr.Ref source(TensorExpr rhs) {
        if (rhs instanceof TensorExpr.Ref r) {
            return r;
        }
        if (rhs instanceof TensorExpr.Negate n) {
            return source(n.operand());
        }
        if (rhs instanceof TensorExpr.Binary b) {
            TensorExpr.Ref left = source(b.left());
            // a sum's or a quotient's first term is its left's; a product's first term is the product of
            // the first terms of both sides, the left's factors first
            boolean product = b.op() != '+' && b.op() != '-' && b.op() != '/';
            return left != null || !product ? left : source(b.right());
        }
        return null; // a scalar
    }
}
