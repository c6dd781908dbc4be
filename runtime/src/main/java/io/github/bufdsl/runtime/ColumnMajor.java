package io.github.bufdsl.runtime;

import java.util.Arrays;

/**
 * The arithmetic of column-major shapes (first index fastest), once: which dimensions a tensor
 * may have (checked into the {@code int[]} that every tensor of that shape shares, see {@link
 * Buffer}), the strides that lay a shape out without gaps, how many elements a shape has, and
 * which buffer positions a strided view reaches. Pure functions of dimensions, strides and
 * offsets; {@link Buffer}, {@link Tensor} and the contraction code ask it.
 */
final class ColumnMajor {
    private ColumnMajor() {
    }

    /**
     * {@code dims} as a shape: each dimension and their product must fit one buffer.
     *
     * @throws BufferException for a negative dimension, a product past 64 bits or one buffer
     */
    static int[] checkDims(long[] dims) {
        int[] shape = new int[dims.length];
        long length = 1;
        boolean overflow = false;
        boolean zero = false;
        for (int i = 0; i < dims.length; i++) {
            long d = dims[i];
            if (d < 0) {
                BufferRules.check(BufferRules.dimension(d, i + 1));
            }
            zero |= d == 0;
            if (d != 0 && length > Long.MAX_VALUE / d) {
                overflow = true;
            }
            length *= d;
        }
        if (overflow && !zero) {
            throw new BufferException("the dimensions " + Arrays.toString(dims)
                    + " multiply to more than 64 bits hold");
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] > BufferStorage.MAX_LENGTH) {
                throw new BufferException("dimension " + dims[i] + " is larger than the largest buffer");
            }
            shape[i] = (int) dims[i];
        }
        if (length > BufferStorage.MAX_LENGTH) {
            throw new BufferException("a tensor of " + length + " elements is larger than the largest buffer ("
                    + BufferStorage.MAX_LENGTH + " elements)");
        }
        return shape;
    }

    /** Whether a checked shape has the dimensions {@code dims}. */
    static boolean matches(int[] shape, long[] dims) {
        if (shape.length != dims.length) {
            return false;
        }
        for (int i = 0; i < dims.length; i++) {
            if (shape[i] != dims[i]) {
                return false;
            }
        }
        return true;
    }

    /** The number of elements of a checked shape. */
    static long length(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** The strides that lay {@code dims} out column-major without gaps. */
    static int[] strides(int[] dims) {
        int[] s = new int[dims.length];
        int stride = 1;
        for (int i = 0; i < dims.length; i++) {
            s[i] = stride;
            stride *= dims[i];
        }
        return s;
    }

    /** Whether strides lay out dims column-major without gaps (dimensions of size 1 have any stride). */
    static boolean isContiguous(int[] dims, int[] strides) {
        int stride = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] != 1 && strides[i] != stride) {
                return false;
            }
            stride *= dims[i];
        }
        return true;
    }

    /** Lowest and highest buffer positions a view at {@code offset} with these dims and strides touches. */
    static long[] span(int offset, int[] dims, int[] strides) {
        long lo = offset;
        long hi = offset;
        for (int k = 0; k < dims.length; k++) {
            long reach = (long) Math.max(0, dims[k] - 1) * strides[k];
            if (reach < 0) {
                lo += reach;
            } else {
                hi += reach;
            }
        }
        return new long[] {lo, hi};
    }
}
