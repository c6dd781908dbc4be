package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.Signals.NeedDecision;
import io.github.bufdsl.analysis.Signals.OpenCondition;
import io.github.bufdsl.analysis.Signals.PathEnd;
import io.github.bufdsl.analysis.Signals.Returned;
import io.github.bufdsl.runtime.BufferRules;
import io.github.bufdsl.runtime.TensorRules;
import io.github.bufdsl.analysis.Symbolic.Free;
import io.github.bufdsl.analysis.Symbolic.Open;
import io.github.bufdsl.analysis.Symbolic.Opaque;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
import io.github.bufdsl.diag.Pos;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One run down one path. */
final class PathRun {
    final SizingEvaluator ev;
    final List<Boolean> prefix;
    final List<Boolean> decisions = new ArrayList<>();
    final List<String> atoms = new ArrayList<>();
    final Map<String, Boolean> decided = new HashMap<>();
    final List<String> path = new ArrayList<>();
    final Map<String, Object> globals = new HashMap<>();
    Map<String, Object> locals;
    /** Buffer parameters of the user function being sized, to the buffers passed. */
    Map<String, String> bufferParams = Map.of();
    final Map<String, Level> levels = new LinkedHashMap<>();
    Pos at = Pos.NONE;
    boolean stoppedForDecision;
    /** Worst-case mode: an if on an open condition takes the larger of its branches. */
    boolean worstCase;
    /** Set when merging branches took sizes no single path has: the figures are an upper bound. */
    boolean upperBound;
    /** In worst-case mode, how many ifs each open condition decided. */
    final Map<String, Integer> openSeen = new LinkedHashMap<>();
    final WorkspaceModel workspace;
    /** Sizes the loops of this run. */
    final LoopSizer loops = new LoopSizer(this);
    /** Numbers and conditions of this run. */
    final ScalarEval scalars = new ScalarEval(this);
    /** Merges branches past the path limit. */
    final BranchMerger merger = new BranchMerger(this);
    /** The checks of @tensor statements. */
    final TensorChecks tensors = new TensorChecks(this);

    Poly integer(SizeExpr e, String what) {
        return scalars.integer(e, what);
    }

    boolean bool(SizeExpr e) {
        return scalars.bool(e);
    }

    Object value(SizeExpr e) {
        return scalars.value(e);
    }

    String show(Object v) {
        return scalars.show(v);
    }

    String written(Object v, SizeExpr e) {
        return scalars.written(v, e);
    }

    Poly times(Poly a, Poly b) {
        return scalars.times(a, b);
    }

    /** Each buffer's level after each statement that changed it, while the levels are numbers. */
    final List<SizingResult.Step> trace = new ArrayList<>();
    /** Tensors dropped so far, to undo drops when a branch is taken back. */
    final List<TensorRec> dropLog = new ArrayList<>();

    PathRun(SizingEvaluator ev, List<Boolean> prefix) {
        this.ev = ev;
        this.prefix = prefix;
        this.workspace = new WorkspaceModel(ev.backend.anyOffset(), ev.backend.stages(), ev.backend.readsNative());
        for (String b : ev.function.buffers()) {
            levels.put(b, new Level());
        }
    }

    void go() {
        try {
            statements(ev.function.body());
            finish();
        } catch (NeedDecision e) {
            stoppedForDecision = true;
        } catch (PathEnd e) {
            // reported
        }
    }

    SizingResult.Leaf leaf() {
        Map<String, SizingResult.BufferPeak> peaks = new LinkedHashMap<>();
        levels.forEach((b, l) -> peaks.put(b, new SizingResult.BufferPeak(l.peak, l.peakAt, l.liveAtPeak())));
        return new SizingResult.Leaf(peaks, List.copyOf(path), workspace.used() ? workspace.total() : Long.valueOf(0),
                List.copyOf(trace));
    }

    void finish() {
        levels.forEach((b, l) -> {
            for (TensorRec t : l.stack) {
                warn(t.pos, t.name + " is still allocated in " + b + " at the end (allocated here); give it back"
                        + " with drop!(" + b + ", " + t.name + ") or reset!(" + b + ")");
            }
            SizingFunction.BufferDecl d = ev.function.decls().get(b);
            if (d != null && !d.extendable() && d.capacity() != null) {
                Object cap = value(d.capacity());
                Long peak = l.peak.constant();
                BufferRules.Violation v = cap instanceof Poly c && c.isConstant() && peak != null
                        ? BufferRules.peak(b, c.constantValue(), false, peak, "line " + l.peakAt.line(), d.scoped())
                        : null;
                if (v != null) {
                    problem(d.pos(), v.message(), true);
                }
            }
        });
    }

    void problem(Pos pos, String message, boolean error) {
        ev.problemCount++;
        List<Object> key = List.of(pos, message);
        ev.problems.computeIfAbsent(key, k -> new ArrayList<>()).add(String.join(" and ", path));
        ev.problemIsError.put(key, error);
    }

    /**
     * What an iteration of a repeating loop can change: each buffer's length, peak, live tensors
     * and reshape mode, the decisions taken, the problems seen.
     */
    List<Object> loopState() {
        List<Object> state = new ArrayList<>();
        for (Level l : levels.values()) {
            state.add(l.len);
            state.add(l.peak);
            state.add(new ArrayList<>(l.stack)); // the same tensor records, compared by identity
            state.add(l.reshapeAt == null ? "" : l.reshapeAt);
        }
        state.add(levels.size());
        state.add(decisions.size());
        state.add(ev.problemCount);
        return state;
    }

    void warn(Pos pos, String message) {
        problem(pos, message, false);
    }

    PathEnd fail(Pos pos, String message) {
        problem(pos, message, true);
        return new PathEnd();
    }

    DiagnosticException impossible(String message) {
        return new DiagnosticException(Phase.STATIC, at, message);
    }

    void statements(List<SizeStmt> body) {
        for (SizeStmt s : body) {
            statement(s);
        }
    }

    Object lookup(String name) {
        loops.noteRead(name);
        return lookupQuiet(name);
    }

    /** The variable's value on this path, without noting the read. */
    Object lookupQuiet(String name) {
        if (locals != null && locals.containsKey(name)) {
            return locals.get(name);
        }
        return globals.get(name);
    }

    void assign(String name, Object value) {
        loops.noteWrite(name);
        (locals != null ? locals : globals).put(name, value);
    }

    Level level(String buffer) {
        return levels.get(bufferParams.getOrDefault(buffer, buffer));
    }

    String bufferName(String buffer) {
        return bufferParams.getOrDefault(buffer, buffer);
    }

    /** Calls of user functions being sized, one inside the other (recursion is evaluated, up to a depth). */
    private int callDepth;
    /** The user functions being called, outermost first. */
    private final List<String> calling = new ArrayList<>();
    /** Deepest recursion sizing follows. */
    static final int MAX_CALL_DEPTH = 1000;

    void callFunction(SizeStmt.Call c) {
        SizingFunction.PseudoFunction f = ev.function.functions().get(c.function());
        if (callDepth >= MAX_CALL_DEPTH) {
            at = c.pos();
            throw impossible("usage sizes the recursive function " + c.function() + " by evaluating its calls, and they"
                    + " go deeper than " + MAX_CALL_DEPTH + ": its recursion ends on values usage does not know; give"
                    + " them with --var");
        }
        Map<String, Object> frame = new HashMap<>();
        Map<String, String> buffersHere = new HashMap<>();
        for (int i = 0; i < f.params().size(); i++) {
            SizeStmt.Arg a = c.args().get(i);
            if (a.buffer() != null) {
                buffersHere.put(f.params().get(i), bufferName(a.buffer()));
            } else if (a.value() instanceof SizeExpr.Var v && lookup(v.name()) instanceof TensorRec t) {
                frame.put(f.params().get(i), t);
            } else if (a.value() == null) {
                frame.put(f.params().get(i), new Opaque(c.pos()));
            } else {
                frame.put(f.params().get(i), value(a.value()));
            }
        }
        Map<String, Object> savedLocals = locals;
        Map<String, String> savedBuffers = bufferParams;
        if (calling.contains(c.function())) {
            for (Object v : frame.values()) {
                if (v instanceof Free || v instanceof Opaque || v instanceof Poly p && !p.isConstant()) {
                    at = c.pos();
                    throw impossible("usage sizes the recursive function " + c.function() + " by evaluating its calls,"
                            + " which needs its arguments' values; here they depend on free variables (give them with"
                            + " --var) or on values known only when running");
                }
            }
        }
        locals = frame;
        bufferParams = buffersHere;
        callDepth++;
        calling.add(c.function());
        try {
            statements(f.body());
        } catch (Returned r) {
            // the function returned early
        } finally {
            callDepth--;
            calling.remove(calling.size() - 1);
            locals = savedLocals;
            bufferParams = savedBuffers;
        }
    }

    /** What a branch may change: levels, variables and drops. */
    record State(Map<String, Object> globals, Map<String, Object> locals, Map<String, Level> levels,
            int drops) {
    }

    State save() {
        Map<String, Level> copy = new LinkedHashMap<>();
        levels.forEach((b, l) -> copy.put(b, l.copy()));
        return new State(new HashMap<>(globals), locals == null ? null : new HashMap<>(locals), copy,
                dropLog.size());
    }

    void restore(State st) {
        globals.clear();
        globals.putAll(st.globals());
        if (locals != null) {
            locals.clear();
            locals.putAll(st.locals());
        }
        st.levels().forEach((b, l) -> levels.put(b, l.copy()));
        while (dropLog.size() > st.drops()) {
            dropLog.remove(dropLog.size() - 1).droppedBy = null;
        }
    }












    /** Counts a step of a loop the analysis iterates; past the deadline or the step limit, says which loop. */
    void tick(Pos loop, String what) {
        if (++ev.steps > ev.maxSteps) {
            at = loop;
            throw impossible("sizing " + what + " takes more than " + ev.maxSteps + " steps");
        }
        if ((ev.steps & 1023) == 0 && System.nanoTime() > ev.deadline) {
            at = loop;
            throw impossible("sizing " + what + " did not finish within the time limit of the analysis ("
                    + ev.budgetText() + ")" + ev.iterationNote() + "; give " + ev.whichVars() + " with --var, or allow more"
                    + " time with --max-sizing-time");
        }
    }

    /** True when every variable of the expression has a value on this path (no free or opaque one). */
    boolean known(SizeExpr e) {
        java.util.Set<String> vars = new java.util.HashSet<>();
        Pruner.vars(e, vars);
        for (String v : vars) {
            Object x = lookup(v);
            if (x == null) {
                x = ev.bindings.get(v);
            }
            if (x == null || x instanceof Opaque || x instanceof TensorRec) {
                return false;
            }
        }
        return true;
    }

    void oneIteration(SizeStmt.While w) {
        Map<String, Poly> before = new HashMap<>();
        levels.forEach((b, l) -> before.put(b, l.len));
        statements(w.body());
        for (Map.Entry<String, Level> e : levels.entrySet()) {
            Poly change = e.getValue().len.minus(before.get(e.getKey()));
            if (!change.equals(Poly.ZERO)) {
                throw fail(w.pos(), "each run of this while loop leaves " + change + " more elements in " + e.getKey()
                        + ", so its peak grows without bound; give back in each iteration what it takes, or use a"
                        + " for loop with a known count");
            }
        }
    }

    void statement(SizeStmt s) {
        if ((++ev.statementsRun & 1023) == 0 && System.nanoTime() > ev.deadline) {
            at = s.pos();
            throw impossible("sizing did not finish within the time limit of the analysis (" + ev.budgetText()
                    + ")" + ev.iterationNote() + "; it was here. Give " + ev.whichVars() + " with --var, or allow more time"
                    + " with --max-sizing-time");
        }
        step(s);
        if (s instanceof SizeStmt.Alloc || s instanceof SizeStmt.Drop || s instanceof SizeStmt.Reset
                || s instanceof SizeStmt.ScopeEnd || s instanceof SizeStmt.Reshape) {
            for (Map.Entry<String, Level> e : levels.entrySet()) {
                Poly len = e.getValue().len;
                Long top = e.getValue().peak.constant();
                if (len.isConstant() && trace.size() < 100_000) {
                    long level = s instanceof SizeStmt.Reshape && top != null ? Math.max(len.constantValue(), top)
                            : len.constantValue();
                    trace.add(new SizingResult.Step(at.line(), e.getKey(), level));
                }
            }
        }
    }

    void step(SizeStmt s) {
        if (s instanceof SizeStmt.Alloc a) {
            at = a.pos();
            String call = AbstractStack.call("alloc!", a.buffer(), a.dims(), null) + ": ";
            rule(a.pos(), call, BufferRules.alloc(stackView(a.buffer()), 0));
            Poly n = Poly.constant(1);
            List<Poly> dims = new ArrayList<>();
            for (SizeExpr d : a.dims()) {
                Poly v = integer(d, "a dimension");
                if (v.isConstant()) {
                    rule(a.pos(), call, BufferRules.dimension(v.constantValue(), dims.size() + 1));
                }
                dims.add(v);
                n = times(n, v);
            }
            Level l = level(a.buffer());
            TensorRec t = new TensorRec(a.target() == null ? "a tensor" : a.target(), bufferName(a.buffer()), n,
                    a.pos(), dims, l.len, ev.function.elementBytes(bufferName(a.buffer())) == 4);
            if (ev.backend.readsNative()) { // the script's Float64 buffers are made off the heap
                t.offHeap = !ev.function.decls().containsKey(t.buffer) ? null : !t.float32;
            }
            l.push(t);
            l.len = l.len.plus(n);
            Peak raised = l.peak.max(l.len);
            if (!raised.equals(l.peak)) {
                l.peak = raised;
                l.peakAt = a.pos();
                l.atPeak = l.persistent;
            }
            if (a.target() != null) {
                assign(a.target(), t);
            }
        } else if (s instanceof SizeStmt.Drop d) {
            at = d.pos();
            drop(d);
        } else if (s instanceof SizeStmt.Reshape r) {
            at = r.pos();
            Level l = level(r.buffer());
            Poly offset = integer(r.offset(), "an offset");
            String call = AbstractStack.call("reshape_buf!", r.buffer(), r.dims(), r.offset());
            rule(r.pos(), call + ": ", BufferRules.reshape(stackView(r.buffer()),
                    offset.isConstant() ? offset.constantValue() : 0, 0));
            reshapeCalls.putIfAbsent(r.pos(), call + " at line " + r.pos().line());
            Poly n = Poly.constant(1);
            for (SizeExpr d : r.dims()) {
                n = times(n, integer(d, "a dimension"));
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
            if (r.target() != null) {
                assign(r.target(), new Opaque(r.pos(), true));
            }
        } else if (s instanceof SizeStmt.ScopeEnd e) {
            for (String b : e.buffers()) {
                Level l = level(b);
                for (TensorRec t : l.stack) {
                    warn(t.pos, t.name + " is still allocated in " + b + " when the @buffer block of line "
                            + e.pos().line() + " ends (allocated here)");
                    t.droppedBy = "the end of the @buffer block at line " + e.pos().line();
                }
                l.clear();
                l.len = Poly.ZERO;
            }
        } else if (s instanceof SizeStmt.Reset r) {
            Level l = level(r.buffer());
            for (TensorRec t : l.stack) {
                t.droppedBy = "reset!(" + r.buffer() + ") at line " + r.pos().line();
            }
            l.clear();
            l.len = Poly.ZERO;
            l.reshapeAt = null;
        } else if (s instanceof SizeStmt.Let l) {
            at = l.pos();
            assign(l.name(), value(l.value()));
        } else if (s instanceof SizeStmt.Alias a) {
            assign(a.name(), lookup(a.of()));
        } else if (s instanceof SizeStmt.Opaque o) {
            assign(o.name(), new Opaque(o.pos(), o.view()));
        } else if (s instanceof SizeStmt.Call c) {
            at = c.pos();
            callFunction(c);
        } else if (s instanceof SizeStmt.Return) {
            throw new Returned();
        } else if (s instanceof SizeStmt.While w) {
            at = w.pos();
            loops.whileLoop(w);
        } else if (s instanceof SizeStmt.Break) {
            throw new Signals.BreakLoop();
        } else if (s instanceof SizeStmt.Continue) {
            throw new Signals.ContinueLoop();
        } else if (s instanceof SizeStmt.TensorOp op) {
            at = op.pos();
            tensors.checkIndices(op);
            tensors.workspace(op);
        } else if (s instanceof SizeStmt.Use u) {
            for (String name : u.names()) {
                if (lookup(name) instanceof TensorRec t) {
                    rule(u.pos(), "", BufferRules.use(name, t.droppedBy));
                    t.lastUse = u.pos();
                    Level l = levels.get(t.buffer);
                    t.topAtLastUse = l != null && l.stack.peek() == t;
                }
            }
        } else if (s instanceof SizeStmt.If f) {
            at = f.pos();
            for (int i = 0; i < f.branches().size(); i++) {
                SizeStmt.Branch b = f.branches().get(i);
                boolean taken;
                try {
                    taken = bool(b.condition());
                } catch (OpenCondition open) {
                    openSeen.merge(open.atom, 1, Integer::sum);
                    List<List<SizeStmt>> alternatives = new ArrayList<>();
                    for (SizeStmt.Branch rest : f.branches().subList(i, f.branches().size())) {
                        alternatives.add(rest.body());
                    }
                    alternatives.add(f.elseBody() == null ? List.of() : f.elseBody());
                    merger.largest(f, alternatives);
                    return;
                }
                if (taken) {
                    statements(b.body());
                    return;
                }
            }
            if (f.elseBody() != null) {
                statements(f.elseBody());
            }
        } else if (s instanceof SizeStmt.For f) {
            at = f.pos();
            loops.forLoop(f);
        }
    }




    /** Each reshape_buf! as messages name it, by position. */
    private final Map<Pos, String> reshapeCalls = new HashMap<>();

    /** One buffer's abstract stack as the buffer rules read it. */
    private BufferRules.StackView<TensorRec> stackView(String buffer) {
        return stackView(buffer, Map.of());
    }

    /** As {@link #stackView(String)}, calling some records by the names a statement gives them. */
    private BufferRules.StackView<TensorRec> stackView(String buffer, Map<TensorRec, String> named) {
        Level l = level(buffer);
        return new AbstractStack<>(buffer, bufferName(buffer), l.stack, t -> t.buffer, t -> t.droppedBy,
                t -> named.getOrDefault(t, t.name),
                l.reshapeAt == null ? null : reshapeCalls.get(l.reshapeAt));
    }

    /** Fails at {@code pos} with the rule's message (after {@code call}) when a buffer rule is broken. */
    private void rule(Pos pos, String call, BufferRules.Violation v) {
        if (v != null) {
            throw fail(pos, call + v.message());
        }
    }

    void drop(SizeStmt.Drop d) {
        Level l = level(d.buffer());
        List<TensorRec> given = new ArrayList<>();
        Map<TensorRec, String> named = new java.util.IdentityHashMap<>(); // as this drop! names them
        for (String name : d.tensors()) {
            Object v = lookup(name);
            if (v instanceof Opaque o) {
                throw impossible("usage cannot follow " + name + " (assigned at line " + o.pos().line()
                        + " from a value known only when running), which drop! gives back here");
            }
            if (v == null) {
                throw impossible("usage cannot follow " + name + ", which drop! gives back here: it is not"
                        + " allocated in the code being sized");
            }
            if (!(v instanceof TensorRec t)) {
                throw fail(d.pos(), "drop!(" + d.buffer() + ", " + name + "): " + name + " is not a tensor but "
                        + show(v));
            }
            given.add(t);
            named.putIfAbsent(t, name);
        }
        rule(d.pos(), "drop!(" + d.buffer() + ", " + String.join(", ", d.tensors()) + "): ",
                BufferRules.drop(stackView(d.buffer(), named), given));
        l.pop(given.size());
        dropLog.addAll(given);
        for (TensorRec t : given) {
            t.droppedBy = "drop!(" + d.buffer() + ", " + String.join(", ", d.tensors()) + ") at line "
                    + d.pos().line();
            l.len = l.len.minus(t.size);
        }
    }








    /** The value of an open condition on this path: fixed by the prefix, or the first time, a new branch point. */
    boolean decide(String atom) {
        loops.pieces.checkOpen(atom);
        Boolean known = decided.get(atom);
        if (known != null) {
            return known;
        }
        if (worstCase) {
            throw new OpenCondition(atom);
        }
        int index = decisions.size();
        atoms.add(atom);
        if (index >= prefix.size()) {
            decisions.add(false);
            throw new NeedDecision();
        }
        boolean v = prefix.get(index);
        decisions.add(v);
        decided.put(atom, v);
        path.add(atom + " is " + v);
        return v;
    }







}

