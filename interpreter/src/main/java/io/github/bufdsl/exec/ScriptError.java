package io.github.bufdsl.exec;

import io.github.bufdsl.diag.Pos;

/**
 * An error while a script runs. Builtins throw it without a position; the interpreter gives it the
 * position of the call or statement that failed before it reaches the user.
 */
public final class ScriptError extends RuntimeException {
    private final Pos pos;

    public ScriptError(String message) {
        this(null, message);
    }

    public ScriptError(Pos pos, String message) {
        super(message, null, false, false);
        this.pos = pos;
    }

    /** Where it happened, or null while no one has said yet. */
    public Pos pos() {
        return pos;
    }

    public ScriptError at(Pos where) {
        return pos != null ? this : new ScriptError(where, getMessage());
    }
}
