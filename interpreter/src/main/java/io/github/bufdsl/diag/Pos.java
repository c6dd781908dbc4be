package io.github.bufdsl.diag;

/** A place in a source file: 1-based line and column, and the length of the text it covers. */
public record Pos(int line, int column, int length) {
    /** For things that have no place in the source (command-line input, generated code). */
    public static final Pos NONE = new Pos(0, 0, 0);

    public boolean isKnown() {
        return line > 0;
    }

    // equals and hashCode written out: a record's generated ones are bootstrapped through method
    // handles at their first call (classes spun at run time, which the class-data sharing archive
    // cannot hold), a measurable part of a short command's start-up; the same for Type's records
    @Override
    public boolean equals(Object o) {
        return o instanceof Pos p && p.line == line && p.column == column && p.length == length;
    }

    @Override
    public int hashCode() {
        return (line * 31 + column) * 31 + length;
    }
}
