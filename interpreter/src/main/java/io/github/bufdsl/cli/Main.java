package io.github.bufdsl.cli;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.github.bufdsl.analysis.Analyzer;
import io.github.bufdsl.analysis.JuliaPrinter;
import io.github.bufdsl.analysis.SizingEvaluator;
import io.github.bufdsl.analysis.SizingFunction;
import io.github.bufdsl.ast.Program;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
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
        ctx.err.println("bufdsl: a command is needed: run, usage or help");
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

    @Command(name = "usage", mixinStandardHelpOptions = true,
            description = "Prints the sizing function of every @print_buffer_usage block (or of the whole"
                    + " script) in the format of Buffers.jl, then the peak of every buffer.",
            footer = {"", "Example:", "  bufdsl usage examples/prealloc.buf --var small=true"})
    static final class UsageCommand extends ScriptCommand {
        @Option(names = "--json", description = "Print one JSON object with the peaks and nothing else.")
        boolean json;

        UsageCommand(Context ctx) {
            super(ctx);
        }

        @Override
        int run() {
            Resolution r = load();
            Map<String, Value> values = variables(r);
            Map<String, Object> bindings = VarParser.plain(values);
            Map<String, long[]> overall = new LinkedHashMap<>(); // name -> {peak, bytes per element}
            StringBuilder text = new StringBuilder();
            for (SizingFunction f : Analyzer.sizingFunctions(r)) {
                Map<String, Long> peaks = SizingEvaluator.peaks(f, bindings);
                text.append(JuliaPrinter.print(f));
                for (String b : f.buffers()) {
                    long peak = peaks.get(b);
                    int bytes = f.elementBytes().get(b);
                    text.append("peak ").append(b).append(" = ").append(peak).append(" elements (")
                            .append(peak * bytes).append(" bytes)\n");
                    overall.merge(b, new long[] {peak, bytes}, (x, y) -> x[0] >= y[0] ? x : y);
                }
            }
            if (json) {
                JsonObject root = new JsonObject();
                JsonObject buffers = new JsonObject();
                overall.forEach((name, pb) -> {
                    JsonObject o = new JsonObject();
                    o.addProperty("peak", pb[0]);
                    o.addProperty("bytes", pb[0] * pb[1]);
                    buffers.add(name, o);
                });
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

    static DiagnosticException staticError(String message) {
        return new DiagnosticException(Phase.STATIC, io.github.bufdsl.diag.Pos.NONE, message);
    }
}
