package io.github.bufdsl.runtime;

import java.util.Arrays;

/**
 * The shape (and strides) each slot of a {@link Buffer}'s stack keeps: that of its last allocation.
 * Shapes are checked once and shared: tensors never write their dims and strides, so every tensor
 * of one shape can use the same two arrays. A kernel's loop allocates the same shapes at the same
 * depths every iteration, so after the first an alloc/drop pair makes no garbage but its handle
 * (none at all when the handle does not escape), whatever shapes the loop alternates. A slot seeing
 * a new shape takes the arrays of the slot below when that has the same shape. Every array has room
 * for as many slots as the buffer's.
 */
final class SlotShapes {
    /** Per slot, the shape of its last allocation (null before the first); read by the buffer's alloc. */
    int[][] shapes;
    /** Per slot, the strides of that shape. */
    int[][] strides;

    SlotShapes(int slots) {
        shapes = new int[slots][];
        strides = new int[slots][];
    }

    /** Room for {@code slots} slots. */
    void grow(int slots) {
        shapes = Arrays.copyOf(shapes, slots);
        strides = Arrays.copyOf(strides, slots);
    }

    /**
     * The shape {@code dims} for slot {@code d}, which had another one before: that of the slot below
     * when equal, else checked and made. The slot keeps it.
     *
     * @throws BufferException for dimensions that are negative or too large (nothing is kept then)
     */
    int[] change(int d, long[] dims) {
        int[] below = d > 0 ? shapes[d - 1] : null;
        int[] shape;
        int[] st;
        if (below != null && ColumnMajor.matches(below, dims)) {
            shape = below;
            st = strides[d - 1];
        } else {
            shape = ColumnMajor.checkDims(dims);
            st = ColumnMajor.strides(shape);
        }
        shapes[d] = shape;
        strides[d] = st;
        return shape;
    }
}
