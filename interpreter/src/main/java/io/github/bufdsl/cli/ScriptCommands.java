package io.github.bufdsl.cli;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.RunOptions;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.api.Usage;
import io.github.bufdsl.cli.ArgParser.Parsed;
import io.github.bufdsl.cli.Main.ColorMode;
import io.github.bufdsl.cli.Main.Context;
import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Source;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.MatrixBackend;
import io.github.bufdsl.runtime.MemoryBudget;
import io.github.bufdsl.runtime.ThreadsBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The commands that read a script: run, usage and check, each given its parsed command line. */
final class ScriptCommands {
    private final Context ctx;
    private final Parsed args;
    private final String file;
    private final ColorMode color;

    private ScriptCommands(Context ctx, Parsed args) {
        this.ctx = ctx;
        this.args = args;
        this.file = args.file();
        this.color = ColorMode.of(args.text("--color"));
    }

    /** Loads FILE, reads --var against its free variables, then runs the command; returns the exit code. */
    static int execute(Context ctx, Parsed args) {
        return new ScriptCommands(ctx, args).execute();
    }

    private int execute() {
        try {
            if (ctx.preload() != null) {
                // while the other thread reads the script: find the backend (a ServiceLoader look-up)
                warmBackend();
            }
            BufScript script = Main.load(ctx, file);
            Map<String, Object> values;
            try {
                values = VarParser.parse(args.list("--var"), script.freeVariables());
            } catch (DiagnosticException e) {
                for (Diagnostic d : e.diagnostics()) {
                    ctx.err().print(d.format(new Source(file, "")));
                }
                return e.phase().exitCode();
            }
            double maxSizingTime = args.number("--max-sizing-time");
            if (!(maxSizingTime > 0) || maxSizingTime > 1e6) {
                ctx.err().println(file + ": error: --max-sizing-time must be a positive number of seconds");
                return 2;
            }
            script = script.withMaxSizingSteps(args.longValue("--max-sizing-steps")).withSizingTime(sizingTime())
                    .withBackend(args.text("--backend")).forCommandLine();
            return switch (args.command().name()) {
                case "run" -> run(script, values);
                case "usage" -> usage(script, values);
                default -> check(script, values);
            };
        } catch (ScriptException e) {
            ctx.err().print(color.paint(e.formatted()));
            return e.exitCode();
        }
    }

    /** Looks the backend up once ahead; an unknown name is reported later, after the script's own errors. */
    private void warmBackend() {
        try {
            MatrixBackend.named(args.text("--backend"));
        } catch (IllegalArgumentException e) {
            // withBackend reports it in its turn
        }
    }

    /** The time the checks before running may take: --max-sizing-time, within --timeout for run. */
    private double sizingTime() {
        double maxSizingTime = args.number("--max-sizing-time");
        if (args.command() != CommandTable.RUN) {
            return maxSizingTime;
        }
        double timeout = args.number("--timeout");
        return timeout > 0 ? Math.min(timeout, maxSizingTime) : maxSizingTime;
    }

    private int run(BufScript script, Map<String, Object> values) throws ScriptException {
        String maxMemory = args.text("--max-memory");
        long memory = RunOptions.DEFAULT.maxMemoryBytes();
        if (maxMemory != null) {
            try {
                memory = MemoryBudget.parse(maxMemory);
            } catch (IllegalArgumentException e) {
                ctx.err().println(file + ": error: --max-memory " + maxMemory + ": " + e.getMessage());
                return 2;
            }
        }
        long maxSteps = args.longValue("--max-steps");
        double timeout = args.number("--timeout");
        if (maxSteps < 0 || !(timeout >= 0) || Double.isInfinite(timeout)) {
            ctx.err().println(file + ": error: --max-steps and --timeout must not be negative");
            return 2;
        }
        Integer threads = args.intValue("--threads");
        if (threads != null && (threads < 1 || threads > ThreadsBuffer.MAX_BUFFERS)) {
            ctx.err().println(file + ": error: --threads " + threads + ": a run has 1 to " + ThreadsBuffer.MAX_BUFFERS
                    + " threads (as a ThreadsBuffer has at most " + ThreadsBuffer.MAX_BUFFERS + " buffers)");
            return 2;
        }
        String allowIo = args.text("--allow-io");
        if (allowIo != null && !java.nio.file.Files.isDirectory(ctx.workingDir().resolve(allowIo))) {
            ctx.err().println(file + ": error: --allow-io " + allowIo + ": no such folder; give the folder whose"
                    + " .npy files the script may read and write");
            return 2;
        }
        boolean stats = args.flag("--stats");
        script.run(values, ctx.out(), new RunOptions(args.longValue("--seed"), maxSteps, timeout, memory,
                threads == null ? 0 : threads, allowIo == null ? null : ctx.workingDir().resolve(allowIo)), result -> {
                    if (stats) {
                        printStats(result);
                    }
                });
        return 0;
    }

    private void printStats(io.github.bufdsl.api.RunResult result) {
        for (Buffer.Stats b : result.bufferStats()) {
            ctx.err().println("high-water " + b.name() + " = " + b.highWater() + " of " + b.length()
                    + " elements (" + b.highWater() * b.elementBytes() + " bytes)");
        }
        for (ThreadsBuffer.Stats t : result.threadsBufferStats()) {
            // as usage sizes a ThreadsBuffer: the most one buffer held, then all together
            int n = t.buffers().size();
            ctx.err().println("high-water " + t.name() + " = " + t.highWaterPerBuffer() + " of "
                    + t.lengthPerBuffer() + " elements per buffer (" + 8 * t.highWaterPerBuffer()
                    + " bytes); " + n + (n == 1 ? " buffer: " : " buffers: ") + t.highWaterTotal() + " of "
                    + t.lengthTotal() + " elements (" + 8 * t.highWaterTotal() + " bytes)");
        }
        if (result.workspaceHighWater() > 0) {
            ctx.err().println("workspace of @tensor = " + result.workspaceHighWater() + " elements ("
                    + 8 * result.workspaceHighWater() + " bytes)");
        }
    }

    private int usage(BufScript script, Map<String, Object> values) throws ScriptException {
        String emit = args.text("--emit");
        if (!emit.equals("julia")) {
            ctx.out().print(script.emit(emit, values));
            return 0;
        }
        Usage usage = script.usage(values);
        String plot = args.text("--plot");
        if (plot != null) {
            int code = plot(usage, plot);
            if (code != 0) {
                return code;
            }
        }
        boolean json = args.flag("--json");
        if (usage.blocks().isEmpty() && !json) {
            ctx.out().println(file + ": no buffers to size (the script creates none and allocates from none)");
            return 0;
        }
        if (json) {
            ctx.out().println(UsageJson.json(usage, script.freeVariableTypes()));
            return 0;
        }
        ctx.out().print(UsageOutput.text(usage, args.flag("--explain")));
        return 0;
    }

    /** {@code usage --plot FILE}: 0 when drawn, else the exit code after the message. */
    private int plot(Usage usage, String plot) {
        String name = plot.toLowerCase(java.util.Locale.ROOT);
        if (!name.endsWith(".svg") && !name.endsWith(".png")) {
            ctx.err().println(file + ": error: --plot " + plot + ": the file must end in .svg or .png");
            return 2;
        }
        List<String> open = new ArrayList<>();
        usage.blocks().forEach(block -> block.buffers().values().forEach(u -> {
            if (u.peak() == null) {
                open.add(u.buffer() + " = " + u.formula());
            }
        }));
        if (!open.isEmpty()) {
            ctx.err().println(file + ": error: --plot draws buffer use for numbers, and the peak of "
                    + String.join(", ", open) + " depends on free variables; give them with --var");
            return 2;
        }
        try {
            Plot.write(usage, ctx.workingDir().resolve(plot), "buffer use of " + file);
        } catch (java.io.IOException | RuntimeException e) {
            ctx.err().println(file + ": error: --plot " + plot + ": cannot write it: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private int check(BufScript script, Map<String, Object> values) throws ScriptException {
        int[] counts = new int[3];
        ctx.err().print(color.paint(script.checkReport(values, counts)));
        ctx.out().println(file + ": " + count(counts[0], "error") + ", " + count(counts[1], "warning")
                + (counts[2] < 0 ? " (types and shapes; the paths were not followed)" : " on "
                        + count(counts[2], "path")));
        return counts[0] > 0 ? 2 : 0;
    }

    private static String count(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
