package io.github.bufdsl.diag;

/** A place in a source file: 1-based line and column, and the length of the text it covers. */
public record Pos(int line, int column, int length) {
    /** For things that have no place in the source (command-line input, generated code). */
    public static final Pos NONE = new Pos(0, 0, 0);

    public boolean isKnown() {
        return line > 0;
    }
}
