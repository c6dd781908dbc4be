package io.github.bufdsl.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Tensor contractions in index notation, as TensorOperations.jl's {@code @tensor}:
 * {@code C[labels] = beta * C + alpha * A[labels] * B[labels]}, where a label on both {@code A}
 * and {@code B} is summed over and the labels of {@code C} give the output's layout.
 *
 * <p>Each operand is permuted into a matrix, the matrices are multiplied with EJML, and the product
 * is permuted into {@code C}. The permuted copies live in a workspace that this contractor keeps and
 * reuses across calls (it only grows), so a contraction in a loop does not allocate its data;
 * {@link #workspaceHighWater()} reports how large it got. Not thread-safe: one per thread.
 */
public final class Contractor {
    /** Products of at least this many multiply-adds use EJML's concurrent multiply on several cores. */
    static final double CONCURRENT_FLOPS = 64.0 * 64 * 64;

    private double[] packedA = new double[0];
    private double[] packedB = new double[0];
    private final DMatrixRMaj matA = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj matB = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj matC = new DMatrixRMaj(1, 1);
    private long workspaceHighWater;

    /** Elements the workspace has held at most (permuted operands and product together). */
    public long workspaceHighWater() {
        return workspaceHighWater;
    }

    /**
     * {@code c[cIdx] = beta * c[cIdx] + alpha * sum(a[aIdx] * b[bIdx])} over the labels on both
     * {@code a} and {@code b}. Modifies only {@code c}.
     *
     * @throws ShapeMismatchException if labels and dimensions do not fit (the message names the
     *     label); nothing is written then
     * @throws BufferException if a tensor is no longer live, or {@code c} shares memory with an input
     */
    public void contract(Tensor c, String[] cIdx, double alpha, Tensor a, String[] aIdx, Tensor b, String[] bIdx,
            double beta) {
        Operand oa = Operand.of(a, aIdx, "the first factor");
        Operand ob = Operand.of(b, bIdx, "the second factor");
        Operand oc = Operand.of(c, cIdx, "the output");
        if (oc.diagonal) {
            throw new ShapeMismatchException("an index repeats on the output " + c.describe() + ": "
                    + String.join(",", cIdx));
        }
        checkNoOverlap(c, a);
        checkNoOverlap(c, b);
        List<String> freeA = new ArrayList<>();
        List<String> freeB = new ArrayList<>();
        List<String> summed = new ArrayList<>();
        for (String l : oa.labels()) {
            if (ob.has(l)) {
                if (oc.has(l)) {
                    throw new ShapeMismatchException("index " + l + " appears three times (on both factors and"
                            + " the output)");
                }
                summed.add(l);
                checkSameDim(l, oa, ob);
            } else if (!oc.has(l)) {
                throw new ShapeMismatchException("index " + l + " appears only once on the right and not on the"
                        + " left");
            }
        }
        for (String l : ob.labels()) {
            if (!oa.has(l) && !oc.has(l)) {
                throw new ShapeMismatchException("index " + l + " appears only once on the right and not on the"
                        + " left");
            }
        }
        for (String l : oc.labels()) {
            boolean inA = oa.has(l);
            boolean inB = ob.has(l);
            if (!inA && !inB) {
                throw new ShapeMismatchException("index " + l + " of the output " + c.describe()
                        + " does not appear on the right");
            }
            Operand from = inA ? oa : ob;
            checkSameDim(l, from, oc);
            (inA ? freeA : freeB).add(l);
        }
        int m = oa.size(freeA);
        int n = ob.size(freeB);
        int k = oa.size(summed);
        double[] cd = oc.data;
        List<String> outOrder = new ArrayList<>(freeA);
        outOrder.addAll(freeB);
        if ((long) m * n == 0) {
            return;
        }
        if (k == 0) {
            scale(cd, oc, outOrder, beta);
            c.narrow(oc.widened);
            return;
        }
        packedA = ensure(packedA, (long) m * k);
        packedB = ensure(packedB, (long) k * n);
        List<String> aOrder = new ArrayList<>(freeA);
        aOrder.addAll(summed);
        List<String> bOrder = new ArrayList<>(summed);
        bOrder.addAll(freeB);
        // column-major A (m x k) is row-major (k x m); column-major B (k x n) is row-major (n x k)
        copy(oa.data, oa.offset, oa.dimsOf(aOrder), oa.stridesOf(aOrder), packedA, 0,
                Tensor.columnMajorStrides(oa.dimsOf(aOrder)), 1.0, 0.0);
        copy(ob.data, ob.offset, ob.dimsOf(bOrder), ob.stridesOf(bOrder), packedB, 0,
                Tensor.columnMajorStrides(ob.dimsOf(bOrder)), 1.0, 0.0);
        wrap(matA, k, m, packedA);
        wrap(matB, n, k, packedB);
        if (matC.data.length < (long) m * n) {
            matC.data = new double[m * n];
        }
        matC.reshape(n, m, false);
        // (C^T)(n x m) = (B^T)(n x k) * (A^T)(k x m), all row-major: C column-major (m x n)
        if ((double) m * n * k >= CONCURRENT_FLOPS && Runtime.getRuntime().availableProcessors() > 1) {
            org.ejml.dense.row.CommonOps_MT_DDRM.mult(matB, matA, matC);
        } else {
            CommonOps_DDRM.mult(matB, matA, matC);
        }
        workspaceHighWater = Math.max(workspaceHighWater, (long) packedA.length + packedB.length + matC.data.length);
        int[] outDims = oc.dimsOf(outOrder);
        copy(matC.data, 0, outDims, Tensor.columnMajorStrides(outDims), cd, oc.offset, oc.stridesOf(outOrder),
                alpha, beta);
        c.narrow(oc.widened);
    }

    /**
     * {@code c[cIdx] = beta * c[cIdx] + alpha * a[aIdx]}: a permutation, with a partial trace over
     * labels repeated on {@code a} (and summed over when they are not on {@code c}). Modifies only
     * {@code c}.
     *
     * @throws ShapeMismatchException if labels and dimensions do not fit; nothing is written then
     */
    public void permute(Tensor c, String[] cIdx, double alpha, Tensor a, String[] aIdx, double beta) {
        Operand oa = Operand.of(a, aIdx, "the right-hand side");
        Operand oc = Operand.of(c, cIdx, "the output");
        if (oc.diagonal) {
            throw new ShapeMismatchException("an index repeats on the output " + c.describe() + ": "
                    + String.join(",", cIdx));
        }
        checkNoOverlap(c, a);
        for (String l : oc.labels()) {
            if (!oa.has(l)) {
                throw new ShapeMismatchException("index " + l + " of the output " + c.describe()
                        + " does not appear on the right");
            }
            checkSameDim(l, oa, oc);
        }
        List<String> traced = new ArrayList<>();
        for (String l : oa.labels()) {
            if (!oc.has(l)) {
                if (!oa.repeated(l)) {
                    throw new ShapeMismatchException("index " + l + " appears only once on the right and not on"
                            + " the left");
                }
                traced.add(l);
            }
        }
        double[] cd = oc.data;
        List<String> outOrder = oc.labels();
        if (traced.isEmpty()) {
            copy(oa.data, oa.offset, oa.dimsOf(outOrder), oa.stridesOf(outOrder), cd, oc.offset,
                    oc.stridesOf(outOrder), alpha, beta);
            c.narrow(oc.widened);
            return;
        }
        scale(cd, oc, outOrder, beta);
        List<String> all = new ArrayList<>(outOrder);
        all.addAll(traced);
        int[] dims = oa.dimsOf(all);
        int[] dstStrides = Arrays.copyOf(oc.stridesOf(outOrder), all.size()); // traced axes: stride 0
        copy(oa.data, oa.offset, dims, oa.stridesOf(all), cd, oc.offset, dstStrides, alpha, 1.0);
        c.narrow(oc.widened);
    }

    private static void scale(double[] d, Operand o, List<String> order, double beta) {
        copy(d, o.offset, o.dimsOf(order), o.stridesOf(order), d, o.offset, o.stridesOf(order), 0.0, beta);
    }

    private static void wrap(DMatrixRMaj m, int rows, int cols, double[] data) {
        m.data = data;
        m.numRows = rows;
        m.numCols = cols;
    }

    private double[] ensure(double[] a, long n) {
        if (a.length >= n) {
            return a;
        }
        if (n > Buffer.MAX_LENGTH) {
            throw new BufferException("a contraction needs a workspace of " + n + " elements, more than one"
                    + " Java array holds");
        }
        try {
            return new double[(int) n];
        } catch (OutOfMemoryError e) {
            throw new BufferException("a contraction needs a workspace of " + n + " elements (" + 8 * n
                    + " bytes): not enough memory in the JVM");
        }
    }

    /**
     * The strided loop under every operation: {@code dst = beta * dst + alpha * src} element by
     * element over {@code dims}, each side with its own strides. A stride of 0 on {@code dst}
     * accumulates (beta must then be 1). With beta 0 the old value is not read (NaN does not stay).
     */
    static void copy(double[] src, int srcOff, int[] dims, int[] srcStrides, double[] dst, int dstOff,
            int[] dstStrides, double alpha, double beta) {
        int rank = dims.length;
        for (int d : dims) {
            if (d == 0) {
                return;
            }
        }
        if (rank == 0) {
            dst[dstOff] = combine(dst[dstOff], src[srcOff], alpha, beta);
            return;
        }
        int n0 = dims[0];
        int s0 = srcStrides[0];
        int t0 = dstStrides[0];
        int[] counter = new int[rank];
        int sp = srcOff;
        int dp = dstOff;
        while (true) {
            if (beta == 0.0) {
                for (int i = 0, s = sp, t = dp; i < n0; i++, s += s0, t += t0) {
                    dst[t] = alpha * src[s];
                }
            } else if (beta == 1.0) {
                for (int i = 0, s = sp, t = dp; i < n0; i++, s += s0, t += t0) {
                    dst[t] += alpha * src[s];
                }
            } else {
                for (int i = 0, s = sp, t = dp; i < n0; i++, s += s0, t += t0) {
                    dst[t] = beta * dst[t] + alpha * src[s];
                }
            }
            int axis = 1;
            while (axis < rank) {
                counter[axis]++;
                sp += srcStrides[axis];
                dp += dstStrides[axis];
                if (counter[axis] < dims[axis]) {
                    break;
                }
                sp -= srcStrides[axis] * dims[axis];
                dp -= dstStrides[axis] * dims[axis];
                counter[axis] = 0;
                axis++;
            }
            if (axis == rank) {
                return;
            }
        }
    }

    private static double combine(double old, double x, double alpha, double beta) {
        return beta == 0.0 ? alpha * x : beta * old + alpha * x;
    }

    private static void checkSameDim(String label, Operand x, Operand y) {
        int dx = x.dim(label);
        int dy = y.dim(label);
        if (dx != dy) {
            throw new ShapeMismatchException("index " + label + " has dimension " + dx + " on " + x.tensor.describe()
                    + " but " + dy + " on " + y.tensor.describe());
        }
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
        return new BufferException("the output " + out.describe() + " shares memory with the input " + in.describe()
                + "; write the result to a separate tensor");
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

    /** An operand seen through its labels: repeated labels become one diagonal axis. */
    private static final class Operand {
        final Tensor tensor;
        /** The storage as Float64 (widened for a Float32 buffer) and the tensor's offset in it. */
        final Tensor.Widened widened;
        final double[] data;
        final int offset;
        final Map<String, int[]> axes = new LinkedHashMap<>(); // label -> {dim, stride, count}
        boolean diagonal;

        private Operand(Tensor tensor) {
            this.tensor = tensor;
            this.widened = tensor.widened();
            this.data = widened.array();
            this.offset = tensor.offsetInternal() - widened.shift();
        }

        static Operand of(Tensor t, String[] labels, String role) {
            t.checkLive();
            if (labels.length != t.rank()) {
                throw new ShapeMismatchException(role + " " + t.describe() + " has " + t.rank()
                        + (t.rank() == 1 ? " dimension" : " dimensions") + " (size " + t.shapeString() + ") but "
                        + labels.length + (labels.length == 1 ? " index" : " indices") + " ["
                        + String.join(",", labels) + "]");
            }
            Operand o = new Operand(t);
            int[] dims = t.dimsInternal();
            int[] strides = t.strides();
            for (int i = 0; i < labels.length; i++) {
                int[] axis = o.axes.get(labels[i]);
                if (axis == null) {
                    o.axes.put(labels[i], new int[] {dims[i], strides[i], 1});
                } else {
                    if (axis[2] == 2) {
                        throw new ShapeMismatchException("index " + labels[i] + " appears three times on "
                                + t.describe());
                    }
                    if (axis[0] != dims[i]) {
                        throw new ShapeMismatchException("index " + labels[i] + " is traced over dimensions "
                                + axis[0] + " and " + dims[i] + " of " + t.describe() + ", which differ");
                    }
                    axis[1] += strides[i];
                    axis[2] = 2;
                    o.diagonal = true;
                }
            }
            if (o.diagonal && !role.equals("the right-hand side") && !role.equals("the output")) {
                throw new ShapeMismatchException("a trace inside a product (repeated index on " + t.describe()
                        + ") is not supported yet; take the trace into its own tensor first");
            }
            return o;
        }

        List<String> labels() {
            return new ArrayList<>(axes.keySet());
        }

        boolean has(String l) {
            return axes.containsKey(l);
        }

        boolean repeated(String l) {
            return axes.get(l)[2] == 2;
        }

        int dim(String l) {
            return axes.get(l)[0];
        }

        int size(List<String> labels) {
            long n = 1;
            for (String l : labels) {
                n *= axes.get(l)[0];
            }
            return (int) n;
        }

        int[] dimsOf(List<String> order) {
            int[] r = new int[order.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = axes.get(order.get(i))[0];
            }
            return r;
        }

        int[] stridesOf(List<String> order) {
            int[] r = new int[order.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = axes.get(order.get(i))[1];
            }
            return r;
        }
    }
}
