package io.github.bufdsl.runtime;

/** Whether the output of a contraction or permutation shares memory with an input. */
final class Overlap {
    private Overlap() {
    }

    /**
     * Rejects an output that shares memory with an input: the exact sets of buffer positions the two
     * views touch are compared (by their spans first, then element by element when the spans meet).
     */
    static void checkNoOverlap(Tensor out, Tensor in) {
        out.checkLive();
        in.checkLive();
        if (out.buffer() != in.buffer() || out.length() == 0 || in.length() == 0) {
            return;
        }
        long[] so = span(out);
        long[] si = span(in);
        if (so[1] < si[0] || si[1] < so[0]) {
            return;
        }
        if (out.isContiguous() && in.isContiguous()) {
            throw overlap(out, in);
        }
        java.util.BitSet touched = new java.util.BitSet();
        for (long i = 0, n = in.length(); i < n; i++) {
            touched.set(positionOf(in, i) - (int) Math.min(so[0], si[0]));
        }
        for (long i = 0, n = out.length(); i < n; i++) {
            if (touched.get(positionOf(out, i) - (int) Math.min(so[0], si[0]))) {
                throw overlap(out, in);
            }
        }
    }

    private static BufferException overlap(Tensor out, Tensor in) {
        return new BufferException(TensorRules.overlap(out.describe(), in.describe()));
    }

    private static int positionOf(Tensor t, long linear) {
        int p = t.offsetInternal();
        long rest = linear;
        int[] dims = t.dimsInternal();
        int[] strides = t.strides();
        for (int k = 0; k < dims.length; k++) {
            p += (int) (rest % dims[k]) * strides[k];
            rest /= dims[k];
        }
        return p;
    }

    private static long[] span(Tensor t) {
        long lo = t.offsetInternal();
        long hi = lo;
        int[] dims = t.dimsInternal();
        int[] strides = t.strides();
        for (int k = 0; k < dims.length; k++) {
            long reach = (long) (dims[k] - 1) * strides[k];
            if (reach < 0) {
                lo += reach;
            } else {
                hi += reach;
            }
        }
        return new long[] {lo, hi};
    }
}
