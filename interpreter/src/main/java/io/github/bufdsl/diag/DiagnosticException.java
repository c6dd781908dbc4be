package io.github.bufdsl.diag;

import java.util.List;

/** Thrown by a stage that found errors: carries them all, and whether they were found before running. */
public class DiagnosticException extends RuntimeException {
    private final Phase phase;
    private final List<Diagnostic> diagnostics;

    public DiagnosticException(Phase phase, List<Diagnostic> diagnostics) {
        super(diagnostics.isEmpty() ? "error" : diagnostics.get(0).message(), null, false, false);
        this.phase = phase;
        this.diagnostics = List.copyOf(diagnostics);
    }

    public DiagnosticException(Phase phase, Pos pos, String message) {
        this(phase, List.of(Diagnostic.error(pos, message)));
    }

    public Phase phase() {
        return phase;
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
