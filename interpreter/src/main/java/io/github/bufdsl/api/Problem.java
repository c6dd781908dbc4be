package io.github.bufdsl.api;

/**
 * One diagnostic: where (file, 1-based line and column; 0 when it has no place in the script),
 * how bad ("error" or "warning") and what.
 */
public record Problem(String file, int line, int column, String severity, String message) {
    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ":" + column + ": " + severity + ": " + message
                : file + ": " + severity + ": " + message;
    }
}
