package io.github.bufdsl.analysis;

import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.runtime.BufferRules;
import io.github.bufdsl.runtime.TensorRules;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a sizing function on every path its open conditions allow, as the user would run the
 * printed Julia for every value of the free variables: {@code pseudo_alloc!} adds to the level and
 * raises the peak, {@code pseudo_drop!} takes the dropped tensors off, {@code pseudo_reset!} empties
 * the buffer. Free variables without a value stay symbols (sizes become polynomials in them);
 * a condition that depends on them is explored both ways. On the way it checks what running would
 * hit: drops out of stack order, drops of tensors that are gone or from another buffer, uses after
 * drop, a fixed buffer too small for its peak, and (as warnings) tensors never given back.
 */
public final class SizingEvaluator {
    /** Loop iterations allowed, over all paths, before the evaluation is called runaway. */
    public static final long DEFAULT_MAX_STEPS = 50_000_000L;
    /** Paths explored one by one at most; beyond, the branches of open ifs are merged for the worst case. */
    public static final int DEFAULT_MAX_PATHS = 1 << 12;

    private final SizingFunction function;
    private final Map<String, ?> bindings;
    private final long maxSteps;
    private final int maxPaths;
    private long steps;
    /** (pos, message) to the paths it happened on, in order found. */
    private final Map<List<Object>, List<String>> problems = new LinkedHashMap<>();
    private final Map<List<Object>, Boolean> problemIsError = new HashMap<>();
    /** Problems reported so far, counted with repeats (a loop whose iterations report them is not cut short). */
    private long problemCount;
    /** Per loop, whether its iterations repeat ({@link RepeatingLoops}). */
    private final Map<SizeStmt.For, Boolean> repeatingLoops = new java.util.IdentityHashMap<>();
    private java.util.Set<String> relevantNames;

    private java.util.Set<String> relevantNames() {
        if (relevantNames == null) {
            relevantNames = RepeatingLoops.relevant(function);
        }
        return relevantNames;
    }
    private int paths;

    private final Backend backend;

    private SizingEvaluator(SizingFunction function, Map<String, ?> bindings, long maxSteps, int maxPaths,
            Backend backend) {
        this.function = function;
        this.bindings = bindings;
        this.maxSteps = maxSteps;
        this.maxPaths = maxPaths;
        this.backend = backend;
    }

    /**
     * What sizing needs to know of the matrix backend contractions run on, to count their
     * workspace as the runtime takes it: whether it reads matrices at any offset (else only those
     * starting a buffer's array are used in place), whether it keeps staging copies of its own, and
     * whether it reads off-heap buffers in place (the buffers a script makes then live there).
     */
    public record Backend(boolean anyOffset, boolean stages, boolean readsNative) {
        /** EJML, the default. */
        public static final Backend EJML = new Backend(false, false, false);
    }

    /**
     * Explores every path. Values in {@code bindings} are Long, Double or Boolean.
     *
     * @throws DiagnosticException (static) for what makes sizing impossible (a runaway loop, a loop
     *     bound left free, too many paths); errors found by the checks are in the result
     */
    public static SizingResult analyze(SizingFunction f, Map<String, ?> bindings) {
        return analyze(f, bindings, DEFAULT_MAX_STEPS, DEFAULT_MAX_PATHS);
    }

    public static SizingResult analyze(SizingFunction f, Map<String, ?> bindings, long maxSteps, int maxPaths) {
        return analyze(f, bindings, maxSteps, maxPaths, Backend.EJML);
    }

    /** As {@link #analyze(SizingFunction, Map)}, with limits, for contractions on {@code backend}. */
    public static SizingResult analyze(SizingFunction f, Map<String, ?> bindings, long maxSteps, int maxPaths,
            Backend backend) {
        SizingEvaluator e = new SizingEvaluator(f, bindings, maxSteps, maxPaths, backend);
        java.util.Set<String> free = new java.util.HashSet<>(Pruner.freeVariables(f.body()));
        free.retainAll(Pruner.conditionVariables(f.body()));
        long open = free.stream().filter(v -> !bindings.containsKey(v)).count();
        try {
            if ((1L << Math.min(open, 62)) > maxPaths) {
                throw new TooManyPaths(); // more free variables than paths to follow: merge at once
            }
            SizingResult.Node tree = e.explore(new ArrayList<>());
            return new SizingResult(f, tree, e.diagnostics(), null);
        } catch (TooManyPaths tooMany) {
            SizingEvaluator w = new SizingEvaluator(f, bindings, maxSteps, maxPaths, backend);
            Run run = w.new Run(List.of());
            run.worstCase = true;
            run.go();
            w.paths = 1;
            return new SizingResult(f, run.leaf(), w.diagnostics(),
                    merged(run));
        }
    }

    private static SizingResult.Merged merged(Run run) {
        boolean shared = !run.openSeen.values().stream().allMatch(n -> n == 1);
        String why = shared && run.upperBound
                ? "a condition decides several ifs, and branches leave tensors whose sizes no one path has"
                : shared ? "a condition decides several ifs"
                : run.upperBound ? "branches leave tensors whose sizes no one path has" : null;
        return new SizingResult.Merged(run.openSeen.size(), why == null, why);
    }

    /**
     * The peak of every buffer in elements, when every variable the sizing function needs has a
     * value.
     *
     * @throws DiagnosticException (static) naming a variable without a value, or an error of the checks
     */
    public static Map<String, Long> peaks(SizingFunction f, Map<String, ?> bindings) {
        SizingResult r = analyze(f, bindings);
        r.diagnostics().stream().filter(d -> d.severity() == io.github.bufdsl.diag.Severity.ERROR).findFirst()
                .ifPresent(d -> {
                    throw new DiagnosticException(Phase.STATIC, List.of(d));
                });
        Map<String, Long> out = new LinkedHashMap<>();
        for (String b : f.buffers()) {
            Long v = r.peak(b);
            if (v == null) {
                String missing = r.tree() instanceof SizingResult.Split s ? s.condition() : r.formula(b);
                throw new DiagnosticException(Phase.STATIC, f.pos(), "the peak of " + b + " depends on " + missing
                        + "; give the free variables with --var");
            }
            out.put(b, v);
        }
        return out;
    }

    /** The value of a size expression from the bindings alone, or null when it needs more. */
    public static Long constant(SizeExpr e, Map<String, ?> bindings) {
        if (e instanceof SizeExpr.Num n) {
            return n.value();
        }
        if (e instanceof SizeExpr.Var v && bindings.get(v.name()) instanceof Long l) {
            return l;
        }
        return null;
    }

    private List<Diagnostic> diagnostics() {
        List<Diagnostic> out = new ArrayList<>();
        problems.forEach((key, onPaths) -> {
            Pos pos = (Pos) key.get(0);
            String message = (String) key.get(1);
            String when = onPaths.size() == paths || onPaths.get(0).isEmpty() ? "" : "when " + onPaths.get(0) + ": ";
            out.add(problemIsError.get(key) ? Diagnostic.error(pos, when + message)
                    : Diagnostic.warning(pos, when + message));
        });
        return out;
    }

    /** Depth-first over the open conditions; {@code prefix} fixes the first decisions. */
    private SizingResult.Node explore(List<Boolean> prefix) {
        Run run = new Run(prefix);
        run.go();
        if (run.decisions.size() == prefix.size()) {
            paths++;
            if (paths > maxPaths) {
                throw new TooManyPaths();
            }
            return run.leaf();
        }
        // the run met a new condition at decision index prefix.size(): explore both ways
        String condition = run.atoms.get(prefix.size());
        List<Boolean> no = new ArrayList<>(prefix);
        no.add(false);
        List<Boolean> yes = new ArrayList<>(prefix);
        yes.add(true);
        SizingResult.Node f = explore(no);
        SizingResult.Node t = explore(yes);
        return new SizingResult.Split(condition, f, t);
    }

    /** A tensor on a path: its buffer, size, where it was allocated, and how it was given back. */
    private static final class TensorRec {
        final String name;
        final String buffer;
        final Poly size;
        final Pos pos;
        /** The dimensions, or null when not known. */
        final List<Poly> dims;
        /** Where it starts in its buffer, or null when not known. */
        final Poly offset;
        /** Whether its buffer holds Float32 (a contraction then works on a widened copy of it). */
        final boolean float32;
        /** Whether its buffer lives off the heap; null when not known (a buffer the script did not make). */
        Boolean offHeap = Boolean.FALSE;
        String droppedBy;

        TensorRec(String name, String buffer, Poly size, Pos pos, List<Poly> dims, Poly offset, boolean float32) {
            this.name = name;
            this.buffer = buffer;
            this.size = size;
            this.pos = pos;
            this.dims = dims;
            this.offset = offset;
            this.float32 = float32;
        }

        /** Whether a contraction on {@code backend} reads or writes it in place; null when that is not known. */
        Boolean direct(Backend backend) {
            if (backend.anyOffset() || float32) {
                return true;
            }
            return offset == null || !offset.isConstant() ? null : offset.constantValue() == 0;
        }
    }

    /** A buffer on a path. */
    private static final class Level {
        Poly len = Poly.ZERO;
        Peak peak = Peak.ZERO;
        Pos peakAt = Pos.NONE;
        /** The live tensors where the peak was reached (a snapshot: the stack is persistent). */
        Stack atPeak;
        final Deque<TensorRec> stack = new ArrayDeque<>();
        /** The same stack as a persistent list, so that a snapshot at the peak costs nothing. */
        Stack persistent;
        /** Where reshape_buf! put the buffer in reshape mode, until reset!; null otherwise. */
        Pos reshapeAt;

        Level copy() {
            Level c = new Level();
            c.len = len;
            c.peak = peak;
            c.peakAt = peakAt;
            c.atPeak = atPeak;
            c.stack.addAll(stack);
            c.persistent = persistent;
            c.reshapeAt = reshapeAt;
            return c;
        }

        void push(TensorRec t) {
            stack.push(t);
            persistent = new Stack(t, persistent);
        }

        void clear() {
            stack.clear();
            persistent = null;
        }

        /** Takes the top {@code k} off (the caller checked they are the ones to drop). */
        void pop(int k) {
            for (int i = 0; i < k; i++) {
                stack.pop();
                persistent = persistent.below;
            }
        }

        List<SizingResult.Live> liveAtPeak() {
            List<SizingResult.Live> live = new ArrayList<>();
            for (Stack n = atPeak; n != null; n = n.below) {
                live.add(0, new SizingResult.Live(n.top.name, n.top.size, n.top.pos));
            }
            return List.copyOf(live);
        }
    }

    /** An immutable stack of tensors: the top and what is below. */
    private record Stack(TensorRec top, Stack below) {
    }

    /** Stops a path after an error on it. */
    private static final class PathEnd extends RuntimeException {
        PathEnd() {
            super(null, null, false, false);
        }
    }

    /** One run down one path. */
    private final class Run {
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
        final WorkspaceModel workspace = new WorkspaceModel(backend.anyOffset(), backend.stages(), backend.readsNative());
        /** Each buffer's level after each statement that changed it, while the levels are numbers. */
        final List<SizingResult.Step> trace = new ArrayList<>();
        /** Tensors dropped so far, to undo drops when a branch is taken back. */
        final List<TensorRec> dropLog = new ArrayList<>();

        Run(List<Boolean> prefix) {
            this.prefix = prefix;
            for (String b : function.buffers()) {
                levels.put(b, new Level());
            }
        }

        void go() {
            try {
                statements(function.body());
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

        private void finish() {
            levels.forEach((b, l) -> {
                for (TensorRec t : l.stack) {
                    warn(t.pos, t.name + " is still allocated in " + b + " at the end (allocated here); give it back"
                            + " with drop!(" + b + ", " + t.name + ") or reset!(" + b + ")");
                }
                SizingFunction.BufferDecl d = function.decls().get(b);
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

        private void problem(Pos pos, String message, boolean error) {
            problemCount++;
            List<Object> key = List.of(pos, message);
            problems.computeIfAbsent(key, k -> new ArrayList<>()).add(String.join(" and ", path));
            problemIsError.put(key, error);
        }

        /**
         * What an iteration of a repeating loop can change: each buffer's length, peak, live tensors
         * and reshape mode, the decisions taken, the problems seen.
         */
        private List<Object> loopState() {
            List<Object> state = new ArrayList<>();
            for (Level l : levels.values()) {
                state.add(l.len);
                state.add(l.peak);
                state.add(new ArrayList<>(l.stack)); // the same tensor records, compared by identity
                state.add(l.reshapeAt == null ? "" : l.reshapeAt);
            }
            state.add(levels.size());
            state.add(decisions.size());
            state.add(problemCount);
            return state;
        }

        private void warn(Pos pos, String message) {
            problem(pos, message, false);
        }

        private PathEnd fail(Pos pos, String message) {
            problem(pos, message, true);
            return new PathEnd();
        }

        private DiagnosticException impossible(String message) {
            return new DiagnosticException(Phase.STATIC, at, message);
        }

        private void statements(List<SizeStmt> body) {
            for (SizeStmt s : body) {
                statement(s);
            }
        }

        private Object lookup(String name) {
            if (locals != null && locals.containsKey(name)) {
                return locals.get(name);
            }
            return globals.get(name);
        }

        private void assign(String name, Object value) {
            (locals != null ? locals : globals).put(name, value);
        }

        private Level level(String buffer) {
            return levels.get(bufferParams.getOrDefault(buffer, buffer));
        }

        private String bufferName(String buffer) {
            return bufferParams.getOrDefault(buffer, buffer);
        }

        private void callFunction(SizeStmt.Call c) {
            SizingFunction.PseudoFunction f = function.functions().get(c.function());
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
                // the function returned early
            } finally {
                locals = savedLocals;
                bufferParams = savedBuffers;
            }
        }

        /** What a branch may change: levels, variables and drops. */
        private record State(Map<String, Object> globals, Map<String, Object> locals, Map<String, Level> levels,
                int drops) {
        }

        private State save() {
            Map<String, Level> copy = new LinkedHashMap<>();
            levels.forEach((b, l) -> copy.put(b, l.copy()));
            return new State(new HashMap<>(globals), locals == null ? null : new HashMap<>(locals), copy,
                    dropLog.size());
        }

        private void restore(State st) {
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
        private void largest(SizeStmt.If f, List<List<SizeStmt>> alternatives) {
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
                        throw impossible("sizing needs more than " + maxPaths + " combinations of the open"
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

        /** Reads of each name in the whole sizing function, functions included; made when first needed. */
        private Map<String, Integer> readsEverywhere;

        /**
         * Branches that leave different tensors, none of which the script reads outside this if (nor
         * any tensor from before it that a branch dropped): what comes later can only depend on how
         * much each buffer holds, so the run goes on from the branch that holds the most. Exact when
         * one branch holds the most in every buffer; else each buffer takes its largest branch and
         * the figures are an upper bound. False (nothing changed) when the condition does not hold.
         */
        private boolean mergeUnread(SizeStmt.If f, State before, List<State> ends) {
            if (readsEverywhere == null) {
                readsEverywhere = new HashMap<>();
                RepeatingLoops.countReads(function.body(), readsEverywhere);
                function.functions().values().forEach(fn -> RepeatingLoops.countReads(fn.body(), readsEverywhere));
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
        private boolean sameValuesExcept(Map<String, Object> a, Map<String, Object> b, java.util.Set<String> ignored) {
            Map<String, Object> x = new HashMap<>(a);
            Map<String, Object> y = new HashMap<>(b);
            x.keySet().removeAll(ignored);
            y.keySet().removeAll(ignored);
            return sameValues(x, y, false);
        }

        /** Same buffers with the same number of tensors of the same names, and the same variables. */
        private boolean sameShape(State a, State b) {
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
        private boolean sameValues(Map<String, Object> a, Map<String, Object> b, boolean anyTensor) {
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
        private int largestEverywhere(List<State> ends) {
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

        private boolean atLeast(State a, State b) {
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
        private int largestLength(List<State> ends) {
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
        private void inflate(List<State> ends) {
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
                                throw impossible("sizing needs more than " + maxPaths + " combinations of the open"
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

        private boolean sameBuffers(State a, State b) {
            for (String buffer : a.levels().keySet()) {
                Level x = a.levels().get(buffer);
                Level y = b.levels().get(buffer);
                if (!x.len.equals(y.len) || !new ArrayList<>(x.stack).equals(new ArrayList<>(y.stack))) {
                    return false;
                }
            }
            return true;
        }

        /** A while loop the script bounds runs as written; any other is sized by one iteration. */
        private void whileLoop(SizeStmt.While w) {
            if (w.condition() == null || !known(w.condition())) {
                oneIteration(w);
                return;
            }
            while (known(w.condition()) && bool(w.condition())) {
                if (++steps > maxSteps) {
                    at = w.pos();
                    throw impossible("sizing this while loop takes more than " + maxSteps + " steps");
                }
                statements(w.body());
            }
            if (w.condition() != null && !known(w.condition())) {
                oneIteration(w);
            }
        }

        /** True when every variable of the expression has a value on this path (no free or opaque one). */
        private boolean known(SizeExpr e) {
            java.util.Set<String> vars = new java.util.HashSet<>();
            Pruner.vars(e, vars);
            for (String v : vars) {
                Object x = lookup(v);
                if (x == null) {
                    x = bindings.get(v);
                }
                if (x == null || x instanceof Opaque || x instanceof TensorRec) {
                    return false;
                }
            }
            return true;
        }

        private void oneIteration(SizeStmt.While w) {
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

        private void statement(SizeStmt s) {
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

        private void step(SizeStmt s) {
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
                        a.pos(), dims, l.len, function.elementBytes(bufferName(a.buffer())) == 4);
                if (backend.readsNative()) { // the script's Float64 buffers are made off the heap
                    t.offHeap = !function.decls().containsKey(t.buffer) ? null : !t.float32;
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
                whileLoop(w);
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
                long start = bound(f.start(), f.var());
                long step = f.step() == null ? 1 : bound(f.step(), f.var());
                long stop = bound(f.stop(), f.var());
                if (step == 0) {
                    throw fail(f.pos(), "a range step cannot be zero");
                }
                boolean repeats = repeatingLoops.computeIfAbsent(f, loop -> RepeatingLoops.repeats(loop, relevantNames()));
                List<Object> before = null;
                for (long i = start; step > 0 ? i <= stop : i >= stop; i += step) {
                    if (++steps > maxSteps) {
                        at = f.pos();
                        throw impossible("sizing the loop over " + f.var() + " takes more than " + maxSteps
                                + " steps");
                    }
                    assign(f.var(), Poly.constant(i));
                    statements(f.body());
                    if (i > Long.MAX_VALUE - Math.abs(step) || i < Long.MIN_VALUE + Math.abs(step)) {
                        break;
                    }
                    if (repeats) {
                        List<Object> after = loopState();
                        if (after.equals(before)) {
                            // this iteration changed nothing the next one reads: the rest would repeat it
                            long last = start + (stop - start) / step * step;
                            assign(f.var(), Poly.constant(last));
                            break;
                        }
                        before = after;
                    }
                }
            }
        }

        /**
         * The checks of {@code @tensor} that need only the dimensions: every index twice in a term
         * (on a factor and the output, or on two factors), never three times, with one dimension.
         * Tensors whose dimensions are not known here are not checked.
         */
        private void checkIndices(SizeStmt.TensorOp op) {
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
        private void workspace(SizeStmt.TensorOp op) {
            Map<String, Long> dims = new HashMap<>();
            List<SizeStmt.Factor> refs = op.order().refs();
            Boolean[] direct = new Boolean[refs.size()];
            Boolean[] offHeap = new Boolean[refs.size()];
            Object output = lookup(op.output());
            Boolean outDirect = output instanceof TensorRec r ? r.direct(backend)
                    : output instanceof Opaque o && o.view() ? Boolean.FALSE : null;
            Boolean outOffHeap = output instanceof TensorRec r ? r.offHeap : null;
            for (int i = 0; i < refs.size(); i++) {
                SizeStmt.Factor f = refs.get(i);
                TensorRec t = lookup(f.tensor()) instanceof TensorRec r ? r : null;
                if (t == null || t.dims == null || t.dims.size() != f.labels().size()) {
                    workspace.markUnknown();
                    return;
                }
                direct[i] = t.direct(backend);
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

        private void drop(SizeStmt.Drop d) {
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

        private Poly times(Poly a, Poly b) {
            try {
                return a.times(b);
            } catch (ArithmeticException e) {
                throw fail(at, "the size overflows 64 bits");
            }
        }

        private long bound(SizeExpr e, String var) {
            Poly p = integer(e, "a range bound");
            if (!p.isConstant()) {
                throw impossible("to size the loop over " + var + ", usage needs the value of " + p
                        + "; give its variables with --var");
            }
            return p.constantValue();
        }

        private Poly integer(SizeExpr e, String what) {
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
        private String written(Object v, SizeExpr e) {
            String text = JuliaPrinter.expr(e);
            return text.equals(show(v)) ? "" : " (" + text + ")";
        }

        private String show(Object v) {
            if (v instanceof Free f) {
                return f.name();
            }
            if (v instanceof Open o) {
                return o.text();
            }
            return v instanceof Double d ? io.github.bufdsl.exec.ValueFormat.formatFloat(d) : String.valueOf(v);
        }

        private boolean bool(SizeExpr e) {
            return bool(e, "a condition must be");
        }

        private boolean bool(SizeExpr e, String must) {
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
        private boolean decide(String atom) {
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
        private Object value(SizeExpr e) {
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
                    Object bound = bindings.get(v.name());
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

        private Object numeric(Object v) {
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

        private Object call(SizeExpr.Call c) {
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
        private Object concrete(java.util.function.Supplier<Object> compute) {
            try {
                return compute.get();
            } catch (io.github.bufdsl.exec.ScriptError e) {
                throw fail(at, e.getMessage());
            }
        }

        private Object binary(String op, Object x, Object y) {
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
        private boolean compares(String op, int c) {
            return switch (op) {
                case "==" -> c == 0;
                case "!=" -> c != 0;
                case "<" -> c < 0;
                case "<=" -> c <= 0;
                case ">" -> c > 0;
                default -> c >= 0;
            };
        }

        private String wrap(Poly p) {
            return p.isSingleTerm() ? p.toString() : "(" + p + ")";
        }
    }

    /** A free variable without a value: a symbol in sizes, an open condition in branches. */
    private record Free(String name) {
    }

    /** A condition that depends on free variables, by its text. */
    private record Open(String text) {
    }

    /** A value usage cannot know before running. */
    /** A value sizing does not follow; {@code view} if it is a slice or a reshape_buf! view (never whole). */
    private record Opaque(Pos pos, boolean view) {
        Opaque(Pos pos) {
            this(pos, false);
        }
    }

    /** More paths than allowed: the worst case is computed by merging branches instead. */
    private static final class TooManyPaths extends RuntimeException {
        TooManyPaths() {
            super(null, null, false, false);
        }
    }

    /** A condition met in worst-case mode that is open: the enclosing if takes every branch. */
    private static final class OpenCondition extends RuntimeException {
        final String atom;

        OpenCondition(String atom) {
            super(null, null, false, false);
            this.atom = atom;
        }
    }

    /** A {@code return} leaving a user function. */
    private static final class Returned extends RuntimeException {
        Returned() {
            super(null, null, false, false);
        }
    }

    /** Thrown when a path meets a condition not decided yet. */
    private static final class NeedDecision extends RuntimeException {
        NeedDecision() {
            super(null, null, false, false);
        }
    }
}
