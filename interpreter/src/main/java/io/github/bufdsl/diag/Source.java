package io.github.bufdsl.diag;

import java.util.List;

/** The text of one script and the name it is reported under. */
public final class Source {
    private final String name;
    private final String text;
    private final List<String> lines;

    public Source(String name, String text) {
        this.name = name;
        this.text = text;
        this.lines = text.lines().toList();
    }

    public String name() {
        return name;
    }

    public String text() {
        return text;
    }

    /** Line {@code n} (1-based) without its end of line, or "" past the end. */
    public String line(int n) {
        return n >= 1 && n <= lines.size() ? lines.get(n - 1) : "";
    }
}
