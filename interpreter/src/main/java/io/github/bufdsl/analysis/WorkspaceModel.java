package io.github.bufdsl.analysis;

import io.github.bufdsl.runtime.ContractionOrder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The workspace that {@code @tensor} statements take on one path, counted as the runtime takes it:
 * the contraction engine's permuted copies (three arrays that only grow: A as m x k, B as k x n,
 * the product m x n), and per statement the scratch buffer of traced copies and intermediates of
 * products of three or more tensors. Unknown once a statement's dimensions are not all numbers.
 */
final class WorkspaceModel {
    private long packedA;
    private long packedB;
    private long product = 1;
    private long engine;
    private long scratchHighWater;
    private boolean unknown;
    private boolean any;

    void markUnknown() {
        unknown = true;
        any = true;
    }

    /** Elements at most, or null when unknown; 0 without any {@code @tensor}. */
    Long total() {
        return unknown ? null : engine + scratchHighWater;
    }

    boolean used() {
        return any;
    }

    /** One statement whose every index has a known dimension. */
    void statement(SizeStmt.TensorOp op, Map<String, Long> dims, long maxIntermediate) {
        any = true;
        long scratch = 0;
        for (SizeStmt.Factor ref : op.order().refs()) {
            List<String> kept = traced(ref.labels());
            if (kept.size() != ref.labels().size()) {
                scratch += product(kept, dims);
            }
        }
        String[] out = op.outLabels().toArray(new String[0]);
        for (int t = 0; t < op.terms().size(); t++) {
            List<SizeStmt.Factor> term = op.terms().get(t);
            if (term.size() < 2) {
                continue;
            }
            List<String[]> labels = new ArrayList<>();
            for (SizeStmt.Factor f : term) {
                labels.add(traced(f.labels()).toArray(new String[0]));
            }
            ContractionOrder.Plan plan = op.order().plans().get(t);
            if (term.size() >= 3 && !op.order().indices().isEmpty()) {
                plan = ContractionOrder.byIndices(labels, op.order().indices());
            } else if (term.size() >= 3 && op.order().optimize()) {
                plan = ContractionOrder.optimal(labels, dims, out, maxIntermediate);
            }
            ContractionOrder.Pair root = (ContractionOrder.Pair) plan;
            List<String> left = evaluate(root.left(), labels, out, dims);
            scratch += pending;
            pending = 0;
            List<String> right = evaluate(root.right(), labels, out, dims);
            scratch += pending;
            pending = 0;
            contract(left, right, dims);
        }
        scratchHighWater = Math.max(scratchHighWater, scratch);
    }

    /** Intermediates allocated by the last {@link #evaluate}. */
    private long pending;

    private List<String> evaluate(ContractionOrder.Plan p, List<String[]> labels, String[] out, Map<String, Long> dims) {
        if (p instanceof ContractionOrder.Leaf l) {
            return List.of(labels.get(l.index()));
        }
        ContractionOrder.Pair pair = (ContractionOrder.Pair) p;
        List<String> a = evaluate(pair.left(), labels, out, dims);
        List<String> b = evaluate(pair.right(), labels, out, dims);
        List<String> result = ContractionOrder.resultLabels(p, labels, out);
        pending += product(result, dims);
        contract(a, b, dims);
        return result;
    }

    /** One binary contraction in the engine: its packed copies grow to m*k, k*n and m*n. */
    private void contract(List<String> a, List<String> b, Map<String, Long> dims) {
        Set<String> onlyA = new LinkedHashSet<>(a);
        onlyA.removeAll(b);
        Set<String> onlyB = new LinkedHashSet<>(b);
        onlyB.removeAll(a);
        Set<String> both = new LinkedHashSet<>(a);
        both.retainAll(b);
        long m = product(onlyA, dims);
        long n = product(onlyB, dims);
        long k = product(both, dims);
        if (m * n == 0 || k == 0) {
            return;
        }
        packedA = Math.max(packedA, m * k);
        packedB = Math.max(packedB, k * n);
        product = Math.max(product, m * n);
        engine = Math.max(engine, packedA + packedB + product);
    }

    /** The labels of a factor once a repeated label is traced away. */
    private static List<String> traced(List<String> labels) {
        List<String> unique = new ArrayList<>();
        List<String> repeated = new ArrayList<>();
        for (String l : labels) {
            if (unique.contains(l)) {
                repeated.add(l);
            } else {
                unique.add(l);
            }
        }
        unique.removeAll(repeated);
        return unique;
    }

    private static long product(Iterable<String> labels, Map<String, Long> dims) {
        long p = 1;
        for (String l : labels) {
            p *= dims.get(l);
        }
        return p;
    }
}
