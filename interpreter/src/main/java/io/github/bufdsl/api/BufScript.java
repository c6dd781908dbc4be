package io.github.bufdsl.api;

import io.github.bufdsl.analysis.Analyzer;
import io.github.bufdsl.analysis.JavaEmitter;
import io.github.bufdsl.analysis.JuliaPrinter;
import io.github.bufdsl.analysis.SizingEvaluator;
import io.github.bufdsl.analysis.SizingFunction;
import io.github.bufdsl.analysis.SizingResult;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.diag.Severity;
import io.github.bufdsl.diag.Source;
import io.github.bufdsl.exec.Interpreter;
import io.github.bufdsl.exec.Value;
import io.github.bufdsl.parse.Parser;
import io.github.bufdsl.resolve.Resolution;
import io.github.bufdsl.resolve.Resolver;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.MatrixBackend;
import io.github.bufdsl.runtime.Tensor;
import io.github.bufdsl.types.TypeChecker;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A loaded {@code .buf} script: parsed, its names resolved and its sizing functions built, ready
 * to be sized ({@link #usage}), checked ({@link #check}) or run ({@link #run}) any number of times.
 * Immutable: one instance may be used from several threads at once; each run has its own state.
 *
 * <pre>{@code
 * BufScript kernel = BufScript.load(Path.of("kernel.buf"));
 * long n = kernel.usage(Map.of("small", true)).buffer("buf").peak();
 * Buffer buf = new Buffer(n, false);
 * RunResult r = kernel.run(Map.of("small", true, "buf", buf), System.out);
 * }</pre>
 *
 * <p>Bindings give the free variables (names the script reads but never assigns) as Java values:
 * Boolean, Integer or Long, Double or Float, String, or a runtime {@link Buffer} or {@link Tensor}
 * the program made.
 */
public final class BufScript {
    private final Source source;
    private final Resolution resolution;
    /** The values callers give the free variables, checked against them. */
    private final Bindings vars;
    private final Map<Stmt.PrintBufferUsage, SizingFunction> blocks;
    private final long maxSizingSteps;
    private final MatrixBackend.Factory backend;
    /** The static types: the free variables' types, the errors and warnings under bindings. */
    private final StaticTypes types;
    /** Whether only --var binds free variables (true, false, numbers): then one used as a buffer is an error. */
    private final boolean commandLine;

    private final double sizingSeconds;

    /** The default time sizing and the checks before running may take: past it they say what they could not size. */
    public static final double DEFAULT_SIZING_SECONDS = 10;

    private BufScript(BufScript other, long maxSizingSteps, MatrixBackend.Factory backend, boolean commandLine,
            double sizingSeconds) {
        this.source = other.source;
        this.resolution = other.resolution;
        this.vars = other.vars;
        this.blocks = other.blocks;
        this.types = other.types;
        this.maxSizingSteps = maxSizingSteps;
        this.backend = backend;
        this.commandLine = commandLine;
        this.sizingSeconds = sizingSeconds;
    }

    /**
     * The same script with free variables bound only as the command line's {@code --var} binds them
     * (true, false, integers, numbers): a free variable the script uses as a buffer or a tensor (a
     * misspelled buffer) is then an error before anything runs, not a variable a program may bind.
     */
    public BufScript forCommandLine() {
        return new BufScript(this, maxSizingSteps, backend, true, sizingSeconds);
    }

    /**
     * The same script with another time limit for sizing and the checks before running (default
     * {@link #DEFAULT_SIZING_SECONDS}); past it they fail with a diagnostic naming what they could not size.
     */
    public BufScript withSizingTime(double seconds) {
        return new BufScript(this, maxSizingSteps, backend, commandLine, seconds);
    }

    /**
     * The same script with another bound on the loop iterations that sizing and checking may
     * evaluate (default {@link SizingEvaluator#DEFAULT_MAX_STEPS}); past it they fail naming the loop.
     */
    public BufScript withMaxSizingSteps(long steps) {
        return new BufScript(this, steps, backend, commandLine, sizingSeconds);
    }

    /**
     * The same script with its contractions' matrix multiplies on another backend: {@code ejml}
     * (the default) or {@code blas} (needs {@code bufdsl-backend-blas} on the class path). Sizing
     * counts the workspace that backend takes.
     *
     * @throws ScriptException if there is no backend of that name (the message lists those there are)
     */
    public BufScript withBackend(String name) throws ScriptException {
        try {
            return new BufScript(this, maxSizingSteps, MatrixBackend.named(name), commandLine, sizingSeconds);
        } catch (IllegalArgumentException e) {
            throw new ScriptException(new DiagnosticException(Phase.STATIC, Pos.NONE, e.getMessage()), null);
        }
    }

    /** The name of the backend contractions run on. */
    public String backend() {
        return backend.name();
    }

    private SizingResult analyze(SizingFunction f, Map<String, Object> plain) {
        return analyze(f, plain, false);
    }

    /** With {@code workspaceFormula}, the workspace of @tensor is sized as a formula (usage); else as a number. */
    private SizingResult analyze(SizingFunction f, Map<String, Object> plain, boolean workspaceFormula) {
        return SizingEvaluator.analyze(f, plain, maxSizingSteps, SizingEvaluator.DEFAULT_MAX_PATHS,
                new SizingEvaluator.Backend(backend.anyOffset(), backend.stages(), backend.readsNative()), sizingSeconds,
                workspaceFormula);
    }

    private BufScript(Source source) throws ScriptException {
        this.maxSizingSteps = SizingEvaluator.DEFAULT_MAX_STEPS;
        this.backend = MatrixBackend.EJML;
        this.sizingSeconds = DEFAULT_SIZING_SECONDS;
        this.source = source;
        this.commandLine = false;
        try {
            this.resolution = Resolver.resolve(Parser.parse(source));
            this.vars = new Bindings(resolution);
            this.types = new StaticTypes(resolution);
            this.blocks = Collections.unmodifiableMap(Analyzer.analyze(resolution));
        } catch (DiagnosticException e) {
            throw new ScriptException(e, source);
        }
    }

    /** Loads a script file; diagnostics name it as given. */
    public static BufScript load(Path path) throws ScriptException {
        return load(path, path.toString());
    }

    /** Loads a script file; diagnostics name it {@code displayName}. */
    public static BufScript load(Path path, String displayName) throws ScriptException {
        return new BufScript(loading(() -> ScriptLoader.load(path, displayName)));
    }

    /** The text of a script file, checked as {@link #load} checks it (exists, UTF-8, not binary). */
    public static String readText(Path path, String displayName) throws ScriptException {
        return loading(() -> ScriptLoader.load(path, displayName)).text();
    }

    /** The text of a script read from a stream (standard input for {@code bufdsl run -}). */
    public static String readText(InputStream in, String displayName) throws ScriptException {
        return loading(() -> ScriptLoader.read(in, displayName));
    }

    /** A script from text; diagnostics name it {@code name}. */
    public static BufScript fromString(String name, String text) throws ScriptException {
        return new BufScript(new Source(name, text));
    }

    /** A script from a class-path resource (UTF-8), as {@link ClassLoader#getResourceAsStream} finds it. */
    public static BufScript fromResource(ClassLoader loader, String resource) throws ScriptException {
        return new BufScript(loading(() -> ScriptLoader.resource(loader, resource)));
    }

    /** Runs a step of loading, turning its diagnostic (which has no place in a script) into a ScriptException. */
    private static <T> T loading(Step<T> step) throws ScriptException {
        try {
            return step.get();
        } catch (DiagnosticException e) {
            throw new ScriptException(e, null);
        }
    }

    /** The name diagnostics use. */
    public String name() {
        return source.name();
    }

    /** The free variables: names the script reads but never assigns, given by the bindings. */
    public Set<String> freeVariables() {
        return Collections.unmodifiableSet(resolution.freeVariables().keySet());
    }

    /**
     * The type of each free variable, as its uses give it: "Bool" (a condition), "Int" (a size, a
     * loop bound), "Number", "Any" (nothing demands more), or a type only a Java program can bind
     * ("Buffer", "Tensor").
     */
    public Map<String, String> freeVariableTypes() {
        Map<String, String> out = new LinkedHashMap<>();
        types.unbound().freeVariables().forEach((k, v) -> out.put(k, v.type()));
        return Collections.unmodifiableMap(out);
    }

    /**
     * The static types and shapes under the bindings: their values must fit the free variables'
     * types, and nothing may be certain to fail (see {@link TypeChecker}).
     *
     * @return the errors; empty when there are none
     */
    private List<Diagnostic> typeErrors(Map<String, ?> bindings, long maxMemoryBytes) {
        return StaticTypes.errors(types.diagnostics(bindings, commandLine, maxMemoryBytes));
    }

    private void typeCheck(Map<String, ?> bindings) {
        typeCheck(bindings, 0);
    }

    /** Refuses the script when the static types under the bindings find an error (a warning never does). */
    private void typeCheck(Map<String, ?> bindings, long maxMemoryBytes) {
        vars.values(bindings);
        List<Diagnostic> errors = typeErrors(bindings, maxMemoryBytes);
        if (!errors.isEmpty()) {
            throw new DiagnosticException(Phase.STATIC, errors);
        }
    }

    /**
     * Sizes the buffers: for each {@code @print_buffer_usage} block (or the whole script) the sizing
     * function and each buffer's peak, a number where the bindings fix it, else a formula in what
     * is left free and, where that is only Bools, the worst case. The same numbers as
     * {@code bufdsl usage --json}.
     *
     * @throws ScriptException for an unknown binding, an error the checks find, or a size usage cannot compute
     */
    public Usage usage(Map<String, ?> bindings) throws ScriptException {
        return guard(() -> {
            typeCheck(bindings);
            Map<String, Object> plain = vars.sizingValues(bindings);
            UsageReport report = new UsageReport(source, plain);
            for (SizingFunction f : sizingFunctions()) {
                SizingResult result = analyze(f, plain, true);
                failOnErrors(result.diagnostics());
                report.add(f, result);
            }
            return report.usage();
        });
    }

    /** The sizing function(s) as text: "julia" (the seed's format), "java" (a class) or "buf" (a script). */
    public String emit(String kind, Map<String, ?> bindings) throws ScriptException {
        return guard(() -> {
            typeCheck(bindings);
            Map<String, Object> plain = vars.sizingValues(bindings);
            List<SizingFunction> fs = sizingFunctions();
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < fs.size(); i++) {
                SizingFunction f = fs.get(i);
                failOnErrors(analyze(f, plain).diagnostics());
                String suffix = fs.size() == 1 ? "" : Integer.toString(i + 1);
                try {
                    sb.append(switch (kind) {
                        case "julia" -> JuliaPrinter.print(f);
                        case "java" -> JavaEmitter.emit(f, "BufferSizes" + suffix);
                        case "buf" -> JuliaPrinter.printBuf(f, "buffer_sizes" + suffix);
                        default -> throw new DiagnosticException(Phase.STATIC, Pos.NONE, "unknown form " + kind
                                + "; emit julia, java or buf");
                    });
                } catch (IllegalArgumentException e) {
                    throw new DiagnosticException(Phase.STATIC, f.pos(), e.getMessage());
                }
            }
            return sb.toString();
        });
    }

    /**
     * The checks on every path the bindings leave open: errors (drop out of order, use after drop, a
     * fixed buffer too small, ...) and warnings (tensors never given back), each with the path; the
     * static types' errors, and their warnings (dimensions that must be equal), first.
     *
     * @throws ScriptException when the analysis itself cannot proceed (a loop bound left free, ...)
     */
    public List<Problem> check(Map<String, ?> bindings) throws ScriptException {
        return guard(() -> {
            String file = source.name();
            vars.values(bindings);
            List<Diagnostic> found = new ArrayList<>(types.diagnostics(bindings, commandLine, 0)); // warnings too
            if (StaticTypes.errors(found).isEmpty()) {
                found.addAll(analyze(Analyzer.wholeScript(resolution), vars.sizingValues(bindings)).diagnostics());
            }
            return found.stream().map(d -> Problem.of(file, d)).toList();
        });
    }

    /**
     * As {@link #check}, the diagnostics in the CLI's format, and the number of paths (-1 when the
     * static types already fail, and no path was followed).
     */
    public String checkReport(Map<String, ?> bindings, int[] errorsWarningsPaths) throws ScriptException {
        return guard(() -> {
            vars.values(bindings);
            List<Diagnostic> found = new ArrayList<>(types.diagnostics(bindings, commandLine, 0)); // warnings too
            errorsWarningsPaths[2] = -1; // the paths are followed only when the types hold
            if (StaticTypes.errors(found).isEmpty()) {
                SizingResult r = analyze(Analyzer.wholeScript(resolution), vars.sizingValues(bindings));
                found.addAll(r.diagnostics());
                errorsWarningsPaths[2] = r.leaves().size();
            }
            StringBuilder sb = new StringBuilder();
            int errors = 0;
            for (Diagnostic d : found) {
                sb.append(d.format(d.pos().isKnown() ? source : new Source(source.name(), "")));
                errors += d.severity() == Severity.ERROR ? 1 : 0;
            }
            errorsWarningsPaths[0] = errors;
            errorsWarningsPaths[1] = found.size() - errors;
            return sb.toString();
        });
    }

    /**
     * The checks {@code run} makes before it runs anything: the bindings against the free variables
     * and their types, the static types, every free variable bound, and the checks of buffers and
     * {@code @tensor} on the path the bindings choose.
     *
     * @return the bindings as the interpreter's values
     * @throws DiagnosticException (static) with the errors
     */
    private Map<String, Value> beforeRunning(Map<String, ?> bindings, long maxMemoryBytes) {
        Map<String, Value> values = vars.values(bindings);
        typeCheck(bindings, maxMemoryBytes);
        vars.requireAll(values);
        preflight(vars.sizingValues(bindings));
        return values;
    }

    /**
     * The errors {@code run} would report before running anything ({@link #beforeRunning}), found
     * without running: the REPL asks them for each input, so it refuses what {@code run} refuses.
     *
     * @return the diagnostics, placed in this script's text; empty when run would start
     */
    public List<Diagnostic> errorsBeforeRunning(Map<String, ?> bindings) {
        try {
            beforeRunning(bindings, 0);
            return List.of();
        } catch (DiagnosticException e) {
            return e.diagnostics();
        }
    }

    /** {@link #run(Map, PrintStream, RunOptions, java.util.function.Consumer)} with the default options. */
    public RunResult run(Map<String, ?> bindings, PrintStream out) throws ScriptException {
        return run(bindings, out, RunOptions.DEFAULT, result -> { });
    }

    /**
     * Runs the script with its output going to {@code out}. Every free variable needs a binding.
     * The checks run first, on the path the bindings choose.
     *
     * @param seed seed for {@code rand!}, or null for a random one
     * @throws ScriptException for errors before running ({@link ScriptException#beforeRunning()})
     *     or while running, at the statement that failed
     */
    public RunResult run(Map<String, ?> bindings, PrintStream out, Long seed) throws ScriptException {
        return run(bindings, out, RunOptions.DEFAULT.withSeed(seed), result -> { });
    }

    /**
     * As {@link #run(Map, PrintStream, Long)}, with limits ({@link RunOptions}); also when the run
     * fails, {@code onEnd} receives what the run left (buffers, workspace), for statistics.
     */
    public RunResult run(Map<String, ?> bindings, PrintStream out, RunOptions options,
            java.util.function.Consumer<RunResult> onEnd) throws ScriptException {
        try {
            return guard(() -> {
                Map<String, Value> values = beforeRunning(bindings, options.maxMemoryBytes());
                try {
                    backend.create(); // loads a native library once, so that failing to is one clear error
                } catch (IllegalStateException e) {
                    throw new DiagnosticException(Phase.RUNTIME, Pos.NONE, e.getMessage());
                }
                Interpreter interp = new Interpreter(resolution, new Interpreter.Options(out, values, options.seed(),
                        block -> out.print(JuliaPrinter.print(blocks.get(block))), options.limits(backend)));
                try {
                    interp.run();
                } finally {
                    out.flush();
                    onEnd.accept(result(interp));
                }
                return result(interp);
            });
        } finally {
            out.flush();
        }
    }

    private static RunResult result(Interpreter in) {
        Map<String, Object> vars = new LinkedHashMap<>();
        in.globals().forEach((k, v) -> vars.put(k, JavaValues.toJava(v)));
        return new RunResult(Collections.unmodifiableMap(vars), in.buffers(), in.workspaceHighWater(),
                in.bufferStats(), in.threadsBufferStats());
    }

    /** The sizing functions, none when the script has no buffer at all. */
    private List<SizingFunction> sizingFunctions() {
        return Analyzer.sizingFunctions(resolution, blocks).stream().filter(f -> !f.buffers().isEmpty()).toList();
    }

    /**
     * The checks before running: the blocks' sizing functions must evaluate, and the whole script
     * must pass the checks on the chosen path. Where the analysis cannot follow the whole script,
     * running goes ahead and the runtime checks the rest.
     */
    private void preflight(Map<String, Object> plain) {
        for (SizingFunction f : blocks.values()) {
            SizingResult block;
            try {
                block = analyze(f, plain);
            } catch (DiagnosticException e) {
                continue; // a block usage cannot size still runs (its function is printed as written)
            }
            failOnErrors(block.diagnostics());
        }
        SizingResult whole;
        try {
            whole = analyze(Analyzer.wholeScript(resolution), plain);
        } catch (DiagnosticException e) {
            return;
        }
        failOnErrors(whole.diagnostics());
    }

    private static void failOnErrors(List<Diagnostic> diagnostics) {
        List<Diagnostic> errors = diagnostics.stream().filter(d -> d.severity() == Severity.ERROR).toList();
        if (!errors.isEmpty()) {
            throw new DiagnosticException(Phase.STATIC, errors);
        }
    }

    private interface Step<T> {
        T get();
    }

    /** Runs a step of the pipeline, turning its diagnostics into a ScriptException. */
    private <T> T guard(Step<T> step) throws ScriptException {
        try {
            return step.get();
        } catch (DiagnosticException e) {
            throw new ScriptException(e, source);
        } catch (StackOverflowError e) {
            throw new ScriptException(new DiagnosticException(Phase.RUNTIME, Pos.NONE,
                    "the script recursed too deeply for this thread's stack"), source);
        } catch (OutOfMemoryError e) {
            throw new ScriptException(new DiagnosticException(Phase.RUNTIME, Pos.NONE,
                    "the JVM ran out of memory; give it a larger heap (BUFDSL_JAVA_OPTS=-Xmx8g) or use less"), source);
        }
    }
}
