package io.github.bufdsl.cli;

import io.github.bufdsl.analysis.SizingEvaluator;
import io.github.bufdsl.api.BufScript;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@code bufdsl} as data: its commands, each with its options. The parser
 * ({@link ArgParser}), the help text ({@link HelpText}) and the completion script
 * ({@link Completion}) are all made from this table, so an option is declared once.
 */
final class CommandTable {
    private CommandTable() {
    }

    /** What an option takes. */
    enum Kind {
        /** No value ({@code --stats}); {@code --stats=true} and {@code --stats=false} are accepted too. */
        FLAG,
        /** One value, given once ({@code --seed 1} or {@code --seed=1}). */
        VALUE,
        /** One value each time, given any number of times ({@code --var a=1 --var b=2}). */
        REPEATABLE
    }

    /** What a value must be; the parser checks it before the command runs. */
    enum Type {
        TEXT, INT, LONG, NUMBER, CHOICE
    }

    /**
     * One option. {@code label} names its value in the help ({@code N}, {@code WHEN}); {@code choices}
     * are the only values a {@link Type#CHOICE} takes; {@code defaultValue} is what a command sees when
     * the option is not given (null: none).
     */
    record Option(String name, String label, Kind kind, Type type, List<String> choices, String defaultValue,
            String description) {
        static Option flag(String name, String description) {
            return new Option(name, null, Kind.FLAG, Type.TEXT, List.of(), null, description);
        }

        static Option value(String name, String label, Type type, String defaultValue, String description) {
            return new Option(name, label, Kind.VALUE, type, List.of(), defaultValue, description);
        }

        static Option choice(String name, String label, List<String> choices, String defaultValue, String description) {
            return new Option(name, label, Kind.VALUE, Type.CHOICE, choices, defaultValue, description);
        }

        static Option repeatable(String name, String label, String description) {
            return new Option(name, label, Kind.REPEATABLE, Type.TEXT, List.of(), null, description);
        }

        boolean takesValue() {
            return kind != Kind.FLAG;
        }
    }

    /**
     * One command. {@code file} is true when it takes the script (FILE, {@code -} for standard input);
     * {@code footer} ends its help (its examples).
     */
    record Command(String name, String description, boolean file, List<Option> options, List<String> footer) {
        /** The option named {@code name} (as {@code --seed}, or {@code -h}), or null. */
        Option option(String name) {
            for (Option o : options) {
                if (o.name().equals(name)) {
                    return o;
                }
            }
            return standard(name);
        }
    }

    static final String PROGRAM = "bufdsl";

    static final String DESCRIPTION =
            "Runs .buf kernels over preallocated tensor buffers and sizes the buffers they need.";

    static final String FILE_DESCRIPTION = "The .buf script; - reads it from standard input.";

    /** -h/--help and -V/--version: every command has them, and so has bufdsl itself. */
    static final List<Option> STANDARD = List.of(
            Option.flag("--help", "Show this help message and exit."),
            Option.flag("--version", "Print version information and exit."));

    /** -h, --help, -V or --version as its option; null for any other name. */
    static Option standard(String name) {
        return switch (name) {
            case "-h", "--help" -> STANDARD.get(0);
            case "-V", "--version" -> STANDARD.get(1);
            default -> null;
        };
    }

    /** The options of every command that reads a script. */
    private static final List<Option> SCRIPT = List.of(
            Option.repeatable("--var", "NAME=VALUE",
                    "Value of a free variable: true, false, an integer or a number. Repeatable."),
            Option.choice("--color", "WHEN", List.of("auto", "always", "never"), "auto",
                    "Colour diagnostics: auto (when stderr is a terminal), always or never."),
            Option.value("--max-sizing-steps", "N", Type.LONG, String.valueOf(SizingEvaluator.DEFAULT_MAX_STEPS),
                    "Most loop iterations sizing and checking may evaluate (default: "
                            + SizingEvaluator.DEFAULT_MAX_STEPS + ")."),
            Option.value("--max-sizing-time", "SECONDS", Type.NUMBER, number(BufScript.DEFAULT_SIZING_SECONDS),
                    "Most wall time sizing and the checks before running may take (default: "
                            + number(BufScript.DEFAULT_SIZING_SECONDS) + ")."),
            Option.value("--backend", "NAME", Type.TEXT, "ejml",
                    "Matrix multiplies of @tensor on ejml (pure Java, the default) or blas (OpenBLAS;"
                            + " the launcher adds its jar). Sizing counts that backend's workspace."));

    static final Command RUN = new Command("run",
            "Executes the script over real buffers. Reaching @print_buffer_usage prints the"
                    + " block's sizing function, then runs the block.",
            true, with(SCRIPT,
                    Option.value("--seed", "N", Type.LONG, null, "Seed for rand! (default: a random seed)."),
                    Option.flag("--stats", "At the end, print each buffer's high-water mark on stderr."),
                    Option.value("--max-steps", "N", Type.LONG, "0", "Stop after N statements (default: no limit)."),
                    Option.value("--timeout", "SECONDS", Type.NUMBER, "0",
                            "Stop after this wall time (default: none)."),
                    Option.value("--allow-io", "DIR", Type.TEXT, null,
                            "Let save and load read and write .npy files below DIR (default: no file access)."),
                    Option.value("--threads", "N", Type.INT, null,
                            "Threads a Threads.@threads loop runs on and buffers a ThreadsBuffer has by default, 1 to"
                                    + " 1024 (default: one per processor)."),
                    Option.value("--max-memory", "SIZE", Type.TEXT, null,
                            "Most memory all buffers may take together, as 100KB, 512MB, 2GB (default: 80% of the"
                                    + " JVM's heap).")),
            List.of("", "Example:", "  bufdsl run examples/prealloc.buf --var small=true --stats"));

    static final Command USAGE = new Command("usage",
            "Prints the sizing function of every @print_buffer_usage block (or of the whole"
                    + " script) in the format of Buffers.jl, then the peak of every buffer: a number when every"
                    + " free variable it depends on is given, else a formula in them and, where they are all"
                    + " Bools, the worst case.",
            true, with(SCRIPT,
                    Option.flag("--json", "Print one JSON object with the peaks and nothing else."),
                    Option.flag("--explain", "For each buffer, the statement where its peak is reached and the"
                            + " tensors live there, with their sizes."),
                    Option.value("--plot", "FILE", Type.TEXT, null, "Also draw each buffer's use over the"
                            + " statements, the peak marked, to FILE (.svg or .png)."),
                    Option.choice("--emit", "julia|java|buf", List.of("julia", "java", "buf"), "julia",
                            "The sizing function as Julia (default; as Buffers.jl's @print_buffer_usage prints"
                                    + " it), as a Java class with a static method returning the peaks, or as a .buf"
                                    + " script that bufdsl run executes.")),
            List.of("", "Examples:", "  bufdsl usage examples/prealloc.buf --var small=true",
                    "  bufdsl usage examples/prealloc.buf --json", "  bufdsl usage examples/prealloc.buf --emit java"));

    static final Command CHECK = new Command("check",
            "Checks the script before running it, on every path its free variables allow: drops out of"
                    + " stack order, drops of tensors already given back or from another buffer, use after drop!"
                    + " or reset!, a fixed-size buffer smaller than its peak (errors), tensors never given back and"
                    + " @tensor dimensions that must be equal but are different free variables (warnings). Exits 2 on"
                    + " errors, else 0.",
            true, SCRIPT, List.of("", "Example:", "  bufdsl check examples/prealloc.buf"));

    static final Command FMT = new Command("fmt",
            "Prints the script re-indented: four spaces per block level (only"
                    + " leading and trailing whitespace changes).",
            true, List.of(), List.of("", "Example:", "  bufdsl fmt examples/prealloc.buf > formatted.buf"));

    static final Command REPL = new Command("repl",
            "An interactive session: statements run as you type them, a block until its end;"
                    + " :usage sizes what was typed so far, :vars, :reset, :help.",
            false, List.of(), List.of("", "Example:", "  bufdsl repl"));

    static final Command COMPLETION = new Command("completion",
            "Prints a bash/zsh script that gives bufdsl TAB completion of its commands and options.",
            false, List.of(), List.of("", "Example (completion in the current shell):", "  source <(./bufdsl completion)",
                    "", "To keep it, save it and source it from ~/.bashrc:",
                    "  ./bufdsl completion > ~/.bufdsl-completion.bash"));

    /** {@code help [COMMAND]}: its own entry, as it takes a command's name, not a script. */
    static final Command HELP = new Command("help", "Display help information about the specified command.",
            false, List.of(), List.of());

    /** The commands besides help, in the order help lists them. */
    static final List<Command> COMMANDS = List.of(RUN, USAGE, CHECK, FMT, REPL, COMPLETION);

    /** The command named {@code name} (help included), or null. */
    static Command command(String name) {
        for (Command c : COMMANDS) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return name.equals(HELP.name()) ? HELP : null;
    }

    /** Every command's name, as "run, usage, ... and help". */
    static String commandNames() {
        StringBuilder s = new StringBuilder();
        for (Command c : COMMANDS) {
            s.append(s.length() == 0 ? "" : ", ").append(c.name());
        }
        return s.append(" and help").toString();
    }

    private static List<Option> with(List<Option> common, Option... more) {
        List<Option> all = new ArrayList<>(common);
        all.addAll(List.of(more));
        return List.copyOf(all);
    }

    /** 10.0 as 10, 2.5 as 2.5. */
    private static String number(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
