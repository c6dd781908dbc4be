package io.github.bufdsl.api;

import io.github.bufdsl.diag.Diagnostic;

/**
 * One diagnostic: where (file, 1-based line and column; 0 when it has no place in the script),
 * how bad ("error" or "warning") and what.
 */
public record Problem(String file, int line, int column, String severity, String message) {
    /** A diagnostic of the script {@code file} as a problem. */
    static Problem of(String file, Diagnostic d) {
        return new Problem(file, d.pos().line(), d.pos().column(), d.severity().label(), d.message());
    }

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ":" + column + ": " + severity + ": " + message
                : file + ": " + severity + ": " + message;
    }
}
