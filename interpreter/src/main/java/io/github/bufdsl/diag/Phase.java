package io.github.bufdsl.diag;

/** When an error was found: before anything ran (exit code 2) or while running (exit code 1). */
public enum Phase {
    STATIC(2),
    RUNTIME(1);

    private final int exitCode;

    Phase(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
