package io.github.bufdsl.analysis;

import io.github.bufdsl.diag.Pos;

/** Values of the sizing domain that are not numbers: free variables, open conditions, unknown values. */
final class Symbolic {
    private Symbolic() {
    }

    /** A free variable without a value: a symbol in sizes, an open condition in branches. */
    record Free(String name) {
    }

    /** A range of integers on a path ({@code r = 1:n}), for the slices it indexes. */
    record Range(Poly start, Poly step, Poly stop) {
        @Override
        public String toString() {
            return start + ":" + (step.equals(Poly.constant(1)) ? "" : step + ":") + stop;
        }
    }

    /** A condition that depends on free variables, by its text. */
    record Open(String text) {
    }

    /**
     * A value usage cannot know before running; {@code view} if it is a slice or a reshape_buf! view
     * (never whole), {@code elsewhere} if it is a tensor of a buffer the sizing function does not size;
     * {@code why}: what usage could not compute of it (a slice's range, say), or null.
     */
    record Opaque(Pos pos, boolean view, boolean elsewhere, String why) {
        Opaque(Pos pos, boolean view, boolean elsewhere) {
            this(pos, view, elsewhere, null);
        }

        Opaque(Pos pos, boolean view) {
            this(pos, view, false);
        }

        Opaque(Pos pos) {
            this(pos, false);
        }

        /** Where it is assigned, and why it is known only when running. */
        String assigned() {
            return "assigned at line " + pos.line() + (why == null ? " from a value known only when running"
                    : " from a value usage cannot compute: " + why);
        }
    }
}
