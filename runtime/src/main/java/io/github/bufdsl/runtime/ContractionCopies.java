package io.github.bufdsl.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * The workspace binary contractions take, counted as a contractor takes it, in sizes of any
 * {@link Sizes} domain. On a backend that reads off the heap, every matrix that is not an off-heap
 * operand used in place is copied into one native block as large as the multiply's copies
 * together, and the block keeps the largest size any multiply needed; on another backend, permuted
 * operands and products have an array each, each as large as the largest that role needed, and a
 * backend that stages copies all three matrices again. A multiply where {@code m * n} or {@code k}
 * is 0 takes nothing ({@link #multiplies}).
 */
public final class ContractionCopies<S> {
    private final boolean readsNative;
    private final boolean stages;
    private final Sizes<S> sizes;
    /** packed A, packed B, product, native block, staged A, B and C. */
    private final List<S> most;

    /** For a backend of these traits ({@link MatrixBackend.Factory#readsNative()}, {@code stages()}). */
    public ContractionCopies(boolean readsNative, boolean stages, Sizes<S> sizes) {
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
