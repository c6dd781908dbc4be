package io.github.bufdsl.parse;

import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.diag.Source;
import io.github.bufdsl.grammar.BufDslLexer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;

/**
 * Points "missing its `end`" at the block that is not closed rather than at the end of the file:
 * the openers ({@code if}, {@code for}, {@code while}, {@code begin}, {@code function}) are matched
 * with their {@code end}s over the tokens, and the innermost one left open is named.
 */
final class UnclosedBlocks {
    private static final Set<String> OPENERS = Set.of("if", "for", "while", "begin", "function", "let");

    private UnclosedBlocks() {
    }

    static List<Diagnostic> explain(List<Diagnostic> diagnostics, Source source) {
        List<Diagnostic> out = new ArrayList<>();
        for (Diagnostic d : diagnostics) {
            Token bracket = openBracketBefore(source, d.pos());
            if (bracket != null && (bracket.getLine() < d.pos().line() || d.message().startsWith("unexpected end"))) {
                d = Diagnostic.error(d.pos(), d.message() + "; the `" + bracket.getText() + "` at line "
                        + bracket.getLine() + ", column " + (bracket.getCharPositionInLine() + 1) + " is not closed");
                out.add(d);
                continue;
            }
            if (d.message().startsWith("unexpected end of file: a block is missing")) {
                Token open = innermostOpen(source);
                if (open != null) {
                    d = Diagnostic.error(new Pos(open.getLine(), open.getCharPositionInLine() + 1,
                            open.getText().length()), "this `" + open.getText() + "` has no matching `end`"
                            + " (the file ends first)");
                }
            }
            out.add(d);
        }
        return out;
    }

    /** The innermost bracket still open before a position (or at the end of the file), or null. */
    private static Token openBracketBefore(Source source, io.github.bufdsl.diag.Pos pos) {
        BufDslLexer lexer = new BufDslLexer(CharStreams.fromString(source.text()));
        lexer.removeErrorListeners();
        Deque<Token> open = new ArrayDeque<>();
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
            if (t.getLine() > pos.line() || (t.getLine() == pos.line() && t.getCharPositionInLine() + 1 >= pos.column())) {
                break;
            }
            String text = t.getText();
            if (text.equals("(") || text.equals("[") || text.equals("{")) {
                open.push(t);
            } else if ((text.equals(")") || text.equals("]") || text.equals("}")) && !open.isEmpty()) {
                open.pop();
            }
        }
        return open.peek();
    }

    private static Token innermostOpen(Source source) {
        BufDslLexer lexer = new BufDslLexer(CharStreams.fromString(source.text()));
        lexer.removeErrorListeners();
        Deque<Token> open = new ArrayDeque<>();
        int brackets = 0;
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
            String text = t.getText();
            if (text.equals("(") || text.equals("[") || text.equals("{")) {
                brackets++;
            } else if ((text.equals(")") || text.equals("]") || text.equals("}")) && brackets > 0) {
                brackets--;
            } else if (brackets > 0) {
                continue; // `end` and `begin` in an index are indices
            }
            if (OPENERS.contains(text)) {
                open.push(t);
            } else if (text.equals("end") && !open.isEmpty()) {
                open.pop();
            }
        }
        return open.peek();
    }
}
