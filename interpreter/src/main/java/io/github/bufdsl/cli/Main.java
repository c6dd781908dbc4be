package io.github.bufdsl.cli;

import com.google.gson.Gson;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.BufferUsage;
import io.github.bufdsl.api.RunOptions;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.api.Usage;
import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Source;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.MemoryBudget;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
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
        description = "Runs .buf kernels over preallocated tensor buffers and sizes the buffers they need.")
public final class Main implements Callable<Integer> {
    /** Stack for the interpreter's thread: deep but bounded recursion ends in a diagnostic. */
    private static final long STACK_BYTES = 512L * 1024 * 1024;

    private final Context ctx;

    private Main(Context ctx) {
        this.ctx = ctx;
    }

    public static void main(String[] args) {
        System.exit(execute(args, Path.of(""), System.in, System.out, System.err));
    }

    /** Runs the command line; never throws for user errors. */
    public static int execute(String[] args, Path workingDir, PrintStream out, PrintStream err) {
        return execute(args, workingDir, java.io.InputStream.nullInputStream(), out, err);
    }

    /** As {@link #execute(String[], Path, PrintStream, PrintStream)}, with an input (for the REPL). */
    public static int execute(String[] args, Path workingDir, java.io.InputStream in, PrintStream out,
            PrintStream err) {
        int[] code = {3};
        Thread t = new Thread(null, () -> {
            try {
                code[0] = executeHere(args, workingDir, in, out, err);
            } catch (OutOfMemoryError | StackOverflowError e) {
                code[0] = lastGuard(e, err);
            }
        }, "bufdsl", STACK_BYTES);
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

    private static int executeHere(String[] args, Path workingDir, java.io.InputStream in, PrintStream out,
            PrintStream err) {
        Context ctx = new Context(workingDir, in, out, err, Preload.start(args, workingDir, STACK_BYTES));
        CommandLine cl = new CommandLine(new Main(ctx));
        // picocli reads a command's annotations when it is added, a good part of a short command's
        // start-up: a command line that starts with a command gets that one only (completion lists all)
        boolean one = args.length > 0 && COMMANDS.contains(args[0]) && !args[0].equals("completion");
        if (!one) {
            cl.addSubcommand(new CommandLine.HelpCommand());
        }
        for (String name : COMMANDS) {
            if (!one || name.equals(args[0])) {
                cl.addSubcommand(command(name, ctx, in));
            }
        }
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, args2) -> {
            err.println("bufdsl: error: " + argumentError(ex, cl));
            err.println("Usage: bufdsl COMMAND [FILE] [options]; the commands are " + commands()
                    + "; bufdsl help COMMAND explains one");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            err.println("bufdsl: internal error (a bug in bufdsl; please report it with the script): " + ex);
            if (System.getenv("BUFDSL_DEBUG") != null) {
                ex.printStackTrace(err);
            } else {
                err.println("(set BUFDSL_DEBUG=1 to see where it happened)");
            }
            return 3;
        });
        return cl.execute(args);
    }

    /** The last guard of the command line: the JVM ran out of heap or stack outside a running script. */
    private static int lastGuard(Throwable e, PrintStream err) {
        err.println("bufdsl: error: " + (e instanceof OutOfMemoryError
                ? "the JVM ran out of memory; give it a larger heap (BUFDSL_JAVA_OPTS=-Xmx8g) or use a smaller script"
                : "the script nests too deeply for the JVM's stack"));
        return 1;
    }

    /** picocli's message, in user words when the first argument is not a command. */
    private static String argumentError(CommandLine.ParameterException ex, CommandLine top) {
        if (ex instanceof CommandLine.UnmatchedArgumentException u && u.getCommandLine() == top
                && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            return first.endsWith(".buf")
                    ? "a command must come before the script, as: bufdsl run " + first
                    : "unknown command " + first + "; the commands are " + commands();
        }
        return ex.getMessage();
    }

    /** The commands besides help, in the order help lists them. */
    private static final List<String> COMMANDS = List.of("run", "usage", "check", "fmt", "repl", "completion");

    private static Object command(String name, Context ctx, java.io.InputStream in) {
        return switch (name) {
            case "run" -> new RunCommand(ctx);
            case "usage" -> new UsageCommand(ctx);
            case "check" -> new CheckCommand(ctx);
            case "fmt" -> new FmtCommand(ctx);
            case "repl" -> new ReplCommand(ctx, in);
            default -> new CompletionCommand(ctx);
        };
    }

    /** Every command's name, as "run, usage, ... and help". */
    static String commands() {
        return String.join(", ", COMMANDS) + " and help";
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ctx.err.println("bufdsl: a command is needed: " + commands());
        spec.commandLine().usage(ctx.err);
        return 2;
    }

    /** Where a command reads and writes; {@code in} is the script of {@code -}, and the REPL's input. */
    record Context(Path workingDir, java.io.InputStream in, PrintStream out, PrintStream err, Preload preload) {
    }

    /** The text of FILE, or of standard input for {@code -}. */
    static BufScript load(Context ctx, String file) throws ScriptException {
        if (file.equals("-")) {
            return BufScript.fromString("stdin", readStdin(ctx));
        }
        BufScript preloaded = ctx.preload == null ? null : ctx.preload.take(file);
        return preloaded != null ? preloaded : BufScript.load(ctx.workingDir.resolve(file), file);
    }

    private static String readStdin(Context ctx) throws ScriptException {
        return BufScript.readText(ctx.in, "standard input");
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

        @Parameters(index = "0", paramLabel = "FILE",
                description = "The .buf script; - reads it from standard input.")
        String file;

        @Option(names = "--var", paramLabel = "NAME=VALUE",
                description = "Value of a free variable: true, false, an integer or a number. Repeatable.")
        List<String> vars = new ArrayList<>();

        @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
                description = "Colour diagnostics: auto (when stderr is a terminal), always or never.")
        ColorMode color;

        @Option(names = "--max-sizing-steps", paramLabel = "N",
                description = "Most loop iterations sizing and checking may evaluate (default: 50000000).")
        long maxSizingSteps = io.github.bufdsl.analysis.SizingEvaluator.DEFAULT_MAX_STEPS;

        @Option(names = "--max-sizing-time", paramLabel = "SECONDS",
                description = "Most wall time sizing and the checks before running may take (default: 10).")
        double maxSizingTime = BufScript.DEFAULT_SIZING_SECONDS;

        @Option(names = "--backend", paramLabel = "NAME", defaultValue = "ejml",
                description = "Matrix multiplies of @tensor on ejml (pure Java, the default) or blas (OpenBLAS;"
                        + " the launcher adds its jar). Sizing counts that backend's workspace.")
        String backend;

        ScriptCommand(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public final Integer call() {
            try {
                BufScript script = load(ctx, file);
                Map<String, Object> values;
                try {
                    values = VarParser.parse(vars, script.freeVariables());
                } catch (DiagnosticException e) {
                    for (Diagnostic d : e.diagnostics()) {
                        ctx.err.print(d.format(new Source(file, "")));
                    }
                    return e.phase().exitCode();
                }
                if (!(maxSizingTime > 0) || maxSizingTime > 1e6) {
                    ctx.err.println(file + ": error: --max-sizing-time must be a positive number of seconds");
                    return 2;
                }
                return run(script.withMaxSizingSteps(maxSizingSteps).withSizingTime(sizingTime()).withBackend(backend)
                        .forCommandLine(), values);
            } catch (ScriptException e) {
                ctx.err.print(color.paint(e.formatted()));
                return e.exitCode();
            }
        }

        /** The time the checks before running may take: --max-sizing-time, within --timeout for run. */
        double sizingTime() {
            return maxSizingTime;
        }

        abstract int run(BufScript script, Map<String, Object> values) throws ScriptException;
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

        @Option(names = "--max-steps", paramLabel = "N", description = "Stop after N statements (default: no limit).")
        long maxSteps;

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "Stop after this wall time (default: none).")
        double timeout;

        @Option(names = "--allow-io", paramLabel = "DIR",
                description = "Let save and load read and write .npy files below DIR (default: no file access).")
        String allowIo;

        @Option(names = "--threads", paramLabel = "N",
                description = "Threads a Threads.@threads loop runs on and buffers a ThreadsBuffer has by default, 1 to"
                        + " 1024 (default: one per processor).")
        Integer threads;

        @Option(names = "--max-memory", paramLabel = "SIZE",
                description = "Most memory all buffers may take together, as 100KB, 512MB, 2GB (default: 80%% of the"
                        + " JVM's heap).")
        String maxMemory;

        RunCommand(Context ctx) {
            super(ctx);
        }

        @Override
        double sizingTime() {
            return timeout > 0 ? Math.min(timeout, maxSizingTime) : maxSizingTime;
        }

        @Override
        int run(BufScript script, Map<String, Object> values) throws ScriptException {
            long memory = RunOptions.DEFAULT.maxMemoryBytes();
            if (maxMemory != null) {
                try {
                    memory = MemoryBudget.parse(maxMemory);
                } catch (IllegalArgumentException e) {
                    ctx.err.println(file + ": error: --max-memory " + maxMemory + ": " + e.getMessage());
                    return 2;
                }
            }
            if (maxSteps < 0 || !(timeout >= 0) || Double.isInfinite(timeout)) {
                ctx.err.println(file + ": error: --max-steps and --timeout must not be negative");
                return 2;
            }
            if (threads != null && (threads < 1 || threads > io.github.bufdsl.runtime.ThreadsBuffer.MAX_BUFFERS)) {
                ctx.err.println(file + ": error: --threads " + threads + ": a run has 1 to "
                        + io.github.bufdsl.runtime.ThreadsBuffer.MAX_BUFFERS + " threads (as a ThreadsBuffer has at most "
                        + io.github.bufdsl.runtime.ThreadsBuffer.MAX_BUFFERS + " buffers)");
                return 2;
            }
            if (allowIo != null && !java.nio.file.Files.isDirectory(ctx.workingDir.resolve(allowIo))) {
                ctx.err.println(file + ": error: --allow-io " + allowIo + ": no such folder; give the folder whose"
                        + " .npy files the script may read and write");
                return 2;
            }
            script.run(values, ctx.out, new RunOptions(seed, maxSteps, timeout, memory, threads == null ? 0 : threads,
                    allowIo == null ? null : ctx.workingDir.resolve(allowIo)), result -> {
                if (stats) {
                    for (Buffer.Stats b : result.bufferStats()) {
                        ctx.err.println("high-water " + b.name() + " = " + b.highWater() + " of " + b.length()
                                + " elements (" + b.highWater() * b.elementBytes() + " bytes)");
                    }
                    for (io.github.bufdsl.runtime.ThreadsBuffer.Stats t : result.threadsBufferStats()) {
                        // as usage sizes a ThreadsBuffer: the most one buffer held, then all together
                        int n = t.buffers().size();
                        ctx.err.println("high-water " + t.name() + " = " + t.highWaterPerBuffer() + " of "
                                + t.lengthPerBuffer() + " elements per buffer (" + 8 * t.highWaterPerBuffer()
                                + " bytes); " + n + (n == 1 ? " buffer: " : " buffers: ") + t.highWaterTotal() + " of "
                                + t.lengthTotal() + " elements (" + 8 * t.highWaterTotal() + " bytes)");
                    }
                    if (result.workspaceHighWater() > 0) {
                        ctx.err.println("workspace of @tensor = " + result.workspaceHighWater() + " elements ("
                                + 8 * result.workspaceHighWater() + " bytes)");
                    }
                }
            });
            return 0;
        }
    }

    @Command(name = "usage", mixinStandardHelpOptions = true,
            description = "Prints the sizing function of every @print_buffer_usage block (or of the whole"
                    + " script) in the format of Buffers.jl, then the peak of every buffer: a number when every"
                    + " free variable it depends on is given, else a formula in them and, where they are all"
                    + " Bools, the worst case.",
            footer = {"", "Examples:", "  bufdsl usage examples/prealloc.buf --var small=true",
                "  bufdsl usage examples/prealloc.buf --json", "  bufdsl usage examples/prealloc.buf --emit java"})
    static final class UsageCommand extends ScriptCommand {
        @Option(names = "--json", description = "Print one JSON object with the peaks and nothing else.")
        boolean json;

        @Option(names = "--explain", description = "For each buffer, the statement where its peak is reached and the"
                + " tensors live there, with their sizes.")
        boolean explain;

        @Option(names = "--plot", paramLabel = "FILE",
                description = "Also draw each buffer's use over the statements, the peak marked, to FILE (.svg or .png).")
        String plot;

        @Option(names = "--emit", paramLabel = "julia|java|buf", defaultValue = "julia",
                description = "The sizing function as Julia (default; as Buffers.jl's @print_buffer_usage prints"
                        + " it), as a Java class with a static method returning the peaks, or as a .buf script that bufdsl run executes.")
        Emit emit;

        UsageCommand(Context ctx) {
            super(ctx);
        }

        @Override
        int run(BufScript script, Map<String, Object> values) throws ScriptException {
            if (emit != Emit.julia) {
                ctx.out.print(script.emit(emit.name(), values));
                return 0;
            }
            Usage usage = script.usage(values);
            if (plot != null) {
                String name = plot.toLowerCase(java.util.Locale.ROOT);
                if (!name.endsWith(".svg") && !name.endsWith(".png")) {
                    ctx.err.println(file + ": error: --plot " + plot + ": the file must end in .svg or .png");
                    return 2;
                }
                List<String> open = new ArrayList<>();
                usage.blocks().forEach(block -> block.buffers().values().forEach(u -> {
                    if (u.peak() == null) {
                        open.add(u.buffer() + " = " + u.formula());
                    }
                }));
                if (!open.isEmpty()) {
                    ctx.err.println(file + ": error: --plot draws buffer use for numbers, and the peak of "
                            + String.join(", ", open) + " depends on free variables; give them with --var");
                    return 2;
                }
                try {
                    Plot.write(usage, ctx.workingDir.resolve(plot), "buffer use of " + file);
                } catch (java.io.IOException | RuntimeException e) {
                    ctx.err.println(file + ": error: --plot " + plot + ": cannot write it: " + e.getMessage());
                    return 1;
                }
            }
            if (usage.blocks().isEmpty() && !json) {
                ctx.out.println(file + ": no buffers to size (the script creates none and allocates from none)");
                return 0;
            }
            if (json) {
                ctx.out.println(json(usage, script.freeVariableTypes()));
                return 0;
            }
            ctx.out.print(usageText(usage, explain));
            return 0;
        }

        private static String json(Usage usage, Map<String, String> freeTypes) {
            JsonObject root = new JsonObject();
            JsonObject buffers = new JsonObject();
            usage.buffers().forEach((name, u) -> {
                JsonObject o = new JsonObject();
                if (u.formula() != null) {
                    o.addProperty("formula", u.formula());
                }
                if (u.peak() != null) {
                    o.addProperty("peak", u.peak());
                    o.addProperty("bytes", u.bytes());
                } else {
                    o.add("peak", JsonNull.INSTANCE);
                    o.addProperty("bytes_per_element", u.elementBytes());
                }
                if (u.pool() != null) {
                    o.addProperty("per_buffer", true);
                    if (u.pool().buffers() != null) {
                        o.addProperty("buffers", u.pool().buffers());
                        o.addProperty("total_peak", u.pool().totalPeak());
                        o.addProperty("total_bytes", u.pool().totalBytes());
                    }
                }
                if (u.worstCase()) {
                    o.addProperty("worst_case", true);
                    o.addProperty("when", u.when());
                }
                buffers.add(name, o);
            });
            root.add("buffers", buffers);
            Long workspace = usage.workspace();
            if (workspace == null || workspace > 0) {
                JsonObject w = new JsonObject();
                if (workspace == null) {
                    String formula = usage.workspaceFormula();
                    if (formula != null) {
                        w.addProperty("formula", formula);
                    }
                    w.add("peak", JsonNull.INSTANCE);
                    if (formula != null) {
                        w.addProperty("bytes_per_element", 8);
                    } else {
                        w.addProperty("unknown", usage.workspaceUnknown());
                    }
                } else {
                    w.addProperty("peak", workspace);
                    w.addProperty("bytes", 8 * workspace);
                }
                root.add("workspace", w);
            }
            JsonObject varsJson = new JsonObject();
            usage.variables().forEach((k, v) -> {
                if (v instanceof Boolean b) {
                    varsJson.addProperty(k, b);
                } else {
                    varsJson.addProperty(k, (Number) v);
                }
            });
            root.add("vars", varsJson);
            JsonObject free = new JsonObject();
            freeTypes.forEach(free::addProperty);
            root.add("free_variables", free);
            return new com.google.gson.GsonBuilder().disableHtmlEscaping().create().toJson(root);
        }
    }

    @Command(name = "repl", mixinStandardHelpOptions = true,
            description = "An interactive session: statements run as you type them, a block until its end;"
                    + " :usage sizes what was typed so far, :vars, :reset, :help.",
            footer = {"", "Example:", "  bufdsl repl"})
    static final class ReplCommand implements Callable<Integer> {
        private final Context ctx;
        private final java.io.InputStream in;

        ReplCommand(Context ctx, java.io.InputStream in) {
            this.ctx = ctx;
            this.in = in;
        }

        @Override
        public Integer call() throws java.io.IOException {
            return new Repl(ctx.out, ctx.err).run(in, in == System.in && System.console() != null);
        }
    }

    @Command(name = "completion", mixinStandardHelpOptions = true,
            description = "Prints a bash/zsh script that gives bufdsl TAB completion of its commands and options.",
            footer = {"", "Example (completion in the current shell):", "  source <(./bufdsl completion)", "",
                "To keep it, save it and source it from ~/.bashrc:",
                "  ./bufdsl completion > ~/.bufdsl-completion.bash"})
    static final class CompletionCommand implements Callable<Integer> {
        private final Context ctx;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        CompletionCommand(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            ctx.out.print(picocli.AutoComplete.bash("bufdsl", spec.root().commandLine()));
            return 0;
        }
    }

    @Command(name = "fmt", mixinStandardHelpOptions = true,
            description = "Prints the script re-indented: four spaces per block level (only"
                    + " leading and trailing whitespace changes).",
            footer = {"", "Example:", "  bufdsl fmt examples/prealloc.buf > formatted.buf"})
    static final class FmtCommand implements Callable<Integer> {
        private final Context ctx;

        @Parameters(index = "0", paramLabel = "FILE",
                description = "The .buf script; - reads it from standard input.")
        String file;

        FmtCommand(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            try {
                String text = file.equals("-") ? readStdin(ctx) : BufScript.readText(ctx.workingDir.resolve(file), file);
                ctx.out.print(io.github.bufdsl.format.Formatter.format(text));
                return 0;
            } catch (ScriptException e) {
                ctx.err.print(e.formatted());
                return e.exitCode();
            }
        }
    }

    /** {@code --color}: when diagnostics are coloured (errors red, warnings yellow, the caret green). */
    enum ColorMode {
        auto, always, never;

        String paint(String text) {
            boolean on = this == always || (this == auto && System.console() != null && System.getenv("NO_COLOR") == null);
            if (!on) {
                return text;
            }
            return text.replaceAll("(?m)^(\\S.*?:\\d+:\\d+: |\\S+: )error: ", "$1\u001b[1;31merror\u001b[0m: ")
                    .replaceAll("(?m)^(\\S.*?:\\d+:\\d+: )warning: ", "$1\u001b[1;33mwarning\u001b[0m: ")
                    .replaceAll("(?m)^(\\s*)\\^$", "$1\u001b[1;32m^\u001b[0m");
        }
    }

    /** The text of {@code usage}: each block's sizing function and peaks (the REPL's :usage too). */
    static String usageText(Usage usage, boolean explain) {
        StringBuilder text = new StringBuilder();
        for (Usage.Block block : usage.blocks()) {
            text.append(block.sizingFunction());
            for (BufferUsage u : block.buffers().values()) {
                text.append("peak ").append(u.buffer()).append(" = ");
                if (u.formula() == null && u.pool() != null) {
                    text.append(u.peak()).append(" elements per buffer; ").append(u.pool().buffers() == null
                            ? "one buffer per processor (nbuffers(" + u.buffer() + ")), each " + u.bytes() + " bytes"
                            : u.pool().buffers() + " buffers: " + u.pool().totalPeak() + " elements ("
                                    + u.pool().totalBytes() + " bytes)").append('\n');
                } else if (u.formula() == null) {
                    text.append(u.peak()).append(" elements (").append(u.bytes()).append(" bytes)\n");
                } else if (u.worstCase()) {
                    text.append(u.formula()).append("\nworst case ").append(u.buffer()).append(" = ")
                            .append(u.peak()).append(" elements (").append(u.bytes()).append(" bytes)")
                            .append(u.when().startsWith("over ") ? ", " : " when ").append(u.when()).append('\n');
                } else {
                    text.append(u.formula()).append(" elements (").append(u.elementBytes())
                            .append(" bytes each)\n");
                }
            }
            if (block.workspace() == null && block.workspaceFormula() != null) {
                text.append("workspace of @tensor = ").append(block.workspaceFormula()).append(" elements (8 bytes each)\n");
            } else if (block.workspace() == null) {
                text.append("workspace of @tensor: not sized (").append(block.workspaceUnknown())
                        .append(")\n");
            } else if (block.workspace() > 0) {
                text.append("workspace of @tensor = ").append(block.workspace()).append(" elements (")
                        .append(8 * block.workspace()).append(" bytes)\n");
            }
            if (explain) {
                text.append(block.explanation());
            }
        }
        return text.toString();
    }

    /** What {@code usage --emit} prints. */
    enum Emit {
        julia, java, buf
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
        int run(BufScript script, Map<String, Object> values) throws ScriptException {
            int[] counts = new int[3];
            ctx.err.print(color.paint(script.checkReport(values, counts)));
            ctx.out.println(file + ": " + count(counts[0], "error") + ", " + count(counts[1], "warning")
                    + (counts[2] < 0 ? " (types and shapes; the paths were not followed)" : " on "
                            + count(counts[2], "path")));
            return counts[0] > 0 ? 2 : 0;
        }

        private static String count(long n, String word) {
            return n + " " + word + (n == 1 ? "" : "s");
        }
    }
}
