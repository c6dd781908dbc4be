package io.github.bufdsl.api;

import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
import io.github.bufdsl.diag.Source;
import java.util.List;

/**
 * A script could not be loaded, sized or run. Carries every diagnostic, whether they were found
 * before anything ran, and their text in the CLI's format ({@code file:line:col: error: message},
 * the line, a caret). Nothing is printed.
 */
public final class ScriptException extends Exception {
    private final List<Problem> problems;
    private final boolean beforeRunning;
    private final String formatted;

    ScriptException(DiagnosticException e, Source source) {
        super(e.diagnostics().isEmpty() ? "error" : e.diagnostics().get(0).message(), null, false, false);
        this.beforeRunning = e.phase() == Phase.STATIC;
        String file = source == null ? "bufdsl" : source.name();
        List<Diagnostic> placed = e.diagnostics(); // each where its producer placed it (see diag.Placement)
        this.problems = placed.stream().map(d -> new Problem(file, d.pos().line(), d.pos().column(),
                d.severity().label(), d.message())).toList();
        StringBuilder sb = new StringBuilder();
        for (Diagnostic d : placed) {
            sb.append(d.format(source));
        }
        this.formatted = sb.toString();
    }

    /** The diagnostics, in the order found. */
    public List<Problem> problems() {
        return problems;
    }

    /** True for errors found before running (syntax, names, static checks), false for errors while running. */
    public boolean beforeRunning() {
        return beforeRunning;
    }

    /** The CLI's exit code for these errors: 2 before running, 1 while running. */
    public int exitCode() {
        return beforeRunning ? 2 : 1;
    }

    /** The diagnostics as the CLI prints them. */
    public String formatted() {
        return formatted;
    }
}
