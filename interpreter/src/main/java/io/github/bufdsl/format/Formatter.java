package io.github.bufdsl.format;

import io.github.bufdsl.grammar.BufDslLexer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;

/**
 * Re-indents a script in the seed's style: four spaces per block level, {@code else}, {@code elseif}
 * and {@code end} at the level of their {@code if}, lines continued inside brackets one level
 * deeper. Only leading whitespace changes (and trailing whitespace goes), so comments, strings
 * and everything else stay as written; formatting twice changes nothing.
 */
public final class Formatter {
    private static final String INDENT = "    ";
    private static final Set<String> OPENERS = Set.of("if", "for", "while", "begin", "function", "let");
    private static final Set<String> MIDDLES = Set.of("else", "elseif");
    /** Tokens that leave a line incomplete, so that it continues on the next (as the parser reads it). */
    private static final Set<String> CONTINUING = Set.of("+", "-", "*", "/", "^", "%", "\u00F7", "==", "!=", "<",
            "<=", ">", ">=", "&&", "||", "=", "+=", "-=", "*=", "/=", "\u00F7=", "^=", "%=", "\u2248",
            "\u2249", ":=", ".=", ".+=", ".-=", ".*=", "./=", ".+",
            ".-", ".*", "./", ".^", ".%", ",", "?", ":", "!");

    private Formatter() {
    }

    /** The formatted text of a script (which need not parse). */
    public static String format(String text) {
        java.util.BitSet inComment = new java.util.BitSet();
        List<List<Token>> lines = tokensByLine(text, inComment);
        String[] raw = text.split("\r?\n", -1);
        StringBuilder out = new StringBuilder();
        int level = 0;
        int brackets = 0;
        boolean continued = false;
        for (int n = 0; n < raw.length; n++) {
            if (n == raw.length - 1 && raw[n].isEmpty()) {
                break; // the text's final newline
            }
            if (inComment.get(n)) {
                out.append(raw[n].stripTrailing()).append('\n'); // inside a #= =# comment: kept as written
                continue;
            }
            String line = raw[n].strip();
            List<Token> tokens = n < lines.size() ? lines.get(n) : List.of();
            String first = tokens.isEmpty() ? "" : tokens.get(0).getText();
            int here = level;
            if (brackets == 0 && ("end".equals(first) || MIDDLES.contains(first))) {
                here = Math.max(0, level - 1);
            }
            int extra = brackets > 0 || continued ? 1 : 0;
            if (line.isEmpty()) {
                out.append('\n');
            } else {
                out.append(INDENT.repeat(here + extra)).append(line).append('\n');
            }
            for (Token t : tokens) {
                String s = t.getText();
                if (OPENERS.contains(s) && brackets == 0) {
                    level++;
                } else if ("end".equals(s) && brackets == 0) {
                    level = Math.max(0, level - 1);
                } else if ("(".equals(s) || "[".equals(s) || "{".equals(s)) {
                    brackets++;
                } else if ((")".equals(s) || "]".equals(s) || "}".equals(s)) && brackets > 0) {
                    brackets--;
                }
            }
            if (!tokens.isEmpty()) {
                continued = brackets == 0 && CONTINUING.contains(tokens.get(tokens.size() - 1).getText());
            }
        }
        return out.toString();
    }

    /**
     * The tokens of each line (0-based), without whitespace, comments and newlines; sets in
     * {@code inComment} the lines that begin inside a {@code #= =#} comment.
     */
    private static List<List<Token>> tokensByLine(String text, java.util.BitSet inComment) {
        BufDslLexer lexer = new BufDslLexer(CharStreams.fromString(text)) {
            @Override
            public void skip() {
                // a skipped token that spans lines is a block comment: the lines after its first
                if (getLine() > _tokenStartLine && _input.getText(org.antlr.v4.runtime.misc.Interval.of(
                        _tokenStartCharIndex, _tokenStartCharIndex + 1)).equals("#=")) {
                    inComment.set(_tokenStartLine, getLine());
                }
                super.skip();
            }
        };
        lexer.removeErrorListeners();
        List<List<Token>> lines = new ArrayList<>();
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
            if (t.getType() == BufDslLexer.NEWLINE) {
                continue;
            }
            while (lines.size() < t.getLine()) {
                lines.add(new ArrayList<>());
            }
            lines.get(t.getLine() - 1).add(t);
        }
        return lines;
    }
}
