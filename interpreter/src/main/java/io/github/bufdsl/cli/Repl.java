package io.github.bufdsl.cli;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.ast.Program;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Source;
import io.github.bufdsl.exec.Interpreter;
import io.github.bufdsl.exec.Value;
import io.github.bufdsl.exec.ValueFormat;
import io.github.bufdsl.parse.Parser;
import io.github.bufdsl.resolve.Resolution;
import io.github.bufdsl.resolve.Resolver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * {@code bufdsl repl}: statements typed one by one run in one state; a block is read until its
 * {@code end}. Errors are shown as diagnostics and the session goes on. {@code :usage} sizes what
 * was typed so far, {@code :vars} lists the variables, {@code :reset} starts over, {@code :help}.
 * With a terminal, JLine gives line editing and history; otherwise lines are read as they come.
 */
final class Repl {
    private static final String HELP = """
            Type bufdsl statements; a block (if, for, while, function, begin, @print_buffer_usage) is read
            until its end. Commands:
              :usage   size the buffers of what was typed so far (as bufdsl usage)
              :vars    the variables and their values
              :reset   forget everything and start over
              :help    this text
              :quit    leave (or end of input)
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final StringBuilder session = new StringBuilder();
    private int sessionLines;
    /** Inputs so far (as Julia's REPL[n]), and where each that ran starts in the session: {line, n}. */
    private int inputs;
    private final java.util.List<int[]> starts = new java.util.ArrayList<>();
    private Interpreter interp;

    Repl(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
        reset();
    }

    private void reset() {
        session.setLength(0);
        sessionLines = 0;
        starts.clear();
        interp = new Interpreter(Resolver.resolve(Parser.parse(new Source("repl", ""))),
                new Interpreter.Options(out, Map.of(), null, null));
    }

    /** Reads lines until the input ends or :quit; returns the exit code (0). */
    int run(InputStream in, boolean terminal) throws IOException {
        LineSource lines = terminal ? jline() : plain(in);
        out.println("bufdsl repl: statements run as you type them; :help for the commands");
        StringBuilder pending = new StringBuilder();
        while (true) {
            String line = lines.read(pending.length() == 0 ? "bufdsl> " : "    ...> ");
            if (line == null) {
                return 0;
            }
            if (pending.length() == 0 && line.strip().startsWith(":")) {
                if (!command(line.strip())) {
                    return 0;
                }
                continue;
            }
            pending.append(line).append('\n');
            if (chunk(pending.toString())) {
                pending.setLength(0);
            }
        }
    }

    /** Runs a chunk; false while it is incomplete (more lines are needed). */
    private boolean chunk(String text) {
        String all = session + text;
        Source source = new Source("repl", all);
        Program program;
        try {
            program = Parser.parse(source);
        } catch (DiagnosticException e) {
            if (e.diagnostics().stream().allMatch(d -> d.message().contains("has no matching `end`")
                    || d.message().startsWith("unexpected end of file")
                    || d.message().contains("(the file ends first)")
                    || d.message().startsWith("the script ends after")
                    || d.message().startsWith("this `#=` comment is never closed"))) {
                return false;
            }
            inputs++;
            print(e, text);
            return true;
        }
        inputs++;
        try {
            Resolution r = Resolver.resolve(program);
            // the checks run makes before running, on everything typed so far: refused as run refuses it
            List<Diagnostic> refused = checks(all);
            if (!refused.isEmpty()) {
                throw new DiagnosticException(io.github.bufdsl.diag.Phase.STATIC, refused);
            }
            List<Stmt> fresh = new java.util.ArrayList<>(
                    program.body().stream().filter(s -> s.pos().line() > sessionLines).toList());
            // as Julia's REPL: the value of the last statement is shown (and kept in ans) unless a `;` ends the input
            boolean echo = !fresh.isEmpty() && !text.strip().endsWith(";");
            Echo.Plan plan = echo ? Echo.plan(fresh) : new Echo.Plan(fresh, null, null);
            fresh = new java.util.ArrayList<>(plan.statements());
            String shown = plan.shown();
            interp.runMore(r, fresh);
            starts.add(new int[] {sessionLines + 1, inputs});
            session.append(text);
            sessionLines = (int) session.chars().filter(c -> c == '\n').count();
            if (plan.text() != null) {
                out.println(plan.text());
            }
            if (shown != null) {
                Value v = interp.globals().get(shown);
                if (v != null && !(v instanceof Value.Nothing)) {
                    out.println(ValueFormat.show(v));
                }
            }
        } catch (DiagnosticException e) {
            print(e, text);
        }
        return true;
    }

    /**
     * What {@code run} would refuse before running the session so far and this input; names the
     * REPL itself defined ({@code ans}) are bound to their values.
     */
    private List<Diagnostic> checks(String all) {
        try {
            BufScript script = BufScript.fromString("repl", all);
            Map<String, Object> bound = new java.util.HashMap<>();
            Map<String, Value> globals = interp.globals();
            for (String name : script.freeVariables()) {
                Value g = globals.get(name);
                Object v = g instanceof Value.Int i ? (Object) i.value() : g instanceof Value.Float f ? (Object) f.value()
                        : g instanceof Value.Float32 f ? (Object) f.value()
                        : g instanceof Value.Bool b ? (Object) b.value() : g instanceof Value.Str t ? t.value()
                        : g instanceof Value.BufferValue b ? b.buffer() : g instanceof Value.TensorValue t ? t.tensor()
                        : null;
                if (v != null) {
                    bound.put(name, v);
                }
            }
            return script.errorsBeforeRunning(bound);
        } catch (ScriptException e) {
            return List.of(); // the parser and resolver above have said what loading says
        }
    }

    /**
     * Diagnostics as Julia's REPL places them: {@code REPL[n]:line:col}, n the input and line within
     * it; an error inside an earlier input (a function defined there) names that input.
     */
    private void print(DiagnosticException e, String text) {
        for (Diagnostic d : e.diagnostics()) {
            Diagnostic shown = new Diagnostic(d.severity(), d.pos(), forPrompt(d.message()));
            int line = d.pos().line();
            if (!d.pos().isKnown()) {
                err.print(shown.format(new Source("REPL[" + inputs + "]", text)));
            } else if (line > sessionLines || starts.isEmpty()) {
                err.print(moved(shown, line - sessionLines).format(new Source("REPL[" + inputs + "]", text)));
            } else {
                int k = 0;
                for (int i = 0; i < starts.size(); i++) {
                    if (starts.get(i)[0] <= line) {
                        k = i;
                    }
                }
                int first = starts.get(k)[0];
                int end = k + 1 < starts.size() ? starts.get(k + 1)[0] - 1 : sessionLines;
                String[] lines = session.toString().split("\n", -1);
                String old = String.join("\n", java.util.Arrays.asList(lines).subList(first - 1, end));
                err.print(moved(shown, line - first + 1).format(new Source("REPL[" + starts.get(k)[1] + "]", old)));
            }
        }
    }

    private static Diagnostic moved(Diagnostic d, int line) {
        return new Diagnostic(d.severity(), new io.github.bufdsl.diag.Pos(line, d.pos().column(), d.pos().length()),
                d.message());
    }

    /** Hints in the words of a prompt: a name without a value is to be assigned, not given with --var. */
    static String forPrompt(String message) {
        return message.replaceAll("; it is used as [^;]* here, which --var cannot give", "")
                .replaceAll(" \\(if (\\S+) is a parameter of the script, give it with --var \\S+=\\.\\.\\.\\)", "").replaceAll(" has no value; give it with --var (\\S+)=\\.\\.\\.",
                " is not defined; assign it first, as $1 = ...")
                .replaceAll("; if it is a parameter of the script, give it with --var (\\S+)=\\.\\.\\.",
                        "; assign it first, as $1 = ...");
    }

    /** Runs a : command; false to leave. */
    private boolean command(String c) {
        switch (c) {
            case ":quit", ":q", ":exit" -> {
                return false;
            }
            case ":help" -> out.print(HELP);
            case ":reset" -> {
                reset();
                out.println("(everything forgotten)");
            }
            case ":vars" -> {
                for (Map.Entry<String, Value> e : interp.globals().entrySet()) {
                    out.println(e.getKey() + " = " + ValueFormat.show(e.getValue()));
                }
            }
            case ":usage" -> {
                try {
                    BufScript script = BufScript.fromString("repl", session.toString());
                    out.print(UsageOutput.text(script.usage(Map.of()), false));
                } catch (ScriptException e) {
                    err.print(e.formatted());
                }
            }
            default -> err.println("unknown command " + c + "; :help lists them");
        }
        return true;
    }

    private interface LineSource {
        String read(String prompt) throws IOException;
    }

    private LineSource plain(InputStream in) {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        return prompt -> {
            out.print(prompt);
            out.flush();
            String line = reader.readLine();
            if (line != null) {
                out.println();
            }
            return line;
        };
    }

    private LineSource jline() throws IOException {
        org.jline.terminal.Terminal terminal = org.jline.terminal.TerminalBuilder.builder().system(true).build();
        org.jline.reader.LineReader reader = org.jline.reader.LineReaderBuilder.builder().terminal(terminal)
                .variable(org.jline.reader.LineReader.HISTORY_FILE,
                        java.nio.file.Path.of(System.getProperty("user.home"), ".bufdsl_history"))
                .build();
        return prompt -> {
            try {
                return reader.readLine(prompt);
            } catch (org.jline.reader.UserInterruptException e) {
                return "";
            } catch (org.jline.reader.EndOfFileException e) {
                return null;
            }
        };
    }
}
