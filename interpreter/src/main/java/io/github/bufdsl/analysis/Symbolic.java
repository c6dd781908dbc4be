package io.github.bufdsl.analysis;

import io.github.bufdsl.diag.Pos;

/** Values of the sizing domain that are not numbers: free variables, open conditions, unknown values. */
final class Symbolic {
    private Symbolic() {
    }

    /** A free variable without a value: a symbol in sizes, an open condition in branches. */
    record Free(String name) {
    }

    /** A condition that depends on free variables, by its text. */
    record Open(String text) {
    }

    /**
     * A value usage cannot know before running; {@code view} if it is a slice or a reshape_buf! view
     * (never whole), {@code elsewhere} if it is a tensor of a buffer the sizing function does not size.
     */
    record Opaque(Pos pos, boolean view, boolean elsewhere) {
        Opaque(Pos pos, boolean view) {
            this(pos, view, false);
        }

        Opaque(Pos pos) {
            this(pos, false);
        }
    }
}
