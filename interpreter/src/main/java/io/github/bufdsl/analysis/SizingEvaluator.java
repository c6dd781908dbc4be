package io.github.bufdsl.analysis;

import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
import io.github.bufdsl.diag.Pos;
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

    final SizingFunction function;
    final Map<String, ?> bindings;
    final long maxSteps;
    final int maxPaths;
    long steps;
    /** (pos, message) to the paths it happened on, in order found. */
    final Map<List<Object>, List<String>> problems = new LinkedHashMap<>();
    final Map<List<Object>, Boolean> problemIsError = new HashMap<>();
    /** Problems reported so far, counted with repeats (a loop whose iterations report them is not cut short). */
    long problemCount;
    /** Per loop, the names its iterations carry, empty when they cannot repeat ({@link RepeatingLoops}). */
    final Map<SizeStmt, java.util.Optional<java.util.Set<String>>> repeatingLoops = new java.util.IdentityHashMap<>();
    private java.util.Set<String> relevantNames;

    java.util.Set<String> relevantNames() {
        if (relevantNames == null) {
            relevantNames = RepeatingLoops.relevant(function);
        }
        return relevantNames;
    }
    int paths;
    /** Size loops by iterating only (the reference the closed forms are tested against). */
    boolean forceIteration;
    /** Loops that had no closed form and were iterated, with the reason. */
    final List<String> closedFormMisses = new ArrayList<>();
    /** System.nanoTime() past which the analysis stops with a diagnostic. */
    long deadline = Long.MAX_VALUE;
    /** Statements evaluated, to look at the clock now and then. */
    long statementsRun;
    /** The time limit as given, for messages. */
    double budgetSeconds;

    /** What to tell a user whose sizing ran out of time: the free variables still without a value. */
    String whichVars() {
        java.util.List<String> open = new ArrayList<>(Pruner.freeVariables(function.body()));
        open.removeAll(bindings.keySet());
        return open.isEmpty() ? "smaller values" : String.join(", ", open.stream().map(v -> v + "=...").toList());
    }

    /** Why the analysis iterates a loop (the last loop without a closed form), for a message; "" when none. */
    String iterationNote() {
        return closedFormMisses.isEmpty() ? ""
                : " (" + closedFormMisses.get(closedFormMisses.size() - 1) + ", so it is evaluated iteration by iteration)";
    }

    String budgetText() {
        return budgetSeconds == Math.rint(budgetSeconds) ? (long) budgetSeconds + " s" : budgetSeconds + " s";
    }

    final Backend backend;
    /**
     * Whether a comparison of sizes the workspace's planning asks may fork the path; without, such a
     * comparison leaves the workspace unknown (the buffers' paths stay as without @tensor).
     */
    boolean workspaceForks;
    /** How many times a path forked on a comparison of the workspace's planning. */
    int workspaceForked;

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
        return analyze(f, bindings, maxSteps, maxPaths, backend, 0);
    }

    /**
     * As {@link #analyze(SizingFunction, Map, long, int, Backend)}, within {@code seconds} of wall time
     * (0: no limit); past it, a diagnostic names the statement the analysis was at.
     */
    public static SizingResult analyze(SizingFunction f, Map<String, ?> bindings, long maxSteps, int maxPaths,
            Backend backend, double seconds) {
        return analyze(f, bindings, maxSteps, maxPaths, backend, seconds, false);
    }

    /**
     * As {@link #analyze(SizingFunction, Map, long, int, Backend, double)}; with {@code workspaceFormula},
     * the layouts of {@code @tensor} contractions whose sizes are formulas are followed for every value
     * (comparisons of sizes fork the paths) so that the workspace is a formula; without, the workspace
     * is known only where the values decide every comparison (the paths are those the buffers need).
     */
    public static SizingResult analyze(SizingFunction f, Map<String, ?> bindings, long maxSteps, int maxPaths,
            Backend backend, double seconds, boolean workspaceFormula) {
        long deadline = seconds > 0 ? System.nanoTime() + (long) (seconds * 1e9) : Long.MAX_VALUE;
        SizingEvaluator e = new SizingEvaluator(f, bindings, maxSteps, maxPaths, backend);
        e.workspaceForks = workspaceFormula;
        e.deadline = deadline;
        e.budgetSeconds = seconds;
        java.util.Set<String> free = new java.util.HashSet<>(Pruner.freeVariables(f.body()));
        free.retainAll(Pruner.conditionVariables(f.body()));
        long open = free.stream().filter(v -> !bindings.containsKey(v)).count();
        try {
            if ((1L << Math.min(open, 62)) > maxPaths) {
                throw new Signals.TooManyPaths(); // more free variables than paths to follow: merge at once
            }
            SizingResult.Node tree = e.explore(new ArrayList<>());
            return new SizingResult(f, tree, e.diagnostics(), null);
        } catch (Signals.TooManyPaths tooMany) {
            if (e.workspaceForked > 0) { // the paths the buffers need, without forking on the workspace
                SizingEvaluator again = new SizingEvaluator(f, bindings, maxSteps, maxPaths, backend);
                again.deadline = deadline;
                again.budgetSeconds = seconds;
                again.workspaceForks = false;
                try {
                    return new SizingResult(f, again.explore(new ArrayList<>()), again.diagnostics(), null);
                } catch (Signals.TooManyPaths still) {
                    // merged below
                }
            }
            SizingEvaluator w = new SizingEvaluator(f, bindings, maxSteps, maxPaths, backend);
            w.deadline = deadline;
            w.budgetSeconds = seconds;
            PathRun run = new PathRun(w, List.of());
            run.worstCase = true;
            run.go();
            w.paths = 1;
            return new SizingResult(f, run.leaf(), w.diagnostics(),
                    merged(run));
        }
    }

    private static SizingResult.Merged merged(PathRun run) {
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

    /** The peaks as {@link #peaks} gives them, with every loop iterated (the reference closed forms are tested against). */
    static Map<String, Long> peaksByIteration(SizingFunction f, Map<String, ?> bindings) {
        SizingEvaluator e = new SizingEvaluator(f, bindings, DEFAULT_MAX_STEPS, DEFAULT_MAX_PATHS, Backend.EJML);
        e.forceIteration = true;
        SizingResult r = new SizingResult(f, e.explore(new ArrayList<>()), e.diagnostics(), null);
        Map<String, Long> out = new LinkedHashMap<>();
        for (String b : f.buffers()) {
            out.put(b, r.peak(b));
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
        PathRun run = new PathRun(this, prefix);
        run.go();
        if (run.decisions.size() == prefix.size()) {
            paths++;
            if (paths > maxPaths) {
                throw new Signals.TooManyPaths();
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

}
