package io.github.bufdsl.runtime;

/**
 * What a tensor's elements are to the contraction code: a Float64 array and the shift of buffer
 * positions in it (positions in {@code array} are buffer positions minus {@code shift}). For a
 * Float64 buffer on the heap that is the buffer's own array; for a Float32 buffer or one off the
 * heap it is a widened copy of the span the tensor touches, which {@link #narrow} writes back
 * (rounding to Float32). Owns that copying both ways; check liveness before.
 */
record Widened(double[] array, int shift) {
    /** The storage {@code t} touches as Float64. */
    static Widened of(Tensor t) {
        BufferStorage s = t.buffer().storage;
        if (s.type() == ElementType.FLOAT64 && !s.offHeap()) {
            return new Widened(s.data(), 0);
        }
        if (t.length() == 0) { // touches nothing; may start at the buffer's end
            return new Widened(new double[0], t.offsetInternal());
        }
        long[] span = t.span();
        int lo = (int) span[0];
        int hi = (int) span[1];
        double[] copy = new double[Math.max(0, hi - lo + 1)];
        if (s.offHeap()) {
            s.nativeData().get(lo, copy);
            return new Widened(copy, lo);
        }
        float[] f = s.floats();
        for (int i = 0; i < copy.length; i++) {
            copy[i] = f[lo + i];
        }
        return new Widened(copy, lo);
    }

    /** Writes this copy of {@code t}'s storage back into a Float32 or off-heap buffer; nothing for Float64. */
    void narrow(Tensor t) {
        BufferStorage s = t.buffer().storage;
        if (s.type() == ElementType.FLOAT64 && !s.offHeap()) {
            return;
        }
        if (!t.isContiguous()) {
            // only this view's own elements: others in its span may belong to views that other
            // threads write (the columns or rows of a shared tensor in a parallel loop)
            for (long i = 0, n = t.length(); i < n; i++) {
                int p = t.linearPosition(i);
                s.write(p, array[p - shift]);
            }
            return;
        }
        if (s.offHeap()) {
            s.nativeData().put(shift, array);
            return;
        }
        float[] f = s.floats();
        for (int i = 0; i < array.length; i++) {
            f[shift + i] = (float) array[i];
        }
    }
}
