package io.github.bufdsl.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tensor contractions in index notation, as TensorOperations.jl's {@code @tensor}:
 * {@code C[labels] = beta * C + alpha * A[labels] * B[labels]}, where a label on both {@code A}
 * and {@code B} is summed over and the labels of {@code C} give the output's layout.
 *
 * <p>A binary contraction is one matrix multiply on a {@link MatrixBackend} (EJML unless said
 * otherwise). An operand whose layout already lines up with the multiply (dense, its labels in
 * matrix order or in transposed order, where the backend can reach it) is used in place; the others
 * are permuted into a workspace that this contractor keeps and reuses across calls (it only grows),
 * as is the product when the output does not line up. So a contraction in a loop does not allocate
 * its data; {@link #workspaceHighWater()} reports how large the workspace got, and
 * {@link MatrixPlan#choose} says which copies a contraction makes. Not thread-safe: one per thread.
 */
public final class Contractor {
    private final MatrixBackend backend;
    /** The index rules and plans of contractions already decided, by signature. */
    private final ContractionMemo memo = new ContractionMemo();
    private double[] packedA = new double[0];
    private double[] packedB = new double[0];
    private double[] product = new double[0];
    /** For a backend that reads off the heap: one native block holding every copy of a multiply. */
    private java.nio.DoubleBuffer pool;
    private long poolElements;
    private long workspaceHighWater;

    /** A contractor on EJML. */
    public Contractor() {
        this(MatrixBackend.EJML.create());
    }

    /** A contractor on the given backend (one per thread, as the contractor). */
    public Contractor(MatrixBackend backend) {
        this.backend = backend;
    }

    /** The backend the multiplies run on. */
    public MatrixBackend backend() {
        return backend;
    }

    /**
     * Elements the workspace has held at most: the permuted copies of operands and products that
     * did not line up, plus the backend's own staging memory if it has any.
     */
    public long workspaceHighWater() {
        return workspaceHighWater + poolElements + backend.stagingHighWater();
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
        a.checkLive();
        b.checkLive();
        c.checkLive();
        // the index rules decide (every index twice, one dimension each); what follows may rely on them
        String[][] labels = {cIdx, aIdx, bIdx};
        int[][] dims = {c.dimsInternal(), a.dimsInternal(), b.dimsInternal()};
        ContractionMemo.Key rules = new ContractionMemo.Key(0, labels, dims);
        if (memo.get(rules) == null) {
            TensorRules.check(TensorRules.term(TensorRules.ref(c, cIdx),
                    List.of(TensorRules.ref(a, aIdx), TensorRules.ref(b, bIdx))));
            memo.put(rules, Boolean.TRUE);
        }
        Operand oa = Operand.of(a, aIdx, "the first factor");
        Operand ob = Operand.of(b, bIdx, "the second factor");
        Operand oc = Operand.of(c, cIdx, "the output");
        Overlap.checkNoOverlap(c, a);
        Overlap.checkNoOverlap(c, b);
        List<String> freeA = new ArrayList<>();
        List<String> freeB = new ArrayList<>();
        List<String> summed = new ArrayList<>();
        for (String l : oa.labels()) {
            if (ob.has(l)) {
                summed.add(l);
            }
        }
        for (String l : oc.labels()) {
            (oa.has(l) ? freeA : freeB).add(l);
        }
        int m = oa.size(freeA);
        int n = ob.size(freeB);
        int k = oa.size(summed);
        if ((long) m * n == 0) {
            return;
        }
        if (k == 0) {
            scale(oc.data(), oc, oc.labels(), beta);
            oc.narrow();
            return;
        }
        boolean da = direct(oa);
        boolean db = direct(ob);
        boolean dc = direct(oc);
        ContractionMemo.Key layout = new ContractionMemo.Key(1 | (da ? 2 : 0) | (db ? 4 : 0) | (dc ? 8 : 0), labels,
                dims);
        MatrixPlan plan = (MatrixPlan) memo.get(layout);
        if (plan == null) {
            Operand dimsOf = oa;
            Operand dimsOfB = ob;
            plan = MatrixPlan.choose(oa.labels(), ob.labels(), oc.labels(), da, db, dc, l -> (dimsOf.has(l) ? dimsOf : dimsOfB).dim(l));
            if (backend.transposesFreely()) {
                plan = plan.keepingRuns(oa.labels(), ob.labels());
            }
            memo.put(layout, plan);
        }
        if (plan.swap()) {
            Operand t = oa;
            oa = ob;
            ob = t;
            int s = m;
            m = n;
            n = s;
        }
        if (backend.readsNative()) {
            contractNative(plan, m, n, k, alpha, oa, ob, oc, beta);
            oc.narrow();
            return;
        }
        Mat ma;
        if (plan.aInPlace()) {
            ma = inPlace(oa);
        } else {
            packedA = ensure(packedA, (long) m * k);
            ma = packed(oa, plan.orderA(), packedA);
        }
        Mat mb;
        if (plan.bInPlace()) {
            mb = inPlace(ob);
        } else {
            packedB = ensure(packedB, (long) k * n);
            mb = packed(ob, plan.orderB(), packedB);
        }
        if (plan.cInPlace()) {
            multiply(m, n, k, alpha, ma, plan.transA(), mb, plan.transB(), beta, inPlace(oc));
        } else {
            product = ensure(product, (long) m * n);
            multiply(m, n, k, 1.0, ma, plan.transA(), mb, plan.transB(), 0.0, new Mat(product, null, 0));
            List<String> outOrder = plan.orderC();
            int[] outDims = oc.dimsOf(outOrder);
            Permutation.copy(product, null, 0, outDims, ColumnMajor.strides(outDims), oc.data(), null,
                    oc.offset(), oc.stridesOf(outOrder), alpha, beta);
        }
        workspaceHighWater = Math.max(workspaceHighWater, (long) packedA.length + packedB.length + product.length);
        oc.narrow();
    }

    /**
     * A multiply on a backend that reads off the heap: operands in off-heap buffers that line up are
     * read where they are; every other matrix is copied (permuted where the plan says) straight into
     * one native block, A, then B, then C, as large as this multiply's copies together
     * ({@link ContractionCopies} counts the same).
     */
    private void contractNative(MatrixPlan plan, int m, int n, int k, double alpha, Operand oa, Operand ob,
            Operand oc, double beta) {
        boolean aNat = plan.aInPlace() && oa.nat() != null;
        boolean bNat = plan.bInPlace() && ob.nat() != null;
        boolean cNat = plan.cInPlace() && oc.nat() != null;
        long sizeA = aNat ? 0 : (long) m * k;
        long sizeB = bNat ? 0 : (long) k * n;
        long sizeC = cNat ? 0 : (long) m * n;
        ensurePool(sizeA + sizeB + sizeC);
        int offB = (int) sizeA;
        int offC = (int) (sizeA + sizeB);
        Mat ma = aNat ? new Mat(null, oa.nat(), oa.tensor.offsetInternal())
                : packNative(oa, plan.orderA(), 0);
        Mat mb = bNat ? new Mat(null, ob.nat(), ob.tensor.offsetInternal())
                : packNative(ob, plan.orderB(), offB);
        if (cNat) {
            multiply(m, n, k, alpha, ma, plan.transA(), mb, plan.transB(), beta,
                    new Mat(null, oc.nat(), oc.tensor.offsetInternal()));
            return;
        }
        if (plan.cInPlace()) { // on the heap: through the block, the old values in first when they count
            if (beta != 0.0) {
                packNative(oc, oc.labels(), offC);
            }
            multiply(m, n, k, alpha, ma, plan.transA(), mb, plan.transB(), beta, new Mat(null, pool, offC));
            List<String> order = oc.labels();
            int[] dims = oc.dimsOf(order);
            Permutation.copy(null, pool, offC, dims, ColumnMajor.strides(dims), oc.data(), null, oc.offset(),
                    oc.stridesOf(order), 1.0, 0.0);
            return;
        }
        multiply(m, n, k, 1.0, ma, plan.transA(), mb, plan.transB(), 0.0, new Mat(null, pool, offC));
        List<String> outOrder = plan.orderC();
        int[] outDims = oc.dimsOf(outOrder);
        if (oc.nat() != null) {
            Permutation.copy(null, pool, offC, outDims, ColumnMajor.strides(outDims), null, oc.nat(),
                    oc.tensor.offsetInternal(), oc.stridesOf(outOrder), alpha, beta);
        } else {
            Permutation.copy(null, pool, offC, outDims, ColumnMajor.strides(outDims), oc.data(), null,
                    oc.offset(), oc.stridesOf(outOrder), alpha, beta);
        }
    }

    /** Copies an operand, permuted into {@code order}, densely into the native block from {@code at}. */
    private Mat packNative(Operand o, List<String> order, int at) {
        int[] dims = o.dimsOf(order);
        int[] to = ColumnMajor.strides(dims);
        if (o.nat() != null) {
            Permutation.copy(null, o.nat(), o.tensor.offsetInternal(), dims, o.stridesOf(order), null, pool, at, to,
                    1.0, 0.0);
        } else {
            Permutation.copy(o.data(), null, o.offset(), dims, o.stridesOf(order), null, pool, at, to, 1.0, 0.0);
        }
        return new Mat(null, pool, at);
    }

    /** The native block holds at least {@code n} elements (exactly n when it had to grow). */
    private void ensurePool(long n) {
        if (n <= poolElements) {
            return;
        }
        if (n > Buffer.MAX_OFF_HEAP_LENGTH) {
            throw new BufferException("a contraction needs a workspace of " + n + " elements, more than one"
                    + " direct buffer holds (" + Buffer.MAX_OFF_HEAP_LENGTH + ")");
        }
        pool = null;
        try {
            pool = java.nio.ByteBuffer.allocateDirect((int) (8 * n)).order(java.nio.ByteOrder.nativeOrder())
                    .asDoubleBuffer();
        } catch (OutOfMemoryError e) {
            poolElements = 0;
            throw new BufferException("a contraction needs a workspace of " + n + " elements (" + 8 * n
                    + " bytes): not enough direct memory in the JVM (-XX:MaxDirectMemorySize)");
        }
        poolElements = n;
    }

    /** Copies an operand, permuted into {@code order}, densely into the start of {@code into}. */
    private static void permuteInto(Operand o, List<String> order, double[] into) {
        int[] dims = o.dimsOf(order);
        int[] to = ColumnMajor.strides(dims);
        if (o.nat() != null) {
            Permutation.copy(null, o.nat(), o.tensor.offsetInternal(), dims, o.stridesOf(order), into, null, 0, to,
                    1.0, 0.0);
        } else {
            Permutation.copy(o.data(), null, o.offset(), dims, o.stridesOf(order), into, null, 0, to, 1.0, 0.0);
        }
    }

    /**
     * Whether an operand can be read or written in place as a matrix: all of an allocation (slices and
     * reshape_buf! views are copied, so that what is copied does not depend on which slice a loop
     * takes), dense, and where the backend can reach it: off the heap if it reads there, else in the
     * Float64 array it is given (the buffer's own, or a widened copy where the tensor starts at 0).
     */
    private boolean direct(Operand o) {
        Tensor t = o.tensor;
        return !o.diagonal && t.isWholeAllocation() && t.isContiguous()
                && (offHeap(o) != null || backend.anyOffset() || o.offsetBeforeCopy() == 0);
    }

    /** The off-heap storage an operand is read from in place, or null (on the heap, or the backend copies it). */
    private java.nio.DoubleBuffer offHeap(Operand o) {
        Buffer b = o.tensor.buffer();
        return b.isOffHeap() && backend.readsNative() ? b.storage.nativeData() : null;
    }

    /** A matrix as the backend gets it: in an array, or off the heap ({@code nat}), from {@code offset}. */
    private record Mat(double[] array, java.nio.DoubleBuffer nat, int offset) {
    }

    /** An operand used where it is: off the heap if the backend reads it there, else in its Float64 array. */
    private Mat inPlace(Operand o) {
        java.nio.DoubleBuffer nat = offHeap(o);
        return nat != null ? new Mat(null, nat, o.tensor.offsetInternal()) : new Mat(o.data(), null, o.offset());
    }

    /** An operand permuted into {@code order} at the start of {@code into}. */
    private static Mat packed(Operand o, List<String> order, double[] into) {
        permuteInto(o, order, into);
        return new Mat(into, null, 0);
    }

    /** The backend's multiply, through its off-heap variant when a matrix lives off the heap. */
    private void multiply(int m, int n, int k, double alpha, Mat a, boolean transA, Mat b, boolean transB, double beta,
            Mat c) {
        if (a.nat() != null || b.nat() != null || c.nat() != null) {
            backend.multiplyNative(m, n, k, alpha, a.array(), a.nat(), a.offset(), transA, b.array(), b.nat(),
                    b.offset(), transB, beta, c.array(), c.nat(), c.offset());
        } else {
            backend.multiply(m, n, k, alpha, a.array(), a.offset(), transA, b.array(), b.offset(), transB, beta,
                    c.array(), c.offset());
        }
    }

    /**
     * {@code c[cIdx] = beta * c[cIdx] + alpha * a[aIdx]}: a permutation, with a partial trace over
     * labels repeated on {@code a} (and summed over when they are not on {@code c}). Modifies only
     * {@code c}.
     *
     * @throws ShapeMismatchException if labels and dimensions do not fit; nothing is written then
     */
    public void permute(Tensor c, String[] cIdx, double alpha, Tensor a, String[] aIdx, double beta) {
        a.checkLive();
        c.checkLive();
        ContractionMemo.Key rules = new ContractionMemo.Key(16, new String[][] {cIdx, aIdx},
                new int[][] {c.dimsInternal(), a.dimsInternal()});
        if (memo.get(rules) == null) {
            TensorRules.check(TensorRules.term(TensorRules.ref(c, cIdx), List.of(TensorRules.ref(a, aIdx))));
            memo.put(rules, Boolean.TRUE);
        }
        Operand oa = Operand.of(a, aIdx, "the right-hand side");
        Operand oc = Operand.of(c, cIdx, "the output");
        Overlap.checkNoOverlap(c, a);
        List<String> traced = new ArrayList<>();
        for (String l : oa.labels()) {
            if (!oc.has(l)) {
                traced.add(l);
            }
        }
        List<String> outOrder = oc.labels();
        if (traced.isEmpty()) {
            boolean srcNat = oa.nat() != null;
            boolean dstNat = oc.nat() != null;
            Permutation.copy(srcNat ? null : oa.data(), oa.nat(), srcNat ? oa.tensor.offsetInternal() : oa.offset(),
                    oa.dimsOf(outOrder), oa.stridesOf(outOrder), dstNat ? null : oc.data(), oc.nat(),
                    dstNat ? oc.tensor.offsetInternal() : oc.offset(), oc.stridesOf(outOrder), alpha, beta);
            oc.narrow();
            return;
        }
        double[] cd = oc.data();
        scale(cd, oc, outOrder, beta);
        List<String> all = new ArrayList<>(outOrder);
        all.addAll(traced);
        int[] dims = oa.dimsOf(all);
        int[] dstStrides = Arrays.copyOf(oc.stridesOf(outOrder), all.size()); // traced axes: stride 0
        copy(oa.data(), oa.offset(), dims, oa.stridesOf(all), cd, oc.offset(), dstStrides, alpha, 1.0);
        oc.narrow();
    }

    private static void scale(double[] d, Operand o, List<String> order, double beta) {
        copy(d, o.offset(), o.dimsOf(order), o.stridesOf(order), d, o.offset(), o.stridesOf(order), 0.0, beta);
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

}
