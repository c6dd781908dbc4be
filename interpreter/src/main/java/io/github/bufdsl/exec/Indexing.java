package io.github.bufdsl.exec;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.runtime.BufferException;
import io.github.bufdsl.runtime.Tensor;

/**
 * Indexing a tensor: {@code A[i, j]} reads an element, {@code A[2:3, :]} makes a view by the slicing
 * rule ({@link Shapes}); indices are checked against the dimensions, 1-based as in Julia.
 */
final class Indexing {
    private Indexing() {
    }

    static Value index(Expr.Index e, Value target, Compiler.Eval[] indices, Ctx c) {
        if (target instanceof Value.Ref r) {
            if (indices.length > 0) {
                throw new ScriptError(e.pos(), "a Ref is read with r[]");
            }
            return r.get();
        }
        if (target instanceof Value.TensorValue t) {
            Tensor tensor = t.tensor();
            Value[] values = indexValues(e, indices, c);
            if (isSlice(values)) {
                return new Value.TensorValue(slice(e, values, tensor));
            }
            int[] idx = indices(e, values, tensor);
            try {
                return TensorElements.read(tensor, idx.length == 1 && tensor.rank() != 1 ? tensor.getLinear(idx[0])
                        : tensor.get(idx));
            } catch (BufferException err) {
                throw new ScriptError(e.pos(), err.getMessage());
            }
        }
        if (target instanceof Value.Tuple t) {
            if (indices.length != 1) {
                throw new ScriptError(e.pos(), "a tuple takes one index");
            }
            long i = Interpreter.integer(indices[0].eval(c), e.indices().get(0).pos(), "a tuple index");
            if (i < 1 || i > t.items().size()) {
                throw new ScriptError(e.pos(), "index " + i + " is out of bounds 1:" + t.items().size()
                        + " of the tuple");
            }
            return t.items().get((int) i - 1);
        }
        throw new ScriptError(e.pos(), "cannot index " + Arith.describe(target));
    }

    /** The values of an indexing's indices; null for a `:`. */
    static Value[] indexValues(Expr.Index e, Compiler.Eval[] indices, Ctx c) {
        Value[] values = new Value[indices.length];
        for (int k = 0; k < values.length; k++) {
            values[k] = e.indices().get(k) instanceof Expr.Colon ? null : indices[k].eval(c);
        }
        return values;
    }

    /** Whether indices take a slice: a `:` or a range among them. */
    static boolean isSlice(Value[] values) {
        for (Value v : values) {
            if (v == null || v instanceof Value.Range) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code C[:, k]}, {@code A[2:3, :]}, {@code A[:, 1:2:end]}: a view (Julia's view(A, ...)), sharing
     * A's memory; a `:` or a range keeps its dimension, an integer drops it ({@link Shapes}).
     */
    private static Tensor slice(Expr.Index e, Value[] values, Tensor tensor) {
        if (values.length != tensor.rank()) {
            throw new ScriptError(e.pos(), "a tensor of size " + tensor.shapeString() + " takes " + tensor.rank()
                    + " indices, not " + values.length);
        }
        int n = values.length;
        int[] first = new int[n];
        int[] step = new int[n];
        int[] count = new int[n];
        boolean[] keep = new boolean[n];
        for (int k = 0; k < n; k++) {
            Expr ie = e.indices().get(k);
            Value v = values[k];
            step[k] = 1;
            Shapes.Index<Integer> index = v == null ? new Shapes.Whole<>() : new Shapes.Drop<>();
            if (v instanceof Value.Range r) {
                long len = r.length();
                long last = r.start() + (len - 1) * r.step();
                if (len > 0 && (Math.min(r.start(), last) < 1 || Math.max(r.start(), last) > tensor.dim(k))) {
                    throw new ScriptError(ie.pos(), "index " + ValueFormat.show(r) + " is out of bounds 1:"
                            + tensor.dim(k) + " in dimension " + (k + 1) + " of a tensor of size "
                            + tensor.shapeString());
                }
                first[k] = len > 0 ? (int) (r.start() - 1) : 0;
                // a backwards range (A[3:-1:1]) is a view with a negative stride, as Julia's view
                step[k] = len <= 1 ? 1 : (int) Math.max(-Integer.MAX_VALUE, Math.min(Integer.MAX_VALUE, r.step()));
                index = new Shapes.Span<>((int) len);
            } else if (v != null) {
                long i = Interpreter.integer(v, ie.pos(), "an index");
                if (i < 1 || i > tensor.dim(k)) {
                    throw new ScriptError(ie.pos(), "index " + i + " is out of bounds 1:" + tensor.dim(k)
                            + " in dimension " + (k + 1) + " of a tensor of size " + tensor.shapeString());
                }
                first[k] = (int) (i - 1);
            }
            Integer kept = Shapes.kept(index, tensor.dim(k)); // the shape's rule, written once
            keep[k] = kept != null;
            count[k] = kept != null ? kept : 1;
        }
        return tensor.view(first, step, count, keep);
    }

    /** The 0-based integer indices of an indexing, checked. */
    static int[] indices(Expr.Index e, Value[] values, Tensor tensor) {
        int[] idx = new int[values.length];
        for (int k = 0; k < idx.length; k++) {
            Expr ie = e.indices().get(k);
            if (values[k] == null || values[k] instanceof Value.Range) {
                throw new ScriptError(ie.pos(), "assigning to a slice needs `.=`, as in Julia: A[2:3, :] .= x");
            }
            long i = Interpreter.integer(values[k], ie.pos(), "an index");
            long bound = idx.length == 1 && tensor.rank() != 1 ? tensor.length() : k < tensor.rank()
                    ? tensor.dim(k) : 1;
            if (idx.length != 1 && idx.length != tensor.rank()) {
                throw new ScriptError(e.pos(), "a tensor of size " + tensor.shapeString() + " takes "
                        + tensor.rank() + " indices, not " + idx.length);
            }
            if (i < 1 || i > bound) {
                throw new ScriptError(ie.pos(), "index " + i + " is out of bounds 1:" + bound
                        + (idx.length == 1 ? "" : " in dimension " + (k + 1)) + " of a tensor of size "
                        + tensor.shapeString());
            }
            idx[k] = (int) (i - 1);
        }
        return idx;
    }
}
