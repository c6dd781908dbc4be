package io.github.bufdsl.analysis;

import io.github.bufdsl.runtime.ContractionOrder;
import io.github.bufdsl.runtime.Contractor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The workspace that {@code @tensor} statements take on one path, counted as the runtime takes it:
 * the contraction engine's copies of operands and products that do not line up with the multiply
 * ({@link Contractor#plan} decides, as it does at run time, and {@link Contractor.Workspace} counts
 * them as the engine keeps them), and per statement the scratch buffer of traced
 * copies and intermediates of products of three or more tensors. Unknown once a statement's
 * dimensions, or where its tensors start, are not all numbers.
 */
final class WorkspaceModel {
    private final boolean anyOffset;
    private final boolean readsNative;
    /** The engine's own count of its copies and staging ({@link Contractor.Workspace}). */
    private final Contractor.Workspace engine;
    private long scratchHighWater;
    private boolean unknown;
    private boolean any;
    /** Elements the statement being counted has taken from the scratch buffer so far. */
    private long scratch;

    WorkspaceModel(boolean anyOffset, boolean stages, boolean readsNative) {
        this.anyOffset = anyOffset;
        this.readsNative = readsNative;
        this.engine = new Contractor.Workspace(readsNative, stages);
    }

    void markUnknown() {
        unknown = true;
        any = true;
    }

    /** Elements at most, or null when unknown; 0 without any {@code @tensor}. */
    Long total() {
        return unknown ? null : engine.total() + scratchHighWater;
    }

    boolean used() {
        return any;
    }

    /**
     * An operand or result of a binary contraction: its labels in storage order, whether it is used
     * in place, and whether it lives off the heap (null: not known).
     */
    private record Operand(List<String> labels, Boolean direct, Boolean offHeap) {
    }

    /**
     * One statement whose every index has a known dimension; {@code direct} says, per indexed tensor
     * as written, whether it can be used in place, {@code outDirect} the same of the output (null:
     * not known, which makes the workspace unknown if a contraction needs it).
     */
    void statement(SizeStmt.TensorOp op, Map<String, Long> dims, long maxIntermediate, Boolean[] direct,
            Boolean[] offHeap, Boolean outDirect, Boolean outOffHeap) {
        any = true;
        scratch = 0;
        List<SizeStmt.Factor> refs = op.order().refs();
        Operand[] operands = new Operand[refs.size()];
        for (int i = 0; i < refs.size(); i++) {
            List<String> labels = refs.get(i).labels();
            List<String> kept = traced(labels);
            if (kept.size() != labels.size()) { // traced into the scratch buffer first, densely
                operands[i] = new Operand(kept, inScratch(product(kept, dims)), readsNative);
            } else {
                operands[i] = new Operand(labels, direct[i], offHeap[i]);
            }
        }
        List<String> out = op.outLabels();
        for (int t = 0; t < op.terms().size(); t++) {
            List<SizeStmt.Factor> term = op.terms().get(t);
            if (term.size() < 2) {
                continue;
            }
            List<String[]> labels = new ArrayList<>();
            List<Operand> factors = new ArrayList<>();
            for (SizeStmt.Factor f : term) {
                factors.add(operands[f.ref()]);
                labels.add(operands[f.ref()].labels().toArray(new String[0]));
            }
            String[] outArray = out.toArray(new String[0]);
            ContractionOrder.Plan plan = op.order().plans().get(t);
            if (term.size() >= 3 && !op.order().indices().isEmpty()) {
                plan = ContractionOrder.byIndices(labels, op.order().indices());
            } else if (term.size() >= 3 && op.order().optimize()) {
                plan = ContractionOrder.optimal(labels, dims, outArray, maxIntermediate);
            }
            ContractionOrder.Pair root = (ContractionOrder.Pair) plan;
            Operand left = evaluate(root.left(), factors, labels, outArray, dims);
            Operand right = evaluate(root.right(), factors, labels, outArray, dims);
            contract(left, right, new Operand(out, outDirect, outOffHeap), dims);
        }
        scratchHighWater = Math.max(scratchHighWater, scratch);
    }

    /** Takes n elements from the scratch buffer; whether what starts there can be used in place. */
    private boolean inScratch(long n) {
        boolean direct = anyOffset || scratch == 0;
        scratch += n;
        return direct;
    }

    private Operand evaluate(ContractionOrder.Plan p, List<Operand> factors, List<String[]> labels, String[] out,
            Map<String, Long> dims) {
        if (p instanceof ContractionOrder.Leaf l) {
            return factors.get(l.index());
        }
        ContractionOrder.Pair pair = (ContractionOrder.Pair) p;
        Operand a = evaluate(pair.left(), factors, labels, out, dims);
        Operand b = evaluate(pair.right(), factors, labels, out, dims);
        List<String> result = ContractionOrder.resultLabels(p, labels, out);
        Operand tmp = new Operand(result, inScratch(product(result, dims)), readsNative);
        contract(a, b, tmp, dims);
        return tmp;
    }

    /** One binary contraction in the engine: the copies {@link Contractor#plan} asks for, and the staging. */
    private void contract(Operand a, Operand b, Operand c, Map<String, Long> dims) {
        if (a.direct() == null || b.direct() == null || c.direct() == null
                || readsNative && (unknownStorage(a) || unknownStorage(b) || unknownStorage(c))) {
            markUnknown();
            return;
        }
        Contractor.MatrixPlan plan = Contractor.plan(a.labels(), b.labels(), c.labels(), a.direct(), b.direct(),
                c.direct(), dims::get);
        engine.add(plan, product(plan.freeA(), dims), product(plan.freeB(), dims), product(plan.summed(), dims),
                Boolean.TRUE.equals(a.offHeap()), Boolean.TRUE.equals(b.offHeap()), Boolean.TRUE.equals(c.offHeap()));
    }

    /** Whether an operand may be used in place but where it lives is not known (its storage decides the staging). */
    private static boolean unknownStorage(Operand o) {
        return o.direct() && o.offHeap() == null;
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
