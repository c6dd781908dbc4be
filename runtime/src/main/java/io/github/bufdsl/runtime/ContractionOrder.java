package io.github.bufdsl.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The order in which a product of several tensors is contracted, pair by pair: a binary tree over
 * the operands. Left to right (the default), as the parentheses say, by a list of indices to
 * contract first (TensorOperations' {@code order=(...)}), or the cheapest, fewest multiplications,
 * by dynamic programming over subsets of operands (fine up to about 12 operands), optionally with a
 * limit on the size of every intermediate.
 */
public final class ContractionOrder {
    private ContractionOrder() {
    }

    /** A contraction tree: an operand, or the contraction of two subtrees. */
    public sealed interface Plan {
        /** The same tree with every operand index raised by {@code by}. */
        Plan shift(int by);
    }

    /** Operand {@code index} of the product. */
    public record Leaf(int index) implements Plan {
        public Plan shift(int by) {
            return new Leaf(index + by);
        }
    }

    /** Contract the result of {@code left} with that of {@code right}. */
    public record Pair(Plan left, Plan right) implements Plan {
        public Plan shift(int by) {
            return new Pair(left.shift(by), right.shift(by));
        }
    }

    /** ((A * B) * C) * D. */
    public static Plan leftToRight(int operands) {
        Plan p = new Leaf(0);
        for (int i = 1; i < operands; i++) {
            p = new Pair(p, new Leaf(i));
        }
        return p;
    }

    /**
     * The labels a subtree's result carries: those of its operands that appear outside it (on other
     * operands or the output), each once, in order of first appearance.
     */
    public static List<String> resultLabels(Plan p, List<String[]> labels, String[] out) {
        int mask = mask(p);
        Set<String> inside = new LinkedHashSet<>();
        Set<String> outside = new LinkedHashSet<>(Arrays.asList(out));
        for (int i = 0; i < labels.size(); i++) {
            if ((mask & (1 << i)) != 0) {
                inside.addAll(Arrays.asList(labels.get(i)));
            } else {
                outside.addAll(Arrays.asList(labels.get(i)));
            }
        }
        List<String> r = new ArrayList<>();
        for (String l : inside) {
            if (outside.contains(l)) {
                r.add(l);
            }
        }
        return r;
    }

    private static int mask(Plan p) {
        return p instanceof Leaf l ? 1 << l.index() : mask(((Pair) p).left()) | mask(((Pair) p).right());
    }

    /**
     * The plan that contracts the given indices first, in order, as TensorOperations'
     * {@code order=(...)}: for each index, the two current results that carry it are contracted
     * (if they are still apart); what is left is contracted left to right.
     *
     * @throws ShapeMismatchException for an index of the order that no operand has
     */
    public static Plan byIndices(List<String[]> labels, List<String> order) {
        List<Plan> parts = new ArrayList<>();
        List<Set<String>> carried = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            parts.add(new Leaf(i));
            carried.add(new LinkedHashSet<>(Arrays.asList(labels.get(i))));
        }
        for (String l : order) {
            int a = -1;
            int b = -1;
            for (int i = 0; i < parts.size(); i++) {
                if (carried.get(i).contains(l)) {
                    if (a < 0) {
                        a = i;
                    } else if (b < 0) {
                        b = i;
                    }
                }
            }
            if (a < 0) {
                throw new ShapeMismatchException("order=(...) names the index " + l + ", which no tensor has");
            }
            if (b < 0) {
                continue; // already contracted, or a trace
            }
            parts.set(a, new Pair(parts.get(a), parts.get(b)));
            carried.get(a).addAll(carried.get(b));
            parts.remove(b);
            carried.remove(b);
        }
        Plan p = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            p = new Pair(p, parts.get(i));
        }
        return p;
    }

    /** Multiplications a plan does: for each pair, the product of the dimensions of all labels it touches. */
    public static double cost(Plan p, List<String[]> labels, Map<String, Long> dims, String[] out) {
        if (p instanceof Leaf) {
            return 0;
        }
        Pair pair = (Pair) p;
        Set<String> touched = new LinkedHashSet<>(resultLabels(pair.left(), labels, out));
        touched.addAll(resultLabels(pair.right(), labels, out));
        return cost(pair.left(), labels, dims, out) + cost(pair.right(), labels, dims, out) + product(touched, dims);
    }

    private static double product(Iterable<String> ls, Map<String, Long> dims) {
        double n = 1;
        for (String l : ls) {
            n *= dims.get(l);
        }
        return n;
    }

    /**
     * The plan with the fewest multiplications, by dynamic programming over subsets of operands;
     * intermediates larger than {@code maxIntermediate} elements are avoided (use Long.MAX_VALUE for
     * no limit). Falls back to left to right when no plan keeps to the limit.
     *
     * @throws IllegalArgumentException for more than 16 operands
     */
    public static Plan optimal(List<String[]> labels, Map<String, Long> dims, String[] out, long maxIntermediate) {
        return optimal(labels, l -> (double) dims.get(l), out,
                maxIntermediate == Long.MAX_VALUE ? null : (double) maxIntermediate, Sizes.APPROXIMATE);
    }

    /**
     * As {@link #optimal(List, Map, String[], long)}, with sizes of any {@link Sizes} domain (each
     * comparison of costs, and of an intermediate with the limit, asked of {@code sizes});
     * {@code maxIntermediate} null for no limit.
     */
    public static <S> Plan optimal(List<String[]> labels, java.util.function.Function<String, S> dims, String[] out,
            S maxIntermediate, Sizes<S> sizes) {
        int n = labels.size();
        if (n > 16) {
            throw new IllegalArgumentException("@tensoropt searches up to 16 tensors, not " + n);
        }
        int full = (1 << n) - 1;
        List<S> best = new ArrayList<>(java.util.Collections.nCopies(full + 1, (S) null)); // null: no plan yet
        Plan[] plan = new Plan[full + 1];
        for (int i = 0; i < n; i++) {
            best.set(1 << i, sizes.of(0));
            plan[1 << i] = new Leaf(i);
        }
        for (int s = 1; s <= full; s++) {
            if (Integer.bitCount(s) < 2) {
                continue;
            }
            if (s != full && maxIntermediate != null
                    && sizes.less(maxIntermediate, product(labelsOf(s, labels, out), dims, sizes))) {
                continue;
            }
            // every split of s into two non-empty parts, each once
            for (int a = (s - 1) & s; a > 0; a = (a - 1) & s) {
                int b = s ^ a;
                if (a < b || plan[a] == null || plan[b] == null) {
                    continue;
                }
                Set<String> touched = new LinkedHashSet<>(labelsOf(a, labels, out));
                touched.addAll(labelsOf(b, labels, out));
                S c = sizes.plus(sizes.plus(best.get(a), best.get(b)), product(touched, dims, sizes));
                if (best.get(s) == null || sizes.less(c, best.get(s))) {
                    best.set(s, c);
                    plan[s] = new Pair(plan[a], plan[b]);
                }
            }
        }
        return plan[full] != null ? plan[full] : leftToRight(n);
    }

    private static <S> S product(Iterable<String> ls, java.util.function.Function<String, S> dims, Sizes<S> sizes) {
        S p = sizes.of(1);
        for (String l : ls) {
            p = sizes.times(p, dims.apply(l));
        }
        return p;
    }

    private static List<String> labelsOf(int mask, List<String[]> labels, String[] out) {
        Plan p = null;
        for (int i = 0; i < labels.size(); i++) {
            if ((mask & (1 << i)) != 0) {
                p = p == null ? new Leaf(i) : new Pair(p, new Leaf(i));
            }
        }
        return resultLabels(p, labels, out);
    }
}
