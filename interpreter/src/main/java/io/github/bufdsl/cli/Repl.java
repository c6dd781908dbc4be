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
    private Interpreter interp;

    Repl(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
        reset();
    }

    private void reset() {
        session.setLength(0);
        sessionLines = 0;
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
                    || d.message().startsWith("this `#=` comment is never closed"))) {
                return false;
            }
            print(e, source);
            return true;
        }
        try {
            Resolution r = Resolver.resolve(program);
            List<Stmt> fresh = program.body().stream().filter(s -> s.pos().line() > sessionLines).toList();
            interp.runMore(r, fresh);
            session.append(text);
            sessionLines = (int) session.chars().filter(c -> c == '\n').count();
        } catch (DiagnosticException e) {
            print(e, source);
        }
        return true;
    }

    private void print(DiagnosticException e, Source source) {
        for (Diagnostic d : e.diagnostics()) {
            err.print(d.format(source));
        }
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
                    out.print(Main.usageText(script.usage(Map.of()), false));
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
