package io.github.bufdsl.cli;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.github.bufdsl.analysis.Analyzer;
import io.github.bufdsl.analysis.JavaEmitter;
import io.github.bufdsl.analysis.JuliaPrinter;
import io.github.bufdsl.analysis.SizingEvaluator;
import io.github.bufdsl.analysis.SizingFunction;
import io.github.bufdsl.analysis.SizingResult;
import io.github.bufdsl.ast.Program;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
import io.github.bufdsl.diag.Severity;
import io.github.bufdsl.diag.Source;
import io.github.bufdsl.exec.Interpreter;
import io.github.bufdsl.exec.Value;
import io.github.bufdsl.parse.Parser;
import io.github.bufdsl.resolve.Resolution;
import io.github.bufdsl.resolve.Resolver;
import io.github.bufdsl.runtime.Buffer;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code bufdsl} command line. {@link #execute} is the testable entry point: it takes the
 * arguments, a working directory and the two output streams, and returns the exit code (0 fine,
 * 1 error while running, 2 error before running).
 */
@Command(name = "bufdsl", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Runs .buf kernels over preallocated tensor buffers and sizes the buffers they need.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    /** Stack for the interpreter's thread: deep but bounded recursion ends in a diagnostic. */
    private static final long STACK_BYTES = 512L * 1024 * 1024;

    private final Context ctx;

    private Main(Context ctx) {
        this.ctx = ctx;
    }

    public static void main(String[] args) {
        System.exit(execute(args, Path.of(""), System.out, System.err));
    }

    /** Runs the command line; never throws for user errors. */
    public static int execute(String[] args, Path workingDir, PrintStream out, PrintStream err) {
        int[] code = {3};
        Thread t = new Thread(null, () -> code[0] = executeHere(args, workingDir, out, err), "bufdsl", STACK_BYTES);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 3;
        }
        out.flush();
        err.flush();
        return code[0];
    }

    private static int executeHere(String[] args, Path workingDir, PrintStream out, PrintStream err) {
        Context ctx = new Context(workingDir, out, err);
        CommandLine cl = new CommandLine(new Main(ctx));
        cl.addSubcommand(new RunCommand(ctx));
        cl.addSubcommand(new UsageCommand(ctx));
        cl.addSubcommand(new CheckCommand(ctx));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            err.println("bufdsl: internal error (a bug in bufdsl; please report it with the script):");
            ex.printStackTrace(err);
            return 3;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        ctx.err.println("bufdsl: a command is needed: run, usage, check or help");
        new CommandLine(this).usage(ctx.err);
        return 2;
    }

    /** Where a command reads and writes. */
    record Context(Path workingDir, PrintStream out, PrintStream err) {
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"bufdsl " + (v == null ? "development build" : v)};
        }
    }

    /** Options every command that reads a script has. */
    abstract static class ScriptCommand implements Callable<Integer> {
        final Context ctx;

        @Parameters(index = "0", paramLabel = "FILE", description = "The .buf script.")
        String file;

        @Option(names = "--var", paramLabel = "NAME=VALUE",
                description = "Value of a free variable: true, false, an integer or a number. Repeatable.")
        List<String> vars = new ArrayList<>();

        Source source;

        ScriptCommand(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public final Integer call() {
            try {
                return run();
            } catch (DiagnosticException e) {
                report(e);
                return e.phase().exitCode();
            }
        }

        abstract int run();

        void report(DiagnosticException e) {
            for (Diagnostic d : e.diagnostics()) {
                ctx.err.print(d.format(source));
            }
        }

        /** Parse, resolve and check the --var values against the free variables. */
        Resolution load() {
            source = ScriptLoader.load(ctx.workingDir, file);
            Program program = Parser.parse(source);
            return Resolver.resolve(program);
        }

        Map<String, Value> variables(Resolution r) {
            return VarParser.parse(vars, r.freeVariables().keySet());
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Executes the script over real buffers. Reaching @print_buffer_usage prints the"
                    + " block's sizing function, then runs the block.",
            footer = {"", "Example:", "  bufdsl run examples/prealloc.buf --var small=true --stats"})
    static final class RunCommand extends ScriptCommand {
        @Option(names = "--seed", paramLabel = "N", description = "Seed for rand! (default: a random seed).")
        Long seed;

        @Option(names = "--stats", description = "At the end, print each buffer's high-water mark on stderr.")
        boolean stats;

        RunCommand(Context ctx) {
            super(ctx);
        }

        @Override
        int run() {
            Resolution r = load();
            Map<String, Value> values = variables(r);
            VarParser.requireAll(r, values);
            Map<Stmt.PrintBufferUsage, SizingFunction> blocks = Analyzer.analyze(r);
            preflight(r, blocks, VarParser.plain(values));
            Interpreter interp = new Interpreter(r, new Interpreter.Options(ctx.out, values, seed,
                    block -> ctx.out.print(JuliaPrinter.print(blocks.get(block)))));
            try {
                interp.run();
            } finally {
                ctx.out.flush();
                if (stats) {
                    for (Buffer b : interp.buffers()) {
                        ctx.err.println("high-water " + b.name() + " = " + b.highWater() + " of " + b.length()
                                + " elements (" + b.highWater() * b.elementBytes() + " bytes)");
                    }
                }
            }
            return 0;
        }
    }

    /**
     * The checks, before running: the blocks' sizing functions must evaluate, and the whole script
     * must pass the checks on the path the variables choose. Where the analysis cannot follow the
     * whole script, running goes ahead and the runtime checks the rest.
     */
    private static void preflight(Resolution r, Map<Stmt.PrintBufferUsage, SizingFunction> blocks,
            Map<String, Object> bindings) {
        for (SizingFunction f : blocks.values()) {
            failOnErrors(SizingEvaluator.analyze(f, bindings).diagnostics());
        }
        SizingResult whole;
        try {
            whole = SizingEvaluator.analyze(Analyzer.wholeScript(r), bindings);
        } catch (DiagnosticException e) {
            return;
        }
        failOnErrors(whole.diagnostics());
    }

    @Command(name = "usage", mixinStandardHelpOptions = true,
            description = "Prints the sizing function of every @print_buffer_usage block (or of the whole"
                    + " script) in the format of Buffers.jl, then the peak of every buffer: a number when every"
                    + " free variable it depends on is given, else a formula in them and, where they are all"
                    + " Bools, the worst case.",
            footer = {"", "Examples:", "  bufdsl usage examples/prealloc.buf --var small=true",
                "  bufdsl usage examples/prealloc.buf --json"})
    static final class UsageCommand extends ScriptCommand {
        @Option(names = "--json", description = "Print one JSON object with the peaks and nothing else.")
        boolean json;

        @Option(names = "--explain", description = "For each buffer, the statement where its peak is reached and the"
                + " tensors live there, with their sizes.")
        boolean explain;

        @Option(names = "--emit", paramLabel = "julia|java|buf", defaultValue = "julia",
                description = "The sizing function as the seed's Julia (default), as a Java class with a static"
                        + " method returning the peaks, or as a .buf script that bufdsl run executes.")
        Emit emit;

        UsageCommand(Context ctx) {
            super(ctx);
        }

        @Override
        int run() {
            Resolution r = load();
            Map<String, Object> bindings = VarParser.plain(variables(r));
            Map<String, JsonObject> overall = new LinkedHashMap<>();
            StringBuilder text = new StringBuilder();
            List<SizingFunction> functions = Analyzer.sizingFunctions(r);
            if (emit != Emit.julia) {
                for (int i = 0; i < functions.size(); i++) {
                    failOnErrors(SizingEvaluator.analyze(functions.get(i), bindings).diagnostics());
                    String suffix = functions.size() == 1 ? "" : Integer.toString(i + 1);
                    try {
                        ctx.out.print(emit == Emit.buf ? JuliaPrinter.printBuf(functions.get(i), "buffer_sizes" + suffix)
                                : JavaEmitter.emit(functions.get(i), "BufferSizes" + suffix));
                    } catch (IllegalArgumentException e) {
                        throw new DiagnosticException(Phase.STATIC, functions.get(i).pos(), e.getMessage());
                    }
                }
                return 0;
            }
            for (SizingFunction f : functions) {
                SizingResult result = SizingEvaluator.analyze(f, bindings);
                failOnErrors(result.diagnostics());
                text.append(JuliaPrinter.print(f));
                for (String b : f.buffers()) {
                    int bytes = f.elementBytes(b);
                    Long peak = result.peak(b);
                    SizingResult.Worst worst = result.worst(b);
                    JsonObject o = new JsonObject();
                    if (peak != null) {
                        text.append("peak ").append(b).append(" = ").append(peak).append(" elements (")
                                .append(peak * bytes).append(" bytes)\n");
                        o.addProperty("peak", peak);
                        o.addProperty("bytes", peak * bytes);
                    } else {
                        String formula = result.formula(b);
                        text.append("peak ").append(b).append(" = ").append(formula);
                        o.addProperty("formula", formula);
                        if (worst != null) {
                            text.append("\nworst case ").append(b).append(" = ").append(worst.peak())
                                    .append(" elements (").append(worst.peak() * bytes).append(" bytes) when ")
                                    .append(String.join(" and ", worst.path())).append('\n');
                            o.addProperty("peak", worst.peak());
                            o.addProperty("bytes", worst.peak() * bytes);
                            o.addProperty("worst_case", true);
                            o.addProperty("when", String.join(" and ", worst.path()));
                        } else {
                            text.append(" elements (").append(bytes).append(" bytes each)\n");
                            o.add("peak", com.google.gson.JsonNull.INSTANCE);
                            o.addProperty("bytes_per_element", bytes);
                        }
                    }
                    overall.merge(b, o, Main::larger);
                }
                if (explain) {
                    text.append(Explain.explain(result, source));
                }
            }
            if (json) {
                JsonObject root = new JsonObject();
                JsonObject buffers = new JsonObject();
                overall.forEach(buffers::add);
                root.add("buffers", buffers);
                JsonObject varsJson = new JsonObject();
                bindings.forEach((k, v) -> {
                    if (v instanceof Boolean b) {
                        varsJson.addProperty(k, b);
                    } else {
                        varsJson.addProperty(k, (Number) v);
                    }
                });
                root.add("vars", varsJson);
                ctx.out.println(new Gson().toJson(root));
            } else {
                ctx.out.print(text);
            }
            return 0;
        }
    }

    /** What {@code usage --emit} prints. */
    enum Emit {
        julia, java, buf
    }

    /** Of two blocks' results for one buffer, the one with the larger known peak. */
    private static JsonObject larger(JsonObject a, JsonObject b) {
        if (!a.has("peak") || a.get("peak").isJsonNull()) {
            return a;
        }
        if (!b.has("peak") || b.get("peak").isJsonNull()) {
            return b;
        }
        return a.get("peak").getAsLong() >= b.get("peak").getAsLong() ? a : b;
    }

    /** Errors of the checks stop the command before anything runs. */
    static void failOnErrors(List<Diagnostic> diagnostics) {
        List<Diagnostic> errors = diagnostics.stream().filter(d -> d.severity() == Severity.ERROR).toList();
        if (!errors.isEmpty()) {
            throw new DiagnosticException(Phase.STATIC, errors);
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Checks the script before running it, on every path its free variables allow: drops out of"
                    + " stack order, drops of tensors already given back or from another buffer, use after drop!"
                    + " or reset!, a fixed-size buffer smaller than its peak (errors), and tensors never given back"
                    + " (warnings). Exits 2 on errors, else 0.",
            footer = {"", "Example:", "  bufdsl check examples/prealloc.buf"})
    static final class CheckCommand extends ScriptCommand {
        CheckCommand(Context ctx) {
            super(ctx);
        }

        @Override
        int run() {
            Resolution r = load();
            Map<String, Object> bindings = VarParser.plain(variables(r));
            SizingResult result = SizingEvaluator.analyze(Analyzer.wholeScript(r), bindings);
            for (Diagnostic d : result.diagnostics()) {
                ctx.err.print(d.format(source));
            }
            long errors = result.diagnostics().stream().filter(d -> d.severity() == Severity.ERROR).count();
            long warnings = result.diagnostics().size() - errors;
            int paths = result.leaves().size();
            ctx.out.println(file + ": " + count(errors, "error") + ", " + count(warnings, "warning") + " on "
                    + count(paths, "path"));
            return errors > 0 ? 2 : 0;
        }

        private static String count(long n, String word) {
            return n + " " + word + (n == 1 ? "" : "s");
        }
    }

    static DiagnosticException staticError(String message) {
        return new DiagnosticException(Phase.STATIC, io.github.bufdsl.diag.Pos.NONE, message);
    }
}
