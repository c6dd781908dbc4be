package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.Signals.NeedDecision;
import io.github.bufdsl.analysis.Signals.OpenCondition;
import io.github.bufdsl.analysis.Signals.PathEnd;
import io.github.bufdsl.runtime.BufferRules;
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
    /** The statements on a buffer's stack. */
    final BufferSteps buffers = new BufferSteps(this);
    /** Calls of user functions. */
    final FunctionCalls calls = new FunctionCalls(this);
    /** Conditions usage cannot know around what changes sizes or leaves. */
    final DataChoices choices = new DataChoices(this);
    /** What each kind of statement does on this path. */
    private final PathSteps steps = new PathSteps(this);

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
        this.workspace = new WorkspaceModel(ev.backend.anyOffset(), ev.backend.stages(), ev.backend.readsNative(),
                new SymbolicSizes(this));
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
        } catch (Signals.NotClosed e) {
            throw impossible("usage cannot size this without values: " + e.reason + "; give " + ev.whichVars()
                    + " with --var");
        } catch (ArithmeticException e) { // a sum or product of sizes past 64 bits (a loop's total, say)
            fail(at, "the size overflows 64 bits (a buffer's level or peak past 9.2e18 elements)");
        }
    }

    SizingResult.Leaf leaf() {
        Map<String, SizingResult.BufferPeak> peaks = new LinkedHashMap<>();
        levels.forEach((b, l) -> peaks.put(b, new SizingResult.BufferPeak(l.peak, l.peakAt, l.liveAtPeak())));
        return new SizingResult.Leaf(peaks, List.copyOf(path), workspace.used() ? workspace.total() : Peak.ZERO,
                workspace.unknownWhy(), List.copyOf(trace));
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

    /** A size or condition read a value usage cannot know (see {@link Opaque}). */
    static final class Unknowable extends DiagnosticException {
        Unknowable(Pos at, String message) {
            super(Phase.STATIC, at, message);
        }
    }

    Unknowable unknowable(String message) {
        return new Unknowable(at, message);
    }

    /**
     * A value assigned or passed on (a variable's, a function's argument): one computed from a value
     * usage cannot know ({@code s + 1} after {@code s = sum(A)}) is unknowable too, written at
     * {@code pos}, and an error only where a size or a condition reads it, as the value it came from.
     */
    Object valueOrUnknowable(SizeExpr e, Pos pos) {
        try {
            return value(e);
        } catch (Unknowable u) {
            return new Opaque(pos, false);
        }
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
        choices.noteWrite(name);
        (locals != null ? locals : globals).put(name, value);
    }

    Level level(String buffer) {
        return levels.get(bufferParams.getOrDefault(buffer, buffer));
    }

    /** The name this scope gives the buffer whose own name is {@code resolved} (a parameter's, or its own). */
    String localName(String resolved) {
        for (Map.Entry<String, String> e : bufferParams.entrySet()) {
            if (e.getValue().equals(resolved)) {
                return e.getKey();
            }
        }
        return resolved;
    }

    String bufferName(String buffer) {
        return bufferParams.getOrDefault(buffer, buffer);
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
            if (x == null || x instanceof Opaque || x instanceof TensorRec || x instanceof Poly p && !p.isConstant()) {
                return false; // a formula of free variables is not a value to iterate with
            }
        }
        return true;
    }

    void statement(SizeStmt s) {
        if ((++ev.statementsRun & 1023) == 0 && System.nanoTime() > ev.deadline) {
            at = s.pos();
            throw impossible("sizing did not finish within the time limit of the analysis (" + ev.budgetText()
                    + ")" + ev.iterationNote() + "; it was here. Give " + ev.whichVars() + " with --var, or allow more time"
                    + " with --max-sizing-time");
        }
        if (s.accept(steps)) {
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

    /** The value of an open condition on this path: fixed by the prefix, or the first time, a new branch point. */
    private static final java.util.regex.Pattern AT_LEAST = java.util.regex.Pattern.compile("(.+) >= (-?\\d+)");

    /**
     * What the conditions decided on this path already say of {@code x >= c}: {@code x >= c2}
     * true with {@code c2 >= c} makes it true, false with {@code c2 <= c} makes it false; null otherwise.
     */
    private Boolean implied(String atom) {
        java.util.regex.Matcher m = AT_LEAST.matcher(atom);
        if (!m.matches()) {
            return null;
        }
        long c = Long.parseLong(m.group(2));
        for (Map.Entry<String, Boolean> e : decided.entrySet()) {
            java.util.regex.Matcher o = AT_LEAST.matcher(e.getKey());
            if (o.matches() && o.group(1).equals(m.group(1))) {
                long c2 = Long.parseLong(o.group(2));
                if (e.getValue() && c2 >= c) {
                    return true;
                }
                if (!e.getValue() && c2 <= c) {
                    return false;
                }
            }
        }
        return null;
    }

    boolean decide(String atom) {
        if (Accumulators.reads(atom)) { // a condition on a sum a loop is carrying: no closed form
            throw Accumulators.readInLoop(Accumulators.namesIn(atom));
        }
        loops.pieces.checkOpen(atom);
        Boolean known = decided.get(atom);
        if (known == null) {
            known = implied(atom);
        }
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
