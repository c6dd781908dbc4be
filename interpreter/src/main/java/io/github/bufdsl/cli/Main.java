package io.github.bufdsl.cli;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.cli.ArgParser.ArgumentException;
import io.github.bufdsl.cli.ArgParser.Parsed;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The {@code bufdsl} command line. {@link #execute} is the testable entry point: it takes the
 * arguments, a working directory and the two output streams, and returns the exit code (0 fine,
 * 1 error while running, 2 error before running, 3 a bug). The commands and their options are in
 * {@link CommandTable}, read by {@link ArgParser}.
 */
public final class Main {
    /** Stack for the interpreter's thread: deep but bounded recursion ends in a diagnostic. */
    private static final long STACK_BYTES = 512L * 1024 * 1024;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(execute(args, Path.of(""), System.in, System.out, System.err));
    }

    /** Runs the command line; never throws for user errors. */
    public static int execute(String[] args, Path workingDir, PrintStream out, PrintStream err) {
        return execute(args, workingDir, InputStream.nullInputStream(), out, err);
    }

    /** As {@link #execute(String[], Path, PrintStream, PrintStream)}, with an input (for the REPL). */
    public static int execute(String[] args, Path workingDir, InputStream in, PrintStream out, PrintStream err) {
        Command command = new Command(args, workingDir, in, out, err);
        Thread t = new Thread(null, command, "bufdsl", STACK_BYTES);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 3;
        }
        out.flush();
        err.flush();
        return command.code;
    }

    /** The command line on a thread of its own (a class, not a lambda: the first lambda costs start-up). */
    private static final class Command implements Runnable {
        private final String[] args;
        private final Path workingDir;
        private final InputStream in;
        private final PrintStream out;
        private final PrintStream err;
        int code = 3;

        Command(String[] args, Path workingDir, InputStream in, PrintStream out, PrintStream err) {
            this.args = args;
            this.workingDir = workingDir;
            this.in = in;
            this.out = out;
            this.err = err;
        }

        @Override
        public void run() {
            try {
                code = executeHere(args, workingDir, in, out, err);
            } catch (OutOfMemoryError | StackOverflowError e) {
                code = lastGuard(e, err);
            }
        }
    }

    private static int executeHere(String[] args, Path workingDir, InputStream in, PrintStream out, PrintStream err) {
        Context ctx = new Context(workingDir, in, out, err, Preload.start(args, workingDir, STACK_BYTES));
        Parsed parsed;
        try {
            parsed = ArgParser.parse(args);
        } catch (ArgumentException e) {
            err.println("bufdsl: error: " + e.getMessage());
            err.println("Usage: bufdsl COMMAND [FILE] [options]; the commands are " + commands()
                    + "; bufdsl help COMMAND explains one");
            return 2;
        }
        try {
            return switch (parsed.action()) {
                case NO_COMMAND -> {
                    err.println("bufdsl: a command is needed: " + commands());
                    err.print(HelpText.top());
                    yield 2;
                }
                case HELP -> {
                    out.print(parsed.command() == null ? HelpText.top() : HelpText.of(parsed.command()));
                    yield 0;
                }
                case VERSION -> {
                    out.println(version());
                    yield 0;
                }
                case RUN -> run(ctx, parsed);
            };
        } catch (java.io.IOException | RuntimeException e) {
            err.println("bufdsl: internal error (a bug in bufdsl; please report it with the script): " + e);
            if (System.getenv("BUFDSL_DEBUG") != null) {
                e.printStackTrace(err);
            } else {
                err.println("(set BUFDSL_DEBUG=1 to see where it happened)");
            }
            return 3;
        }
    }

    private static int run(Context ctx, Parsed parsed) throws java.io.IOException {
        return switch (parsed.command().name()) {
            case "run", "usage", "check" -> ScriptCommands.execute(ctx, parsed);
            case "fmt" -> fmt(ctx, parsed.file());
            case "repl" -> new Repl(ctx.out, ctx.err).run(ctx.in, ctx.in == System.in && System.console() != null);
            case "completion" -> {
                ctx.out.print(Completion.script());
                yield 0;
            }
            default -> throw new IllegalStateException("no command " + parsed.command().name());
        };
    }

    /** {@code fmt FILE}: the script re-indented. */
    private static int fmt(Context ctx, String file) {
        try {
            String text = file.equals("-") ? readStdin(ctx) : BufScript.readText(ctx.workingDir.resolve(file), file);
            ctx.out.print(io.github.bufdsl.format.Formatter.format(text));
            return 0;
        } catch (ScriptException e) {
            ctx.err.print(e.formatted());
            return e.exitCode();
        }
    }

    /** The last guard of the command line: the JVM ran out of heap or stack outside a running script. */
    private static int lastGuard(Throwable e, PrintStream err) {
        err.println("bufdsl: error: " + (e instanceof OutOfMemoryError
                ? "the JVM ran out of memory; give it a larger heap (BUFDSL_JAVA_OPTS=-Xmx8g) or use a smaller script"
                : "the script nests too deeply for the JVM's stack"));
        return 1;
    }

    /** Every command's name, as "run, usage, ... and help". */
    static String commands() {
        return CommandTable.commandNames();
    }

    /** {@code bufdsl --version}: the version the jar's manifest gives. */
    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return "bufdsl " + (v == null ? "development build" : v);
    }

    /** Where a command reads and writes; {@code in} is the script of {@code -}, and the REPL's input. */
    record Context(Path workingDir, InputStream in, PrintStream out, PrintStream err, Preload preload) {
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

    /** {@code --color}: when diagnostics are coloured (errors red, warnings yellow, the caret green). */
    enum ColorMode {
        auto, always, never;

        /** The mode --color names (the parser has checked it is one). */
        static ColorMode of(String name) {
            return switch (name) {
                case "always" -> always;
                case "never" -> never;
                default -> auto;
            };
        }

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
}
