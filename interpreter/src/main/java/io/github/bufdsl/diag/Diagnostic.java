package io.github.bufdsl.diag;

/** One message for the user about one place in a script. */
public record Diagnostic(Severity severity, Pos pos, String message) {
    /** Source lines longer than this are shown as a window around the column. */
    static final int MAX_LINE = 120;

    public static Diagnostic error(Pos pos, String message) {
        return new Diagnostic(Severity.ERROR, pos, message);
    }

    public static Diagnostic warning(Pos pos, String message) {
        return new Diagnostic(Severity.WARNING, pos, message);
    }

    /**
     * The one format for every message: {@code file:line:col: error: message}, then the source
     * line and a caret under the column. Without a position only the first line is given.
     */
    public String format(Source source) {
        String file = source == null ? "bufdsl" : source.name();
        if (!pos.isKnown() || source == null) {
            return file + ": " + severity.label() + ": " + message + "\n";
        }
        String line = source.line(pos.line());
        int col = Math.max(1, pos.column());
        if (line.length() > MAX_LINE) {
            // a window around the column, so that a huge line does not flood the terminal
            int from = Math.max(0, Math.min(col - 1 - MAX_LINE / 2, line.length() - MAX_LINE));
            String window = line.substring(from, Math.min(line.length(), from + MAX_LINE));
            line = (from > 0 ? "..." : "") + window + (from + MAX_LINE < source.line(pos.line()).length() ? "..." : "");
            col = col - from + (from > 0 ? 3 : 0);
        }
        StringBuilder caret = new StringBuilder();
        for (int i = 0; i < col - 1 && i < line.length(); i++) {
            caret.append(line.charAt(i) == '\t' ? '\t' : ' ');
        }
        caret.append('^');
        return file + ":" + pos.line() + ":" + pos.column() + ": " + severity.label() + ": " + message + "\n"
                + line + "\n" + caret + "\n";
    }
}
