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
     * and reshape mode, the decisions taken, the ev.problems seen.
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

    void callFunction(SizeStmt.Call c) {
        SizingFunction.PseudoFunction f = ev.function.functions().get(c.function());
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
        locals = frame;
        bufferParams = buffersHere;
        try {
            statements(f.body());
        } catch (Returned r) {
            // the ev.function returned early
        } finally {
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

    /**
     * Worst-case mode: each alternative runs from the same state, and the peak is the largest of
     * theirs. Where they all leave the buffers as they found them, or leave the same tensors
     * (by name, in the same order) of different sizes, one of which is at least as large as every
     * other's everywhere, the run goes on from that one: exact, since nothing later can grow more
     * from a smaller start. Where no alternative is the largest everywhere, it goes on from one
     * whose differing tensors take the largest size any alternative gave them, which may not be a
     * state any path reaches: from there on the figures are an upper bound, and the result says so.
     */
    void largest(SizeStmt.If f, List<List<SizeStmt>> alternatives) {
        State before = save();
        Peak[] peaks = new Peak[levels.size()];
        List<State> ends = new ArrayList<>();
        for (List<SizeStmt> body : alternatives) {
            restore(before);
            statements(body);
            ends.add(save());
            int i = 0;
            for (Level l : levels.values()) {
                peaks[i] = peaks[i] == null ? l.peak : peaks[i].max(l.peak);
                i++;
            }
        }
        int chosen = 0;
        boolean same = true;
        for (State end : ends) {
            same &= sameBuffers(ends.get(0), end) && sameValues(ends.get(0).globals(), end.globals(), false);
        }
        if (same) {
            restore(ends.get(0));
        } else {
            boolean shapes = true;
            for (State end : ends) {
                shapes &= sameShape(ends.get(0), end);
            }
            if (!shapes) {
                if (!mergeUnread(f, before, ends)) {
                    throw impossible("sizing needs more than " + ev.maxPaths + " combinations of the open"
                            + " conditions, and the branches of this if leave different tensors in the buffers"
                            + " that the script uses later, so they cannot be sized apart; give some free"
                            + " variables with --var");
                }
                int i = 0;
                for (Level l : levels.values()) {
                    l.peak = peaks[i++];
                }
                return;
            }
            chosen = largestEverywhere(ends);
            // run the chosen alternative again, so that what it dropped is marked as dropped
            restore(before);
            statements(alternatives.get(chosen < 0 ? largestLength(ends) : chosen));
            if (chosen < 0) {
                inflate(ends);
                upperBound = true;
            }
        }
        int i = 0;
        for (Level l : levels.values()) {
            l.peak = peaks[i++];
        }
    }

    /** Reads of each name in the whole sizing ev.function, functions included; made when first needed. */
    Map<String, Integer> readsEverywhere;

    /**
     * Branches that leave different tensors, none of which the script reads outside this if (nor
     * any tensor from before it that a branch dropped): what comes later can only depend on how
     * much each buffer holds, so the run goes on from the branch that holds the most. Exact when
     * one branch holds the most in every buffer; else each buffer takes its largest branch and
     * the figures are an upper bound. False (nothing changed) when the condition does not hold.
     */
    boolean mergeUnread(SizeStmt.If f, State before, List<State> ends) {
        if (readsEverywhere == null) {
            readsEverywhere = new HashMap<>();
            RepeatingLoops.countReads(ev.function.body(), readsEverywhere);
            ev.function.functions().values().forEach(fn -> RepeatingLoops.countReads(fn.body(), readsEverywhere));
        }
        Map<String, Integer> inside = new HashMap<>();
        RepeatingLoops.countReads(List.of(f), inside);
        java.util.Set<String> differing = new java.util.HashSet<>();
        Map<String, Integer> choice = new LinkedHashMap<>();
        for (String buffer : levels.keySet()) {
            List<List<TensorRec>> stacks = new ArrayList<>();
            ends.forEach(st -> stacks.add(new ArrayList<>(st.levels().get(buffer).stack)));
            List<TensorRec> was = new ArrayList<>(before.levels().get(buffer).stack);
            int common = 0; // from the bottom: the tensors every branch left where they were
            while (true) {
                TensorRec t = null;
                boolean same = true;
                for (List<TensorRec> st : stacks) {
                    TensorRec x = common < st.size() ? st.get(st.size() - 1 - common) : null;
                    same &= x != null && (t == null || x == t);
                    t = x;
                }
                if (!same) {
                    break;
                }
                common++;
            }
            for (List<TensorRec> st : stacks) {
                st.subList(0, st.size() - common).forEach(t -> differing.add(t.name));
            }
            was.subList(0, Math.max(0, was.size() - common)).forEach(t -> differing.add(t.name));
            int best = -1;
            for (int c = 0; c < ends.size() && best < 0; c++) {
                boolean all = true;
                for (State o : ends) {
                    all &= ends.get(c).levels().get(buffer).len.dominates(o.levels().get(buffer).len)
                            && java.util.Objects.equals(ends.get(c).levels().get(buffer).reshapeAt,
                                    o.levels().get(buffer).reshapeAt);
                }
                best = all ? c : -1;
            }
            if (best < 0) {
                return false;
            }
            choice.put(buffer, best);
        }
        for (String name : differing) {
            if (readsEverywhere.getOrDefault(name, 0) > inside.getOrDefault(name, 0)) {
                return false;
            }
        }
        for (State end : ends) {
            if (!sameValuesExcept(ends.get(0).globals(), end.globals(), differing)) {
                return false;
            }
        }
        restore(ends.get(0));
        choice.forEach((buffer, c) -> levels.put(buffer, ends.get(c).levels().get(buffer).copy()));
        if (new java.util.HashSet<>(choice.values()).size() > 1) {
            upperBound = true; // no one branch holds the most everywhere
        }
        return true;
    }

    /** {@link #sameValues} apart from the variables named in {@code ignored}. */
    boolean sameValuesExcept(Map<String, Object> a, Map<String, Object> b, java.util.Set<String> ignored) {
        Map<String, Object> x = new HashMap<>(a);
        Map<String, Object> y = new HashMap<>(b);
        x.keySet().removeAll(ignored);
        y.keySet().removeAll(ignored);
        return sameValues(x, y, false);
    }

    /** Same buffers with the same number of tensors of the same names, and the same variables. */
    boolean sameShape(State a, State b) {
        if (!a.globals().keySet().equals(b.globals().keySet())) {
            return false;
        }
        for (String buffer : a.levels().keySet()) {
            List<TensorRec> x = new ArrayList<>(a.levels().get(buffer).stack);
            List<TensorRec> y = new ArrayList<>(b.levels().get(buffer).stack);
            if (x.size() != y.size()) {
                return false;
            }
            for (int k = 0; k < x.size(); k++) {
                if (x.get(k) != y.get(k) && !(java.util.Objects.equals(x.get(k).name, y.get(k).name)
                        && x.get(k).buffer.equals(y.get(k).buffer))) {
                    return false;
                }
            }
        }
        return sameValues(a.globals(), b.globals(), true);
    }

    /**
     * The same variables with the same values (a number that differs could steer what comes
     * later); unknown values count as equal, and tensors too when {@code anyTensor}.
     */
    boolean sameValues(Map<String, Object> a, Map<String, Object> b, boolean anyTensor) {
        java.util.Set<String> names = new java.util.HashSet<>(a.keySet());
        names.addAll(b.keySet());
        for (String name : names) {
            Object x = a.get(name);
            Object y = b.get(name);
            if (x == null || y == null) {
                // a tensor only one branch names: if it were still allocated the buffers would
                // differ (compared apart), so it is a temporary given back, which changes nothing later
                if ((x != null ? x : y) instanceof TensorRec) {
                    continue;
                }
                return false;
            }
            boolean same = x instanceof Opaque && y instanceof Opaque
                    || anyTensor && x instanceof TensorRec && y instanceof TensorRec
                    || java.util.Objects.equals(x, y);
            if (!same) {
                return false;
            }
        }
        return true;
    }

    /** The alternative at least as large as every other in every length and tensor size, or -1. */
    int largestEverywhere(List<State> ends) {
        for (int c = 0; c < ends.size(); c++) {
            boolean all = true;
            for (int o = 0; o < ends.size() && all; o++) {
                all = atLeast(ends.get(c), ends.get(o));
            }
            if (all) {
                return c;
            }
        }
        return -1;
    }

    boolean atLeast(State a, State b) {
        for (String buffer : a.levels().keySet()) {
            Level x = a.levels().get(buffer);
            Level y = b.levels().get(buffer);
            if (!x.len.dominates(y.len)) {
                return false;
            }
            java.util.Iterator<TensorRec> i = x.stack.iterator();
            java.util.Iterator<TensorRec> j = y.stack.iterator();
            while (i.hasNext()) {
                if (!i.next().size.dominates(j.next().size)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The alternative whose buffers hold the most (by the sum of constant lengths), for an upper bound. */
    int largestLength(List<State> ends) {
        int best = 0;
        long most = Long.MIN_VALUE;
        for (int c = 0; c < ends.size(); c++) {
            long total = 0;
            for (Level l : ends.get(c).levels().values()) {
                total += l.len.isConstant() ? l.len.constantValue() : 0;
            }
            if (total > most) {
                most = total;
                best = c;
            }
        }
        return best;
    }

    /**
     * Gives every tensor the alternatives left with different sizes the largest of its sizes (and
     * unknown dimensions), in the buffers and in the variables that name it.
     */
    void inflate(List<State> ends) {
        for (Map.Entry<String, Level> e : levels.entrySet()) {
            Level l = e.getValue();
            List<TensorRec> now = new ArrayList<>(l.stack);
            List<List<TensorRec>> all = new ArrayList<>();
            ends.forEach(st -> all.add(new ArrayList<>(st.levels().get(e.getKey()).stack)));
            Map<TensorRec, TensorRec> replaced = new java.util.IdentityHashMap<>();
            for (int k = 0; k < now.size(); k++) {
                TensorRec t = now.get(k);
                Poly most = t.size;
                boolean differs = false;
                for (List<TensorRec> st : all) {
                    TensorRec o = st.get(k);
                    differs |= o != t;
                    if (!most.dominates(o.size)) {
                        if (o.size.dominates(most)) {
                            most = o.size;
                        } else {
                            throw impossible("sizing needs more than " + ev.maxPaths + " combinations of the open"
                                    + " conditions, and the sizes " + most + " and " + o.size + " that branches"
                                    + " give " + t.name + " cannot be compared; give some free variables with --var");
                        }
                    }
                }
                if (differs) {
                    TensorRec bigger = new TensorRec(t.name, t.buffer, most, t.pos, null, t.offset, t.float32);
                    l.len = l.len.plus(most.minus(t.size));
                    replaced.put(t, bigger);
                    now.set(k, bigger);
                }
            }
            if (!replaced.isEmpty()) {
                l.clear();
                for (int k = now.size() - 1; k >= 0; k--) {
                    l.push(now.get(k));
                }
                for (Map<String, Object> scope : locals == null ? List.of(globals) : List.of(globals, locals)) {
                    scope.replaceAll((name, v) -> v instanceof TensorRec r && replaced.containsKey(r)
                            ? replaced.get(r) : v);
                }
            }
        }
    }

    boolean sameBuffers(State a, State b) {
        for (String buffer : a.levels().keySet()) {
            Level x = a.levels().get(buffer);
            Level y = b.levels().get(buffer);
            if (!x.len.equals(y.len) || !new ArrayList<>(x.stack).equals(new ArrayList<>(y.stack))) {
                return false;
            }
        }
        return true;
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
                    + ev.budgetText() + "); give more free variables with --var, or allow more time with"
                    + " --max-sizing-time");
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
                    + "); it was here. Give more free variables with --var" + (ev.bindings.isEmpty() ? "" : "")
                    + ", or allow more time with --max-sizing-time");
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
            checkIndices(op);
            workspace(op);
        } else if (s instanceof SizeStmt.Use u) {
            for (String name : u.names()) {
                if (lookup(name) instanceof TensorRec t) {
                    rule(u.pos(), "", BufferRules.use(name, t.droppedBy));
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
                    largest(f, alternatives);
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

    /**
     * The checks of {@code @tensor} that need only the dimensions: every index twice in a term
     * (on a factor and the output, or on two factors), never three times, with one dimension.
     * Tensors whose dimensions are not known here are not checked.
     */
    void checkIndices(SizeStmt.TensorOp op) {
        TensorRec out = lookup(op.output()) instanceof TensorRec t ? t : null;
        TensorRules.Ref outRef = new TensorRules.Ref(op.output(), op.outLabels(),
                out != null && !op.define() ? knownDims(out) : null);
        for (List<SizeStmt.Factor> term : op.terms()) {
            if (term.isEmpty()) {
                continue;
            }
            List<TensorRules.Ref> refs = new ArrayList<>();
            for (SizeStmt.Factor f : term) {
                TensorRec t = lookup(f.tensor()) instanceof TensorRec r ? r : null;
                refs.add(new TensorRules.Ref(f.tensor(), f.labels(), t == null ? null : knownDims(t)));
            }
            TensorRules.Violation v = TensorRules.term(outRef, refs);
            if (v != null) {
                throw fail(op.pos(), v.message());
            }
        }
    }

    /** A record's dimensions for the index rules: numbers where known, else {@link TensorRules#UNKNOWN}. */
    private static long[] knownDims(TensorRec t) {
        if (t.dims == null) {
            return null;
        }
        long[] d = new long[t.dims.size()];
        for (int k = 0; k < d.length; k++) {
            d[k] = t.dims.get(k).isConstant() ? t.dims.get(k).constantValue() : TensorRules.UNKNOWN;
        }
        return d;
    }

    /** Counts the statement's workspace when every dimension of its tensors is a number. */
    void workspace(SizeStmt.TensorOp op) {
        Map<String, Long> dims = new HashMap<>();
        List<SizeStmt.Factor> refs = op.order().refs();
        Boolean[] direct = new Boolean[refs.size()];
        Boolean[] offHeap = new Boolean[refs.size()];
        Object output = lookup(op.output());
        Boolean outDirect = output instanceof TensorRec r ? r.direct(ev.backend)
                : output instanceof Opaque o && o.view() ? Boolean.FALSE : null;
        Boolean outOffHeap = output instanceof TensorRec r ? r.offHeap : null;
        for (int i = 0; i < refs.size(); i++) {
            SizeStmt.Factor f = refs.get(i);
            TensorRec t = lookup(f.tensor()) instanceof TensorRec r ? r : null;
            if (t == null || t.dims == null || t.dims.size() != f.labels().size()) {
                workspace.markUnknown();
                return;
            }
            direct[i] = t.direct(ev.backend);
            offHeap[i] = t.offHeap;
            for (int k = 0; k < f.labels().size(); k++) {
                Poly d = t.dims.get(k);
                if (!d.isConstant()) {
                    workspace.markUnknown();
                    return;
                }
                dims.putIfAbsent(f.labels().get(k), d.constantValue());
            }
        }
        long limit = Long.MAX_VALUE;
        if (op.order().limit() != null) {
            Poly l = integer(op.order().limit(), "maxintermediate");
            if (!l.isConstant()) {
                workspace.markUnknown();
                return;
            }
            limit = l.constantValue();
        }
        try {
            workspace.statement(op, dims, limit, direct, offHeap, outDirect, outOffHeap);
        } catch (RuntimeException e) {
            workspace.markUnknown(); // the runtime reports what does not fit
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

    Poly times(Poly a, Poly b) {
        try {
            return a.times(b);
        } catch (ArithmeticException e) {
            throw fail(at, "the size overflows 64 bits");
        }
    }

    long bound(SizeExpr e, String var) {
        Poly p = integer(e, "a range bound");
        if (!p.isConstant()) {
            throw impossible("to size the loop over " + var + ", usage needs the value of " + p
                    + "; give its variables with --var");
        }
        return p.constantValue();
    }

    Poly integer(SizeExpr e, String what) {
        Object v = value(e);
        if (v instanceof Free f) {
            return Poly.symbol(f.name());
        }
        if (v instanceof Poly p) {
            return p;
        }
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9e15) {
            return Poly.constant(d.longValue());
        }
        throw fail(at, what + " must be an integer, not " + show(v) + written(v, e));
    }

    /** " (as written: n - 5)" when the expression's text says more than its value. */
    String written(Object v, SizeExpr e) {
        String text = JuliaPrinter.expr(e);
        return text.equals(show(v)) ? "" : " (" + text + ")";
    }

    String show(Object v) {
        if (v instanceof Free f) {
            return f.name();
        }
        if (v instanceof Open o) {
            return o.text();
        }
        return v instanceof Double d ? io.github.bufdsl.exec.ValueFormat.formatFloat(d) : String.valueOf(v);
    }

    boolean bool(SizeExpr e) {
        return bool(e, "a condition must be");
    }

    boolean bool(SizeExpr e, String must) {
        Object v = value(e);
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Free f) {
            return decide(f.name());
        }
        if (v instanceof Open o) {
            return decide(o.text());
        }
        throw fail(at, must + " true or false, not " + show(v) + written(v, e));
    }

    /** The value of an open condition on this path: fixed by the prefix, or the first time, a new branch point. */
    boolean decide(String atom) {
        loops.checkOpen(atom);
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

    /** Long, Double and Boolean values come as Poly, Double and Boolean; a free variable as Free. */
    Object value(SizeExpr e) {
        if (e instanceof SizeExpr.Num n) {
            return Poly.constant(n.value());
        }
        if (e instanceof SizeExpr.Real r) {
            return r.value();
        }
        if (e instanceof SizeExpr.Flag f) {
            return f.value();
        }
        if (e instanceof SizeExpr.Var v) {
            Object x = lookup(v.name());
            if (x == null) {
                Object bound = ev.bindings.get(v.name());
                if (bound instanceof Long l) {
                    return Poly.constant(l);
                }
                if (bound != null) {
                    return bound;
                }
                return new Free(v.name());
            }
            if (x instanceof Opaque o) {
                throw impossible("a size or condition depends on " + v.name() + ", whose value usage cannot know"
                        + " before running (it is assigned at line " + o.pos().line() + ")");
            }
            if (x instanceof TensorRec) {
                throw impossible(v.name() + " is a tensor, not a number");
            }
            return x;
        }
        if (e instanceof SizeExpr.Logic l) {
            boolean x = bool(l.left());
            if (l.isAnd() ? !x : x) {
                return x;
            }
            return bool(l.right());
        }
        if (e instanceof SizeExpr.Unary u) {
            if (u.op().equals("!")) {
                return !bool(u.operand(), "the operand of ! must be");
            }
            Object x = numeric(value(u.operand()));
            return x instanceof Poly p ? p.negate() : (Object) (-(Double) x);
        }
        if (e instanceof SizeExpr.Call c) {
            return call(c);
        }
        SizeExpr.Bin b = (SizeExpr.Bin) e;
        return binary(b.op(), value(b.left()), value(b.right()));
    }

    Object numeric(Object v) {
        if (v instanceof Free f) {
            return Poly.symbol(f.name());
        }
        if (v instanceof Poly || v instanceof Double) {
            return v;
        }
        if (v instanceof Boolean b) { // a Bool is an integer, as in Julia (and in run)
            return Poly.constant(b ? 1 : 0);
        }
        throw fail(at, "expected a number, not " + show(v));
    }

    Object call(SizeExpr.Call c) {
        List<Object> values = new ArrayList<>();
        for (SizeExpr a : c.args()) {
            values.add(value(a));
        }
        Object concrete = concrete(() -> Concrete.call(c.function(), values));
        if (concrete != null) {
            return concrete;
        }
        List<Poly> args = new ArrayList<>();
        boolean constant = true;
        for (SizeExpr a : c.args()) {
            Poly p = integer(a, "an argument of " + c.function());
            args.add(p);
            constant &= p.isConstant();
        }
        if (!constant) {
            if (c.function().equals("max") || c.function().equals("min")) {
                Poly best = args.get(0);
                boolean decided = true;
                for (Poly p : args) {
                    boolean bigger = p.dominates(best);
                    boolean smaller = best.dominates(p);
                    if (c.function().equals("max") ? bigger : smaller) {
                        best = p;
                    } else if (!(c.function().equals("max") ? smaller : bigger)) {
                        decided = false;
                    }
                }
                if (decided) {
                    return best;
                }
            }
            return Poly.symbol(c.function() + "(" + String.join(", ", args.stream().map(Poly::toString).toList())
                    + ")");
        }
        throw fail(at, "the arguments of " + c.function() + " must be integers");
    }

    /** A concrete result computed by the interpreter's own code (null if symbolic), its errors as ours. */
    Object concrete(java.util.function.Supplier<Object> compute) {
        try {
            return compute.get();
        } catch (io.github.bufdsl.exec.ScriptError e) {
            throw fail(at, e.getMessage());
        }
    }

    Object binary(String op, Object x, Object y) {
        Object concrete = concrete(() -> Concrete.binary(op, x, y));
        if (concrete != null) {
            return concrete;
        }
        boolean comparison = switch (op) {
            case "==", "!=", "<", "<=", ">", ">=" -> true;
            default -> false;
        };
        if (comparison && (x instanceof Boolean || y instanceof Boolean)) {
            if (!(x instanceof Boolean) || !(y instanceof Boolean) || !(op.equals("==") || op.equals("!="))) {
                throw fail(at, "cannot compare " + show(x) + " " + op + " " + show(y));
            }
            return op.equals("==") == x.equals(y);
        }
        Object a = numeric(x);
        Object b = numeric(y);
        boolean bothPoly = a instanceof Poly && b instanceof Poly;
        if (bothPoly && !(((Poly) a).isConstant() && ((Poly) b).isConstant())) {
            Poly p = (Poly) a;
            Poly q = (Poly) b;
            try {
                switch (op) {
                    case "+":
                        return p.plus(q);
                    case "-":
                        return p.minus(q);
                    case "*":
                        return p.times(q);
                    case "^":
                        if (q.isConstant() && q.constantValue() >= 0 && q.constantValue() <= 64) {
                            Poly r = Poly.constant(1);
                            for (long i = 0; i < q.constantValue(); i++) {
                                r = r.times(p);
                            }
                            return r;
                        }
                        break;
                    case "==", "!=":
                        if (p.equals(q)) {
                            return op.equals("==");
                        }
                        break;
                    default:
                        break;
                }
            } catch (ArithmeticException e) {
                throw fail(at, "integer overflow in " + p + " " + op + " " + q);
            }
            if (comparison && loops.mentionsLoop(p.minus(q))) {
                Boolean decided = loops.compare(op, p, q);
                if (decided != null) {
                    return decided;
                }
                throw loops.notClosed("the condition " + wrap(p) + " " + op + " " + wrap(q)
                        + " is not linear in the loop variable");
            }
            if (op.equals("%") && loops.mentionsLoop(p)) {
                Poly r = loops.mod(p, q);
                if (r != null) {
                    return r;
                }
            }
            String text = wrap(p) + " " + op + " " + wrap(q);
            return comparison ? new Open(text) : Poly.symbol("(" + text + ")");
        }
        if (!bothPoly && (a instanceof Poly p && !p.isConstant() || b instanceof Poly q && !q.isConstant())) {
            String text = show(a) + " " + op + " " + show(b);
            return comparison ? new Open(text) : Poly.symbol("(" + text + ")");
        }
        if (bothPoly && !op.equals("/")) {
            long p = ((Poly) a).constantValue();
            long q = ((Poly) b).constantValue();
            try {
                return switch (op) {
                    case "+" -> Poly.constant(Math.addExact(p, q));
                    case "-" -> Poly.constant(Math.subtractExact(p, q));
                    case "*" -> Poly.constant(Math.multiplyExact(p, q));
                    case "%" -> {
                        if (q == 0) {
                            throw fail(at, "integer division by zero");
                        }
                        yield Poly.constant(p % q);
                    }
                    case "^" -> {
                        if (q < 0) {
                            throw fail(at, "cannot raise an integer to a negative power");
                        }
                        long r = 1;
                        for (long i = 0; i < q && r != 0; i++) {
                            r = Math.multiplyExact(r, p);
                        }
                        yield Poly.constant(r);
                    }
                    default -> compares(op, Long.compare(p, q));
                };
            } catch (ArithmeticException ex) {
                throw fail(at, "integer overflow in " + p + " " + op + " " + q);
            }
        }
        double p = a instanceof Poly pa ? pa.constantValue() : (Double) a;
        double q = b instanceof Poly pb ? pb.constantValue() : (Double) b;
        return switch (op) {
            case "+" -> p + q;
            case "-" -> p - q;
            case "*" -> p * q;
            case "/" -> p / q;
            case "%" -> p % q;
            case "^" -> Math.pow(p, q);
            default -> p != p || q != q ? op.equals("!=") : compares(op, Double.compare(p, q));
        };
    }

    /** A comparison operator applied to the sign of a comparison. */
    boolean compares(String op, int c) {
        return switch (op) {
            case "==" -> c == 0;
            case "!=" -> c != 0;
            case "<" -> c < 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            default -> c >= 0;
        };
    }

    String wrap(Poly p) {
        return p.isSingleTerm() ? p.toString() : "(" + p + ")";
    }
}

