package io.github.bufdsl.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * {@link #plan} says which copies a contraction makes. Not thread-safe: one per thread.
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
        checkNoOverlap(c, a);
        checkNoOverlap(c, b);
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
            plan = plan(oa.labels(), ob.labels(), oc.labels(), da, db, dc, l -> (dimsOf.has(l) ? dimsOf : dimsOfB).dim(l));
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
            Permutation.copy(product, null, 0, outDims, Tensor.columnMajorStrides(outDims), oc.data(), null,
                    oc.offset(), oc.stridesOf(outOrder), alpha, beta);
        }
        workspaceHighWater = Math.max(workspaceHighWater, (long) packedA.length + packedB.length + product.length);
        oc.narrow();
    }

    /**
     * A multiply on a backend that reads off the heap: operands in off-heap buffers that line up are
     * read where they are; every other matrix is copied (permuted where the plan says) straight into
     * one native block, A, then B, then C, as large as this multiply's copies together
     * ({@link Workspace} counts the same).
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
            Permutation.copy(null, pool, offC, dims, Tensor.columnMajorStrides(dims), oc.data(), null, oc.offset(),
                    oc.stridesOf(order), 1.0, 0.0);
            return;
        }
        multiply(m, n, k, 1.0, ma, plan.transA(), mb, plan.transB(), 0.0, new Mat(null, pool, offC));
        List<String> outOrder = plan.orderC();
        int[] outDims = oc.dimsOf(outOrder);
        if (oc.nat() != null) {
            Permutation.copy(null, pool, offC, outDims, Tensor.columnMajorStrides(outDims), null, oc.nat(),
                    oc.tensor.offsetInternal(), oc.stridesOf(outOrder), alpha, beta);
        } else {
            Permutation.copy(null, pool, offC, outDims, Tensor.columnMajorStrides(outDims), oc.data(), null,
                    oc.offset(), oc.stridesOf(outOrder), alpha, beta);
        }
    }

    /** Copies an operand, permuted into {@code order}, densely into the native block from {@code at}. */
    private Mat packNative(Operand o, List<String> order, int at) {
        int[] dims = o.dimsOf(order);
        int[] to = Tensor.columnMajorStrides(dims);
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

    /**
     * The workspace binary contractions take, counted exactly as a contractor takes it, for one that
     * has not run them (the analyzer sizes scripts with it), in numbers: {@link Copies} over
     * {@link Sizes#EXACT}.
     */
    public static final class Workspace {
        private final Copies<Long> copies;

        /** For a backend of these traits ({@link MatrixBackend.Factory#readsNative()}, {@code stages()}). */
        public Workspace(boolean readsNative, boolean stages) {
            this.copies = new Copies<>(readsNative, stages, Sizes.EXACT);
        }

        /** As {@link Copies#add}. */
        public void add(MatrixPlan plan, long m, long n, long k, boolean aOffHeap, boolean bOffHeap,
                boolean cOffHeap) {
            copies.add(plan, m, n, k, aOffHeap, bOffHeap, cOffHeap);
        }

        /** Elements in all, as {@link Contractor#workspaceHighWater()} reports them. */
        public long total() {
            return copies.total();
        }
    }

    /**
     * The workspace binary contractions take, counted as a contractor takes it, in sizes of any
     * {@link Sizes} domain. On a backend that reads off the heap, every matrix that is not an off-heap
     * operand used in place is copied into one native block as large as the multiply's copies
     * together, and the block keeps the largest size any multiply needed; on another backend, permuted
     * operands and products have an array each, each as large as the largest that role needed, and a
     * backend that stages copies all three matrices again. A multiply where {@code m * n} or {@code k}
     * is 0 takes nothing ({@link #multiplies}).
     */
    public static final class Copies<S> {
        private final boolean readsNative;
        private final boolean stages;
        private final Sizes<S> sizes;
        /** packed A, packed B, product, native block, staged A, B and C. */
        private final List<S> most;

        /** For a backend of these traits ({@link MatrixBackend.Factory#readsNative()}, {@code stages()}). */
        public Copies(boolean readsNative, boolean stages, Sizes<S> sizes) {
            this.readsNative = readsNative;
            this.stages = stages;
            this.sizes = sizes;
            this.most = new ArrayList<>(java.util.Collections.nCopies(7, sizes.of(0)));
        }

        /** Whether a multiply of these dimensions runs (the contractor returns before one that does not). */
        public boolean multiplies(S m, S n, S k) {
            return !sizes.isZero(sizes.times(m, n)) && !sizes.isZero(k);
        }

        /**
         * One multiply of the plan: {@code m}, {@code n}, {@code k} as the plan lays it out (after its
         * swap), and whether each tensor as given (A, B before the swap, and C) lives off the heap.
         */
        public void add(MatrixPlan plan, S m, S n, S k, boolean aOffHeap, boolean bOffHeap, boolean cOffHeap) {
            if (!multiplies(m, n, k)) {
                return;
            }
            S mk = sizes.times(m, k);
            S kn = sizes.times(k, n);
            S mn = sizes.times(m, n);
            boolean firstOff = plan.swap() ? bOffHeap : aOffHeap;
            boolean secondOff = plan.swap() ? aOffHeap : bOffHeap;
            if (readsNative) {
                S block = sizes.of(0);
                if (!(plan.aInPlace() && firstOff)) {
                    block = sizes.plus(block, mk);
                }
                if (!(plan.bInPlace() && secondOff)) {
                    block = sizes.plus(block, kn);
                }
                if (!(plan.cInPlace() && cOffHeap)) {
                    block = sizes.plus(block, mn);
                }
                raise(3, block);
                return;
            }
            if (!plan.aInPlace()) {
                raise(0, mk);
            }
            if (!plan.bInPlace()) {
                raise(1, kn);
            }
            if (!plan.cInPlace()) {
                raise(2, mn);
            }
            if (stages) {
                raise(4, mk);
                raise(5, kn);
                raise(6, mn);
            }
        }

        private void raise(int role, S size) {
            most.set(role, sizes.max(most.get(role), size));
        }

        /** Each array's largest size so far, in a fixed order (to save and restore a count). */
        public List<S> state() {
            return List.copyOf(most);
        }

        /** Sets the arrays' sizes from {@link #state()}. */
        public void restore(List<S> state) {
            for (int i = 0; i < most.size(); i++) {
                most.set(i, state.get(i));
            }
        }

        /** Elements in all, as {@link Contractor#workspaceHighWater()} reports them. */
        public S total() {
            S t = most.get(0);
            for (int i = 1; i < most.size(); i++) {
                t = sizes.plus(t, most.get(i));
            }
            return t;
        }
    }

    /** Copies an operand, permuted into {@code order}, densely into the start of {@code into}. */
    private static void permuteInto(Operand o, List<String> order, double[] into) {
        int[] dims = o.dimsOf(order);
        int[] to = Tensor.columnMajorStrides(dims);
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
        return b.isOffHeap() && backend.readsNative() ? b.nativeData() : null;
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
     * How a binary contraction is laid out as {@code C(m x n) = op(A)(m x k) * op(B)(k x n)}, column-major:
     * whether A and B trade places (so that C's layout is A's free labels, then B's), the order of
     * A's free labels, B's free labels and the summed labels, and which of the three matrices are used
     * in place (transposed where said) instead of being copied into the workspace.
     */
    public record MatrixPlan(boolean swap, List<String> freeA, List<String> freeB, List<String> summed,
            boolean aInPlace, boolean transA, boolean bInPlace, boolean transB, boolean cInPlace) {

        /** A's labels as the multiply reads A: free then summed, or summed then free when transposed. */
        public List<String> orderA() {
            return transA ? concat(summed, freeA) : concat(freeA, summed);
        }

        /** B's labels as the multiply reads B: summed then free, or free then summed when transposed. */
        public List<String> orderB() {
            return transB ? concat(freeB, summed) : concat(summed, freeB);
        }

        /** The product's labels as the multiply writes it: A's free labels, then B's. */
        public List<String> orderC() {
            return concat(freeA, freeB);
        }

        /**
         * This plan with each copied operand packed transposed where that keeps more of its storage
         * order at the front ({@code first} and {@code second}: the labels of the factors as the
         * contraction was given them, before the plan's swap): the copy then moves runs that are
         * contiguous on both sides (as {@code T[a,i,b,j]} packed as {@code [a,b,i,j]} moves runs along
         * {@code a}) instead of transposing tile by tile. For a backend whose transposed multiplies
         * cost what plain ones do; the sizes copied are the same.
         */
        public MatrixPlan keepingRuns(List<String> first, List<String> second) {
            List<String> a = swap ? second : first;
            List<String> b = swap ? first : second;
            boolean ta = aInPlace ? transA
                    : commonPrefix(a, concat(summed, freeA)) > commonPrefix(a, concat(freeA, summed));
            boolean tb = bInPlace ? transB
                    : commonPrefix(b, concat(freeB, summed)) > commonPrefix(b, concat(summed, freeB));
            return new MatrixPlan(swap, freeA, freeB, summed, aInPlace, ta, bInPlace, tb, cInPlace);
        }

        private static int commonPrefix(List<String> x, List<String> y) {
            int i = 0;
            while (i < x.size() && i < y.size() && x.get(i).equals(y.get(i))) {
                i++;
            }
            return i;
        }
    }

    /**
     * The layout of a binary contraction of tensors with labels {@code a} and {@code b} (distinct
     * labels each, in storage order) into {@code c}; a {@code direct} operand is dense and where the
     * backend can reach it. Orders are taken from A where it lines up, else from B or C, so that as
     * many of the three as possible are used in place: {@code C[i,k] = A[i,j] * B[j,k]} copies
     * nothing, {@code C[i,k] = A[j,i] * B[j,k]} reads A transposed. The analyzer sizes the workspace
     * with this same plan.
     */
    public static MatrixPlan plan(List<String> a, List<String> b, List<String> c, boolean directA, boolean directB,
            boolean directC) {
        List<String> freeA = minus(a, b);
        List<String> freeB = minus(b, a);
        if (directC && blocks(c, freeB, freeA) && !blocks(c, freeA, freeB)) {
            MatrixPlan p = plan(b, a, c, directB, directA, true);
            return new MatrixPlan(true, p.freeA, p.freeB, p.summed, p.aInPlace, p.transA, p.bInPlace, p.transB,
                    p.cInPlace);
        }
        List<String> summed = minus(a, freeA);
        boolean blocksA = directA && (blocks(a, freeA, summed) || blocks(a, summed, freeA));
        boolean blocksB = directB && (blocks(b, summed, freeB) || blocks(b, freeB, summed));
        List<String> summedOrder = blocksA ? ordered(a, summed) : blocksB ? ordered(b, summed) : summed;
        List<String> freeAOrder = blocksA ? ordered(a, freeA) : ordered(c, freeA);
        List<String> freeBOrder = blocksB ? ordered(b, freeB) : ordered(c, freeB);
        return layout(false, a, b, c, directA, directB, directC, freeAOrder, freeBOrder, summedOrder);
    }

    /**
     * As {@link #plan(List, List, List, boolean, boolean, boolean)}, choosing among the layouts the
     * one that copies the fewest elements: each order (summed labels as A or B has them, free labels
     * as their factor or the output has them), with A and B in either role, costs the elements of
     * every matrix that must be copied (an operand that does not line up is permuted into the
     * workspace; an output that does not line up is written there and permuted into place). So the
     * smaller operand is the one permuted, and the output takes the permuted layout when that copies
     * less. Ties keep the plan of the six-argument form. {@code dim} gives each label's dimension.
     */
    public static MatrixPlan plan(List<String> a, List<String> b, List<String> c, boolean directA, boolean directB,
            boolean directC, java.util.function.ToLongFunction<String> dim) {
        return plan(a, b, c, directA, directB, directC, l -> dim.applyAsLong(l), Sizes.EXACT);
    }

    /**
     * As {@link #plan(List, List, List, boolean, boolean, boolean, java.util.function.ToLongFunction)},
     * with sizes of any {@link Sizes} domain: the same layouts compared by the same rule, each
     * comparison of costs asked of {@code sizes}.
     */
    public static <S> MatrixPlan plan(List<String> a, List<String> b, List<String> c, boolean directA,
            boolean directB, boolean directC, java.util.function.Function<String, S> dim, Sizes<S> sizes) {
        MatrixPlan best = plan(a, b, c, directA, directB, directC);
        if (copiesNothing(best)) {
            return best; // no layout copies less
        }
        S sizeA = size(a, dim, sizes);
        S sizeB = size(b, dim, sizes);
        S sizeC = size(c, dim, sizes);
        S bestCost = cost(best, sizeA, sizeB, sizeC, sizes);
        for (int swap = 0; swap < 2 && !copiesNothing(best); swap++) {
            List<String> x = swap == 0 ? a : b;
            List<String> y = swap == 0 ? b : a;
            boolean dx = swap == 0 ? directA : directB;
            boolean dy = swap == 0 ? directB : directA;
            List<String> freeX = minus(x, y);
            List<String> freeY = minus(y, x);
            List<String> summed = minus(x, freeX);
            for (List<String> so : distinct(ordered(x, summed), ordered(y, summed))) {
                for (List<String> fx : distinct(ordered(x, freeX), ordered(c, freeX))) {
                    for (List<String> fy : distinct(ordered(y, freeY), ordered(c, freeY))) {
                        MatrixPlan p = layout(swap == 1, x, y, c, dx, dy, directC, fx, fy, so);
                        S cost = cost(p, sizeA, sizeB, sizeC, sizes);
                        if (sizes.less(cost, bestCost)) {
                            best = p;
                            bestCost = cost;
                        }
                    }
                }
            }
        }
        return best;
    }

    /** The plan of given orders: which of the three matrices line up as they are (or transposed). */
    private static MatrixPlan layout(boolean swap, List<String> a, List<String> b, List<String> c, boolean directA,
            boolean directB, boolean directC, List<String> freeAOrder, List<String> freeBOrder,
            List<String> summedOrder) {
        boolean aPlain = directA && a.equals(concat(freeAOrder, summedOrder));
        boolean aTrans = !aPlain && directA && a.equals(concat(summedOrder, freeAOrder));
        boolean bPlain = directB && b.equals(concat(summedOrder, freeBOrder));
        boolean bTrans = !bPlain && directB && b.equals(concat(freeBOrder, summedOrder));
        boolean cInPlace = directC && c.equals(concat(freeAOrder, freeBOrder));
        return new MatrixPlan(swap, freeAOrder, freeBOrder, summedOrder, aPlain || aTrans, aTrans, bPlain || bTrans,
                bTrans, cInPlace);
    }

    private static boolean copiesNothing(MatrixPlan p) {
        return p.aInPlace() && p.bInPlace() && p.cInPlace();
    }

    /** Elements a plan copies: each matrix that is not used in place. */
    private static <S> S cost(MatrixPlan p, S sizeA, S sizeB, S sizeC, Sizes<S> sizes) {
        S first = p.swap() ? sizeB : sizeA;
        S second = p.swap() ? sizeA : sizeB;
        S total = sizes.of(0);
        if (!p.aInPlace()) {
            total = first;
        }
        if (!p.bInPlace()) {
            total = p.aInPlace() ? second : sizes.plus(total, second);
        }
        if (!p.cInPlace()) {
            total = p.aInPlace() && p.bInPlace() ? sizeC : sizes.plus(total, sizeC);
        }
        return total;
    }

    private static <S> S size(List<String> labels, java.util.function.Function<String, S> dim, Sizes<S> sizes) {
        if (labels.isEmpty()) {
            return sizes.of(1);
        }
        S n = dim.apply(labels.get(0));
        for (int i = 1; i < labels.size(); i++) {
            n = sizes.times(n, dim.apply(labels.get(i)));
        }
        return n;
    }

    private static List<List<String>> distinct(List<String> x, List<String> y) {
        return x.equals(y) ? List.of(x) : List.of(x, y);
    }

    /** Whether {@code x} is the labels of {@code first}, then those of {@code second} (each in any order). */
    private static boolean blocks(List<String> x, List<String> first, List<String> second) {
        if (x.size() != first.size() + second.size()) {
            return false;
        }
        for (int i = 0; i < x.size(); i++) {
            if (!(i < first.size() ? first : second).contains(x.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static List<String> minus(List<String> x, List<String> y) {
        List<String> r = new ArrayList<>(x);
        r.removeAll(y);
        return r;
    }

    /** The labels of {@code subset} in the order they have in {@code order}. */
    private static List<String> ordered(List<String> order, List<String> subset) {
        List<String> r = new ArrayList<>();
        for (String l : order) {
            if (subset.contains(l)) {
                r.add(l);
            }
        }
        return r;
    }

    private static List<String> concat(List<String> x, List<String> y) {
        List<String> r = new ArrayList<>(x);
        r.addAll(y);
        return r;
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
        checkNoOverlap(c, a);
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

    /** An operand seen through its labels: repeated labels become one diagonal axis. */
    private static final class Operand {
        final Tensor tensor;
        /** The storage as Float64 (a widened copy for Float32 and off-heap buffers), made when first needed. */
        private Tensor.Widened widened;
        final Map<String, int[]> axes = new LinkedHashMap<>(); // label -> {dim, stride, count}
        boolean diagonal;

        private Operand(Tensor tensor) {
            this.tensor = tensor;

        }

        static Operand of(Tensor t, String[] labels, String role) {
            // the caller has checked the index rules (TensorRules): one label per dimension, a repeated
            // label at most twice and over equal dimensions
            Operand o = new Operand(t);
            int[] dims = t.dimsInternal();
            int[] strides = t.strides();
            for (int i = 0; i < labels.length; i++) {
                int[] axis = o.axes.get(labels[i]);
                if (axis == null) {
                    o.axes.put(labels[i], new int[] {dims[i], strides[i], 1});
                } else {
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

        private Tensor.Widened widened() {
            if (widened == null) {
                widened = tensor.widened();
            }
            return widened;
        }

        /** The storage as a Float64 array. */
        double[] data() {
            return widened().array();
        }

        /** Where the tensor starts in {@link #data()}. */
        int offset() {
            return tensor.offsetInternal() - widened().shift();
        }

        /** Where the tensor starts in the array {@link #data()} gives, without making a widened copy. */
        int offsetBeforeCopy() {
            Buffer b = tensor.buffer();
            return b.elementType() == ElementType.FLOAT64 && !b.isOffHeap() ? tensor.offsetInternal() : 0;
        }

        /** The off-heap storage of a tensor in an off-heap buffer, read in place; null on the heap. */
        java.nio.DoubleBuffer nat() {
            return tensor.buffer().isOffHeap() ? tensor.buffer().nativeData() : null;
        }

        /** Writes a widened copy back, if one was made. */
        void narrow() {
            if (widened != null) {
                tensor.narrow(widened);
            }
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
