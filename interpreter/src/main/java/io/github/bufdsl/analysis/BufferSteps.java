package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.Symbolic.Opaque;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.runtime.BufferRules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The statements of a path that act on a buffer's abstract stack: {@code alloc!}, {@code drop!},
 * {@code reshape_buf!}, {@code reset!}, the end of a {@code @buffer} block, and uses of tensors.
 * Each asks the runtime's {@link BufferRules} whether it is allowed, as {@code Buffer} does.
 */
final class BufferSteps {
    private final PathRun run;
    /** Each reshape_buf! as messages name it, by position. */
    private final Map<Pos, String> reshapeCalls = new HashMap<>();

    BufferSteps(PathRun run) {
        this.run = run;
    }

    void alloc(SizeStmt.Alloc a) {
        run.at = a.pos();
        if (a.define() != null) {
            define(a);
            return;
        }
        String call = AbstractStack.call("alloc!", a.buffer(), a.dims(), null) + ": ";
        rule(a.pos(), call, BufferRules.alloc(stackView(a.buffer()), 0));
        List<Poly> dims = new ArrayList<>();
        for (SizeExpr d : a.dims()) {
            Poly v = run.integer(d, "a dimension");
            if (v.isConstant()) {
                rule(a.pos(), call, BufferRules.dimension(v.constantValue(), dims.size() + 1));
            }
            dims.add(v);
        }
        push(a, a.buffer(), dims);
    }

    /**
     * {@code @tensor Z[...] := ...}: allocated from the buffer of the tensor {@link io.github.bufdsl.exec.Defines}
     * names, each dimension that of the first tensor on the right with its label (as running takes them), read from
     * the tensors as this path has them; a value usage cannot know when one of them is not a tensor
     * it knows (a view).
     */
    private void define(SizeStmt.Alloc a) {
        List<List<SizeStmt.Factor>> terms = a.define().terms();
        Object first = run.lookup(a.define().from());
        List<Poly> dims = new ArrayList<>();
        for (String label : a.define().outLabels()) {
            Poly d = null;
            for (List<SizeStmt.Factor> term : terms) {
                for (SizeStmt.Factor f : term) {
                    int k = f.labels().indexOf(label);
                    if (d == null && k >= 0 && run.lookup(f.tensor()) instanceof TensorRec r && r.dims != null
                            && k < r.dims.size()) {
                        d = r.dims.get(k);
                    }
                }
            }
            dims.add(d);
        }
        if (first instanceof TensorRec r && run.level(run.localName(r.buffer)) == null && !dims.contains(null)) {
            // from a buffer the code being sized does not size: not on a sized stack, its dimensions known
            Poly n = Poly.constant(1);
            for (Poly v : dims) {
                n = run.times(n, v);
            }
            TensorRec t = new TensorRec(a.target(), r.buffer, n, a.pos(), dims, null, r.float32);
            offHeap(t);
            run.assign(a.target(), t);
            return;
        }
        if (first == null || first instanceof Opaque o && o.elsewhere()
                || first instanceof TensorRec r && run.level(run.localName(r.buffer)) == null) {
            // of a tensor the code being sized does not allocate, in a buffer it does not size
            run.assign(a.target(), new Opaque(a.pos(), false, true));
            return;
        }
        if (!(first instanceof TensorRec from) || dims.contains(null)) {
            String unknown = null;
            for (List<SizeStmt.Factor> term : terms) {
                for (SizeStmt.Factor f : term) {
                    if (unknown == null && !(run.lookup(f.tensor()) instanceof TensorRec r && r.dims != null)) {
                        unknown = f.tensor();
                    }
                }
            }
            Object v = unknown == null ? null : run.lookup(unknown);
            throw run.impossible("usage cannot size " + a.target() + ", which @tensor ... := allocates here: it"
                    + " needs the buffer and dimensions of " + (unknown == null ? "the tensors on the right"
                    : unknown) + (v instanceof Opaque o
                    ? ", " + o.assigned()
                    : ", which usage does not know here"));
        }
        String buffer = run.localName(from.buffer);
        rule(a.pos(), "@tensor " + a.target() + " := ...: ", BufferRules.alloc(stackView(buffer), 0));
        push(a, buffer, dims);
    }

    /** A new tensor of these dimensions on top of {@code buffer} (a name as this scope calls it). */
    private void push(SizeStmt.Alloc a, String buffer, List<Poly> dims) {
        Poly n = Poly.constant(1);
        for (Poly v : dims) {
            n = run.times(n, v);
        }
        Level l = run.level(buffer);
        notKept(a.pos(), l);
        TensorRec t = new TensorRec(a.target() == null ? "a tensor" : a.target(), run.bufferName(buffer), n,
                a.pos(), dims, l.len, run.ev.function.elementBytes(run.bufferName(buffer)) == 4);
        offHeap(t);
        l.push(t);
        l.taken = true;
        l.len = l.len.plus(n);
        Peak raised = l.peak.max(l.len);
        if (!raised.equals(l.peak)) {
            l.peak = raised;
            l.peakAt = a.pos();
            l.atPeak = l.persistent;
        }
        if (a.target() != null) {
            run.assign(a.target(), t);
        }
    }

    void reshape(SizeStmt.Reshape r) {
        run.at = r.pos();
        Level l = run.level(r.buffer());
        notKept(r.pos(), l);
        Poly offset = run.integer(r.offset(), "an offset");
        String call = AbstractStack.call("reshape_buf!", r.buffer(), r.dims(), r.offset());
        rule(r.pos(), call + ": ", BufferRules.reshape(stackView(r.buffer()),
                offset.isConstant() ? offset.constantValue() : 0, 0));
        reshapeCalls.putIfAbsent(r.pos(), call + " at line " + r.pos().line());
        Poly n = Poly.constant(1);
        List<Poly> dims = new ArrayList<>();
        for (SizeExpr d : r.dims()) {
            dims.add(run.integer(d, "a dimension"));
            n = run.times(n, dims.get(dims.size() - 1));
        }
        Poly end = offset.plus(n);
        if (l.reshapeAt == null) { // in reshape mode since the first view after a reset
            l.reshapeAt = r.pos();
        }
        Peak raised = l.peak.max(end);
        if (!raised.equals(l.peak)) {
            l.peak = raised;
            l.peakAt = r.pos();
            l.atPeak = new Stack(new TensorRec(r.target() == null ? "a view" : r.target(), r.buffer(), end,
                    r.pos(), null, null, false), null);
        }
        if (r.target() != null) { // a view, on no stack: its dimensions and place for @tensor
            TensorRec view = new TensorRec(r.target(), run.bufferName(r.buffer()), n, r.pos(), dims, offset,
                    run.ev.function.elementBytes(run.bufferName(r.buffer())) == 4);
            view.view = true;
            offHeap(view);
            run.assign(r.target(), view);
        }
    }

    /**
     * A tensor of one of the block's buffers from before the block: its dimensions, on no stack of
     * the block (whose buffers start empty), at a place the block does not know (whether a
     * contraction reads it in place is then not known, unless the backend reads any place).
     */
    void before(SizeStmt.Before b) {
        run.at = b.pos();
        Poly n = Poly.constant(1);
        List<Poly> dims = new ArrayList<>();
        for (SizeExpr d : b.dims()) {
            dims.add(run.integer(d, "a dimension"));
            n = run.times(n, dims.get(dims.size() - 1));
        }
        TensorRec t = new TensorRec(b.target(), run.bufferName(b.buffer()), n, b.pos(), dims, null,
                run.ev.function.elementBytes(run.bufferName(b.buffer())) == 4);
        offHeap(t);
        run.assign(b.target(), t);
    }

    private void offHeap(TensorRec t) {
        if (run.ev.backend.readsNative()) { // the script's Float64 buffers are made off the heap
            t.offHeap = !run.ev.function.decls().containsKey(t.buffer) ? null : !t.float32;
        }
    }

    void scopeEnd(SizeStmt.ScopeEnd e) {
        for (String b : e.buffers()) {
            Level l = run.level(b);
            for (TensorRec t : l.stack) {
                run.warn(t.pos, t.name + " is still allocated in " + b + " when the @buffer block of line "
                        + e.pos().line() + " ends (allocated here)");
                t.droppedBy = "the end of the @buffer block at line " + e.pos().line();
            }
            l.clear();
            l.len = Poly.ZERO;
            l.taken = false;
            l.keptBy = null;
        }
    }

    void reset(SizeStmt.Reset r) {
        Level l = run.level(r.buffer());
        for (TensorRec t : l.stack) {
            t.droppedBy = "reset!(" + r.buffer() + ") at line " + r.pos().line();
        }
        l.clear();
        l.len = Poly.ZERO;
        l.reshapeAt = null;
        l.taken = false;
        l.keptBy = null;
    }

    /** What a function that returned on data may keep in the buffer: nothing may change it before a reset!. */
    /**
     * {@code used(buf)} on this path: the buffer's level, the elements its live tensors take (the run's
     * {@code Buffer.used}, the offset of its next allocation). In reshape mode Buffers.jl's {@code used}
     * is -1, which the printed function (whose {@code lenbuf[]} it reads) does not follow: refused there.
     */
    Poly used(String buffer) {
        String call = "used(" + buffer + ")";
        Level l = run.level(buffer);
        if (l == null) {
            throw run.unknowable("usage cannot compute " + call + " before running: " + buffer + " is not a buffer"
                    + " this sizing function sizes" + (run.lookup(buffer) instanceof TensorRec ? " (it is a tensor)" : ""));
        }
        SizingFunction.BufferDecl d = run.ev.function.decls().get(run.bufferName(buffer));
        if (d != null && d.pool() != null) {
            throw run.unknowable("usage cannot compute " + call + " before running: " + buffer + " is a ThreadsBuffer,"
                    + " whose buffer for the running iteration is known only when running");
        }
        if (l.reshapeAt != null) {
            throw run.impossible("usage cannot size with " + call + " here: " + buffer + " is in reshape mode (since "
                    + reshapeCalls.getOrDefault(l.reshapeAt, "reshape_buf! at line " + l.reshapeAt.line()) + ", until"
                    + " reset!), where used is -1 as in Buffers.jl, and the printed sizing function (whose len" + buffer
                    + "[] it reads) does not follow reshape mode");
        }
        notKept(run.at, l);
        return l.len;
    }

    private void notKept(Pos pos, Level l) {
        if (l.keptBy != null) {
            run.at = pos;
            throw run.impossible("usage cannot size this: " + l.keptBy + ", so this would start at a level usage cannot"
                    + " know; give back before that return what the function's end gives back, or reset! the buffer"
                    + " first");
        }
    }

    void use(SizeStmt.Use u) {
        for (String name : u.names()) {
            if (run.lookup(name) instanceof TensorRec v) {
                TensorRec t = v.of != null ? v.of : v; // a slice uses the tensor it is part of
                rule(u.pos(), "", BufferRules.use(name, t.droppedBy));
                t.lastUse = u.pos();
                Level l = run.levels.get(t.buffer);
                t.topAtLastUse = l != null && l.stack.peek() == t;
            }
        }
    }

    void drop(SizeStmt.Drop d) {
        run.at = d.pos();
        Level l = run.level(d.buffer());
        notKept(d.pos(), l);
        List<TensorRec> given = new ArrayList<>();
        Map<TensorRec, String> named = new java.util.IdentityHashMap<>(); // as this drop! names them
        for (String name : d.tensors()) {
            Object v = run.lookup(name);
            if (v instanceof Opaque o) {
                throw run.impossible("usage cannot follow " + name + " (" + o.assigned() + "), which drop! gives back here");
            }
            if (v == null) {
                throw run.impossible("usage cannot follow " + name + ", which drop! gives back here: it is not"
                        + " allocated in the code being sized");
            }
            if (!(v instanceof TensorRec t)) {
                throw run.fail(d.pos(), "drop!(" + d.buffer() + ", " + name + "): " + name + " is not a tensor but "
                        + run.show(v));
            }
            given.add(t);
            named.putIfAbsent(t, name);
        }
        rule(d.pos(), "drop!(" + d.buffer() + ", " + String.join(", ", d.tensors()) + "): ",
                BufferRules.drop(stackView(d.buffer(), named), given));
        l.pop(given.size());
        run.dropLog.addAll(given);
        for (TensorRec t : given) {
            t.droppedBy = "drop!(" + d.buffer() + ", " + String.join(", ", d.tensors()) + ") at line "
                    + d.pos().line();
            l.len = l.len.minus(t.size);
        }
    }

    /** One buffer's abstract stack as the buffer rules read it. */
    private BufferRules.StackView<TensorRec> stackView(String buffer) {
        return stackView(buffer, Map.of());
    }

    /** As {@link #stackView(String)}, calling some records by the names a statement gives them. */
    private BufferRules.StackView<TensorRec> stackView(String buffer, Map<TensorRec, String> named) {
        Level l = run.level(buffer);
        return new AbstractStack<>(buffer, run.bufferName(buffer), l.stack, t -> t.buffer, t -> t.droppedBy,
                t -> named.getOrDefault(t, t.name),
                l.reshapeAt == null ? null : reshapeCalls.get(l.reshapeAt));
    }

    /** Fails at {@code pos} with the rule's message (after {@code call}) when a buffer rule is broken. */
    private void rule(Pos pos, String call, BufferRules.Violation v) {
        if (v != null) {
            throw run.fail(pos, call + v.message());
        }
    }
}
