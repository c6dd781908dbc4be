package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.LoopPieces.Piece;
import io.github.bufdsl.runtime.ContractionOrder;
import io.github.bufdsl.runtime.ContractionCopies;
import io.github.bufdsl.runtime.MatrixPlan;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The workspace that {@code @tensor} statements take on one path, counted as the runtime takes it:
 * the contraction engine's copies of operands and products that do not line up with the multiply
 * ({@link MatrixPlan#choose} decides, as it does at run time, and {@link ContractionCopies} counts
 * them as the engine keeps them), and per statement the scratch buffer of traced copies and
 * intermediates of products of three or more tensors ({@link ContractionOrder} orders them). Sizes
 * are formulas ({@link SymbolicSizes}): the runtime's planning runs on them, and a comparison it
 * asks that depends on free variables forks the path. Unknown once a statement's tensors are not
 * followed (values known only when running) or a comparison cannot be followed.
 */
final class WorkspaceModel {
    private final boolean anyOffset;
    private final boolean readsNative;
    private final SymbolicSizes sizes;
    /** The engine's own count of its copies and staging. */
    private final ContractionCopies<Peak> engine;
    private Peak scratchHighWater = Peak.ZERO;
    private boolean unknown;
    private String unknownWhy;
    private boolean any;
    /** Elements the statement being counted has taken from the scratch buffer so far. */
    private Peak scratch = Peak.ZERO;

    WorkspaceModel(boolean anyOffset, boolean stages, boolean readsNative, SymbolicSizes sizes) {
        this.anyOffset = anyOffset;
        this.readsNative = readsNative;
        this.sizes = sizes;
        this.engine = new ContractionCopies<>(readsNative, stages, sizes);
    }

    /** The sizes the count plans with. */
    SymbolicSizes sizes() {
        return sizes;
    }

    void markUnknown(String why) {
        if (!unknown) {
            unknownWhy = why;
        }
        unknown = true;
        any = true;
    }

    /** Why the workspace is not known (set with the first reason). */
    String unknownWhy() {
        return unknownWhy;
    }

    /** Elements at most, or null when unknown; 0 without any {@code @tensor}. */
    Peak total() {
        return unknown ? null : engine.total().plus(scratchHighWater);
    }

    boolean used() {
        return any;
    }

    /**
     * What the count holds: each of the engine's arrays at its largest, and the scratch buffer's high
     * water; for one loop iteration counted on its own, the buffers whose level at the iteration's start
     * it took as the level before the loop (where a tensor starts decides whether it is used in place).
     */
    record Counts(List<Peak> engine, Peak scratch, Map<String, Poly> startsAssumed) {
    }

    /** Per loop iteration being counted on its own (innermost last): each buffer's level before the loop. */
    private final Deque<Map<String, Poly>> loopStarts = new ArrayDeque<>();
    /** Per loop iteration being counted: the buffers whose start level was taken as the level before the loop. */
    private final Deque<Set<String>> assumed = new ArrayDeque<>();

    Counts counts() {
        return new Counts(engine.state(), scratchHighWater, Map.of());
    }

    /** Starts counting one loop iteration on its own, the run's levels before the loop in {@code before}. */
    Counts startIteration(PathRun.State before) {
        Counts was = counts();
        engine.restore(Collections.nCopies(was.engine().size(), Peak.ZERO));
        scratchHighWater = Peak.ZERO;
        Map<String, Poly> starts = new HashMap<>();
        before.levels().forEach((b, l) -> starts.put(b, l.len));
        loopStarts.addLast(starts);
        assumed.addLast(new HashSet<>());
        return was;
    }

    /** Ends an iteration counted on its own: its counts, the count restored to {@code before}. */
    Counts endIteration(Counts before) {
        Map<String, Poly> starts = loopStarts.removeLast();
        Map<String, Poly> assumedStarts = new HashMap<>();
        for (String b : assumed.removeLast()) {
            assumedStarts.put(b, starts.get(b));
        }
        Counts iteration = new Counts(engine.state(), scratchHighWater, assumedStarts);
        engine.restore(before.engine());
        scratchHighWater = before.scratch();
        return iteration;
    }

    /**
     * Where a tensor of {@code buffer} starts, {@code offset} (from the level at the start of the loop
     * iterations being counted, {@link LoopSizer#BASE}), from the level before those loops: exact when
     * each iteration gives back what it takes from the buffer, which {@link #notClosed} checks.
     */
    Poly offset(String buffer, Poly offset) {
        java.util.Iterator<Map<String, Poly>> frames = loopStarts.descendingIterator();
        java.util.Iterator<Set<String>> marks = assumed.descendingIterator();
        while (frames.hasNext() && offset.mentions(LoopSizer.BASE)) {
            Poly start = frames.next().get(buffer);
            Set<String> mark = marks.next();
            if (start == null) {
                return offset;
            }
            mark.add(buffer);
            offset = offset.substitute(LoopSizer.BASE, start);
            if (offset == null) {
                throw new SymbolicSizes.Undecided("where a tensor of an @tensor statement starts is not a formula");
            }
        }
        return offset;
    }

    /**
     * Why an iteration's counts have no closed form over the iterations of {@code piece}, or null:
     * each must be a polynomial in the loop variable (its maximum over the range is then exact,
     * {@link ClosedForms#max}), and a buffer whose start it took as the level before the loop must be
     * given back in each iteration ({@code levels}: the levels at the iteration's end).
     */
    static String notClosed(Counts iteration, Piece piece, Map<String, Level> levels) {
        String why = notPolynomial(iteration, piece, levels);
        if (why == null) {
            return null;
        }
        // with values, the loop was too long to count iteration by iteration: more values do not help
        return why + (piece.first().isConstant() && piece.count().isConstant()
                ? "; it runs " + piece.count() + " times here, and usage counts a workspace iteration by iteration"
                        + " only up to " + LoopSizer.WORKSPACE_ITERATIONS + " iterations (of a nest of loops together)"
                : "; give values with --var");
    }

    private static String notPolynomial(Counts iteration, Piece piece, Map<String, Level> levels) {
        for (Map.Entry<String, Poly> e : iteration.startsAssumed().entrySet()) {
            Poly end = levels.get(e.getKey()).len.substitute(LoopSizer.BASE, e.getValue());
            if (end == null || !end.equals(e.getValue())) {
                String b = e.getKey();
                return "where the tensors of its @tensor statements start in " + b
                        + " changes from one iteration to the next";
            }
        }
        List<Peak> all = new ArrayList<>(iteration.engine());
        all.add(iteration.scratch());
        for (Peak p : all) {
            for (Poly c : p.candidates()) {
                Poly t = ClosedForms.inIterations(c, piece.var(), piece.first(), piece.step());
                if (t == null || t.coefficientsIn(ClosedForms.T) == null) {
                    return "the workspace of its @tensor statements is not a polynomial in " + piece.var();
                }
            }
        }
        return null;
    }

    /** The counts of an iteration, over every iteration of {@code piece} (each array at its largest over them). */
    void raiseOver(Counts iteration, Piece piece) {
        if (unknown) {
            return;
        }
        List<Peak> now = engine.state();
        List<Peak> raised = new ArrayList<>();
        for (int i = 0; i < now.size(); i++) {
            raised.add(now.get(i).max(over(iteration.engine().get(i), piece)));
        }
        engine.restore(raised);
        scratchHighWater = scratchHighWater.max(over(iteration.scratch(), piece));
    }

    private static Peak over(Peak p, Piece piece) {
        Peak r = Peak.ZERO;
        if (piece.count().isConstant() && piece.count().constantValue() <= 0) {
            return r;
        }
        for (Poly c : p.candidates()) {
            Poly t = ClosedForms.inIterations(c, piece.var(), piece.first(), piece.step());
            Poly most = t == null ? null : ClosedForms.max(t, piece.count());
            if (most == null) {
                throw new IllegalStateException("checked by notClosed: " + c);
            }
            r = r.max(most);
        }
        return r;
    }

    /**
     * An operand or result of a binary contraction: its labels in storage order, whether it is used
     * in place, and whether it lives off the heap (null: not known).
     */
    private record Operand(List<String> labels, Boolean direct, Boolean offHeap) {
    }

    /**
     * One statement whose every index has a dimension; {@code direct} says, per indexed tensor as
     * written, whether it can be used in place, {@code outDirect} the same of the output (null: not
     * known, which makes the workspace unknown if a contraction needs it); {@code maxIntermediate}
     * null without a limit.
     */
    void statement(SizeStmt.TensorOp op, List<Map<String, Poly>> termDims, Poly maxIntermediate, Boolean[] direct,
            Boolean[] offHeap, Boolean outDirect, Boolean outOffHeap) {
        any = true;
        scratch = Peak.ZERO;
        if (op.source().scalar()) { // s = @tensor ...: its one element first in the scratch buffer, as the run has it
            outDirect = inScratch(Peak.of(Poly.constant(1)));
            outOffHeap = readsNative;
        }
        List<SizeStmt.Factor> refs = op.order().refs();
        // a contracted label is each term's own (its dimension may differ from term to term)
        int[] termOf = new int[refs.size()];
        for (int t = 0; t < op.terms().size(); t++) {
            for (SizeStmt.Factor f : op.terms().get(t)) {
                termOf[f.ref()] = t;
            }
        }
        Operand[] operands = new Operand[refs.size()];
        for (int i = 0; i < refs.size(); i++) {
            List<String> labels = refs.get(i).labels();
            List<String> kept = traced(labels);
            if (kept.size() != labels.size()) { // traced into the scratch buffer first, densely
                operands[i] = new Operand(kept, inScratch(product(kept, termDims.get(termOf[i]))), readsNative);
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
            Map<String, Poly> dims = termDims.get(t);
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
                plan = ContractionOrder.optimal(labels, l -> Peak.of(dims.get(l)), outArray,
                        maxIntermediate == null ? null : Peak.of(maxIntermediate), sizes);
            }
            ContractionOrder.Pair root = (ContractionOrder.Pair) plan;
            Operand left = evaluate(root.left(), factors, labels, outArray, dims);
            Operand right = evaluate(root.right(), factors, labels, outArray, dims);
            contract(left, right, new Operand(out, outDirect, outOffHeap), dims);
        }
        scratchHighWater = scratchHighWater.max(scratch);
    }

    /** Takes n elements from the scratch buffer; whether what starts there can be used in place. */
    private boolean inScratch(Peak n) {
        boolean direct = anyOffset || sizes.isZero(scratch);
        scratch = scratch.plus(n);
        return direct;
    }

    private Operand evaluate(ContractionOrder.Plan p, List<Operand> factors, List<String[]> labels, String[] out,
            Map<String, Poly> dims) {
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

    /** One binary contraction in the engine: the copies {@link MatrixPlan#choose} asks for, and the staging. */
    private void contract(Operand a, Operand b, Operand c, Map<String, Poly> dims) {
        if (a.direct() == null || b.direct() == null || c.direct() == null
                || readsNative && (unknownStorage(a) || unknownStorage(b) || unknownStorage(c))) {
            markUnknown("whether a tensor of an @tensor statement is used in place is known only when running");
            return;
        }
        // the contractor returns before planning a multiply that does not run
        List<String> freeA = minus(a.labels(), b.labels());
        List<String> freeB = minus(b.labels(), a.labels());
        List<String> summed = minus(a.labels(), freeA);
        if (!engine.multiplies(product(freeA, dims), product(freeB, dims), product(summed, dims))) {
            return;
        }
        MatrixPlan plan = MatrixPlan.choose(a.labels(), b.labels(), c.labels(), a.direct(), b.direct(),
                c.direct(), l -> Peak.of(dims.get(l)), sizes);
        engine.add(plan, product(plan.freeA(), dims), product(plan.freeB(), dims), product(plan.summed(), dims),
                Boolean.TRUE.equals(a.offHeap()), Boolean.TRUE.equals(b.offHeap()), Boolean.TRUE.equals(c.offHeap()));
    }

    private static List<String> minus(List<String> x, List<String> y) {
        List<String> r = new ArrayList<>(x);
        r.removeAll(y);
        return r;
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

    private static Peak product(Iterable<String> labels, Map<String, Poly> dims) {
        Poly p = Poly.constant(1);
        for (String l : labels) {
            p = p.times(dims.get(l));
        }
        return Peak.of(p);
    }
}
