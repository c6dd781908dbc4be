package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.Symbolic.Opaque;
import io.github.bufdsl.diag.Placement;
import io.github.bufdsl.runtime.TensorRules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What sizing checks of an {@code @tensor} statement: its index rules ({@link TensorRules}, the
 * same decision the runtime takes) where the dimensions are known, and the workspace it takes.
 */
final class TensorChecks {
    private final PathRun run;

    TensorChecks(PathRun run) {
        this.run = run;
    }

    /**
     * The checks of {@code @tensor} that need only the dimensions: every index twice in a term
     * (on a factor and the output, or on two factors), never three times, with one dimension.
     * Tensors whose dimensions are not known here are not checked.
     */
    void checkIndices(SizeStmt.TensorOp op) {
        TensorRec out = run.lookup(op.output()) instanceof TensorRec t ? t : null;
        TensorRules.Ref outRef = new TensorRules.Ref(op.output(), op.outLabels(), op.source().scalar() ? new long[0]
                : out != null && !op.define() ? knownDims(out) : null);
        for (List<SizeStmt.Factor> term : op.terms()) {
            if (term.isEmpty()) {
                continue;
            }
            List<TensorRules.Ref> refs = new ArrayList<>();
            for (SizeStmt.Factor f : term) {
                TensorRec t = run.lookup(f.tensor()) instanceof TensorRec r ? r : null;
                refs.add(new TensorRules.Ref(f.tensor(), f.labels(), t == null ? null : knownDims(t)));
            }
            TensorRules.Violation v = TensorRules.term(outRef, refs);
            if (v != null) { // at the index it concerns, as running places it
                List<io.github.bufdsl.ast.TensorExpr.Ref> nodes = new ArrayList<>();
                TensorStatements.refNodes(op.source().rhs(), nodes);
                List<Placement.Operand> places = new ArrayList<>();
                for (SizeStmt.Factor f : term) {
                    places.add(new Placement.Operand(f.tensor(), nodes.get(f.ref())));
                }
                throw run.fail(Placement.tensorIndex(v, new Placement.Operand(op.output(), op.source().lhs()), places,
                        op.pos()), io.github.bufdsl.exec.TensorEval.words(op.source(), v));
            }
        }
    }

    /**
     * The rule that the output may not share memory with a tensor the last step of a term reads
     * ({@link TensorRules#overlap}), where that is certain before running: the output is the very
     * tensor a term of one or two factors reads as it is (a factor with a repeated index is read
     * through a traced copy), and it is not empty. Terms of three or more factors end with a step
     * whose operands depend on the order of contraction; running checks those.
     */
    void checkOverlap(SizeStmt.TensorOp op) {
        if (op.define() || op.source().scalar() || !(run.lookup(op.output()) instanceof TensorRec out)
                || out.size.isConstant() && out.size.constantValue() == 0) {
            return;
        }
        for (List<SizeStmt.Factor> term : op.terms()) {
            if (term.size() > 2) {
                continue;
            }
            for (SizeStmt.Factor f : term) {
                if (run.lookup(f.tensor()) == out && f.labels().stream().distinct().count() == f.labels().size()) {
                    throw run.fail(op.pos(), TensorRules.overlap(op.output(), f.tensor()));
                }
            }
        }
    }

    /** A record's dimensions for the index rules: numbers where known, else {@link TensorRules#UNKNOWN}. */
    static long[] knownDims(TensorRec t) {
        if (t.dims == null) {
            return null;
        }
        long[] d = new long[t.dims.size()];
        for (int k = 0; k < d.length; k++) {
            d[k] = t.dims.get(k).isConstant() ? t.dims.get(k).constantValue() : TensorRules.UNKNOWN;
        }
        return d;
    }

    /** Counts the statement's workspace; its dimensions may be formulas (the workspace is one then). */
    void workspace(SizeStmt.TensorOp op) {
        try {
            count(op);
        } catch (SymbolicSizes.Undecided e) {
            run.workspace.markUnknown(e.why);
        } catch (ArithmeticException e) {
            run.workspace.markUnknown("its sizes overflow 64 bits as formulas");
        } catch (IllegalArgumentException | io.github.bufdsl.runtime.BufferException e) {
            run.workspace.markUnknown(e.getMessage()); // the runtime reports what does not fit
        }
    }

    private void count(SizeStmt.TensorOp op) {
        Map<String, Poly> dims = new HashMap<>();
        List<SizeStmt.Factor> refs = op.order().refs();
        Boolean[] direct = new Boolean[refs.size()];
        Boolean[] offHeap = new Boolean[refs.size()];
        for (int i = 0; i < refs.size(); i++) {
            SizeStmt.Factor f = refs.get(i);
            TensorRec t = run.lookup(f.tensor()) instanceof TensorRec r ? r : null;
            if (t == null || t.dims == null || t.dims.size() != f.labels().size()) {
                run.workspace.markUnknown("the dimensions of " + f.tensor() + " are known only when running");
                return;
            }
            for (int k = 0; k < f.labels().size(); k++) {
                dims.putIfAbsent(f.labels().get(k), t.dims.get(k));
            }
        }
        Object output = op.source().scalar() ? null : run.lookup(op.output());
        Boolean outDirect = output instanceof TensorRec r ? direct(r)
                : output instanceof Opaque o && o.view() ? Boolean.FALSE : null;
        Boolean outOffHeap = output instanceof TensorRec r ? r.offHeap : null;
        for (int i = 0; i < refs.size(); i++) {
            TensorRec t = (TensorRec) run.lookup(refs.get(i).tensor());
            direct[i] = direct(t);
            offHeap[i] = t.offHeap;
        }
        // each term's labels with the dimensions its own factors give them (a contracted label is the
        // term's own: c may be 4 in one product and 3 in the next), the others as the statement has them
        List<Map<String, Poly>> termDims = new java.util.ArrayList<>();
        for (List<SizeStmt.Factor> term : op.terms()) {
            Map<String, Poly> own = new HashMap<>();
            for (SizeStmt.Factor f : term) {
                TensorRec t = (TensorRec) run.lookup(refs.get(f.ref()).tensor());
                for (int k = 0; k < f.labels().size(); k++) {
                    own.putIfAbsent(f.labels().get(k), t.dims.get(k));
                }
            }
            dims.forEach(own::putIfAbsent);
            termDims.add(own);
        }
        Poly limit = op.order().limit() == null ? null : run.integer(op.order().limit(), "maxintermediate");
        run.workspace.statement(op, termDims, limit, direct, offHeap, outDirect, outOffHeap);
    }

    /**
     * Whether a contraction reads or writes the tensor in place: on a backend that reads matrices
     * at any offset, or from a Float32 buffer (widened into a copy), always; else when it starts its
     * buffer, where it starts compared with 0 as the planning compares sizes; never for a
     * reshape_buf! view or a slice of part of a tensor (the runtime uses only whole allocations in
     * place). Null when not known.
     */
    private Boolean direct(TensorRec t) {
        if (t.view || Boolean.FALSE.equals(t.whole)) {
            return false;
        }
        if (t.whole == null && !t.wholeWhen.stream().allMatch(p -> run.workspace.sizes().isZero(Peak.of(p)))) {
            return false; // a slice that is all of its allocation for some values only (A[:, :, p] of 2×3×n)
        }
        if (run.ev.backend.anyOffset() || t.float32) {
            return true;
        }
        return t.offset == null ? null
                : run.workspace.sizes().isZero(Peak.of(run.workspace.offset(t.buffer, t.offset)));
    }
}
