package io.github.bufdsl.runtime;

import java.util.ArrayList;
import java.util.List;

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

    /**
     * The layout of a binary contraction of tensors with labels {@code a} and {@code b} (distinct
     * labels each, in storage order) into {@code c}; a {@code direct} operand is dense and where the
     * backend can reach it. Orders are taken from A where it lines up, else from B or C, so that as
     * many of the three as possible are used in place: {@code C[i,k] = A[i,j] * B[j,k]} copies
     * nothing, {@code C[i,k] = A[j,i] * B[j,k]} reads A transposed. The analyzer sizes the workspace
     * with this same plan.
     */
    public static MatrixPlan choose(List<String> a, List<String> b, List<String> c, boolean directA, boolean directB,
            boolean directC) {
        List<String> freeA = minus(a, b);
        List<String> freeB = minus(b, a);
        if (directC && blocks(c, freeB, freeA) && !blocks(c, freeA, freeB)) {
            MatrixPlan p = choose(b, a, c, directB, directA, true);
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
     * As {@link #choose(List, List, List, boolean, boolean, boolean)}, choosing among the layouts the
     * one that copies the fewest elements: each order (summed labels as A or B has them, free labels
     * as their factor or the output has them), with A and B in either role, costs the elements of
     * every matrix that must be copied (an operand that does not line up is permuted into the
     * workspace; an output that does not line up is written there and permuted into place). So the
     * smaller operand is the one permuted, and the output takes the permuted layout when that copies
     * less. Ties keep the plan of the six-argument form. {@code dim} gives each label's dimension.
     */
    public static MatrixPlan choose(List<String> a, List<String> b, List<String> c, boolean directA, boolean directB,
            boolean directC, java.util.function.ToLongFunction<String> dim) {
        return choose(a, b, c, directA, directB, directC, l -> dim.applyAsLong(l), Sizes.EXACT);
    }

    /**
     * As {@link #choose(List, List, List, boolean, boolean, boolean, java.util.function.ToLongFunction)},
     * with sizes of any {@link Sizes} domain: the same layouts compared by the same rule, each
     * comparison of costs asked of {@code sizes}.
     */
    public static <S> MatrixPlan choose(List<String> a, List<String> b, List<String> c, boolean directA,
            boolean directB, boolean directC, java.util.function.Function<String, S> dim, Sizes<S> sizes) {
        MatrixPlan best = choose(a, b, c, directA, directB, directC);
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
}
