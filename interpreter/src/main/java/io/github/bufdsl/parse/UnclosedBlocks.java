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
        Token neverClosed = openBracketBefore(source, new Pos(Integer.MAX_VALUE, 1, 1));
        Pos outermost = outermostOpen(source);
        boolean reported = false;
        for (Diagnostic d : diagnostics) {
            if (neverClosed != null && outermost != null && after(d.pos(), outermost)) {
                // a bracket the file never closes: one error, at the innermost such bracket
                if (!reported) {
                    out.add(Diagnostic.error(new Pos(neverClosed.getLine(), neverClosed.getCharPositionInLine() + 1, 1),
                            "this `" + neverClosed.getText() + "` has no matching `" + closing(neverClosed.getText()) + "`"
                            + " (the file ends first)"));
                    reported = true;
                }
                continue;
            }
            Token bracket = openBracketBefore(source, d.pos());
            if (bracket != null && (bracket.getLine() < d.pos().line() || d.message().startsWith("unexpected end"))) {
                // at the bracket left open: that is where the mistake is
                String close = switch (bracket.getText()) {
                    case "(" -> ")";
                    case "[" -> "]";
                    default -> "}";
                };
                String found = d.message().startsWith("unexpected end of file") ? "the file ends first"
                        : "line " + d.pos().line() + " comes first: " + d.message();
                d = Diagnostic.error(new Pos(bracket.getLine(), bracket.getCharPositionInLine() + 1, 1), "this `"
                        + bracket.getText() + "` has no matching `" + close + "` (" + found + ")");
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

    private static boolean after(Pos p, Pos q) {
        return p.line() > q.line() || (p.line() == q.line() && p.column() >= q.column());
    }

    private static String closing(String open) {
        return switch (open) {
            case "(" -> ")";
            case "[" -> "]";
            default -> "}";
        };
    }

    /** Where the outermost bracket that the file never closes opens, or null. */
    private static Pos outermostOpen(Source source) {
        BufDslLexer lexer = new BufDslLexer(CharStreams.fromString(source.text()));
        lexer.removeErrorListeners();
        Deque<Token> open = new ArrayDeque<>();
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
            String text = t.getText();
            if (text.equals("(") || text.equals("[") || text.equals("{")) {
                open.push(t);
            } else if ((text.equals(")") || text.equals("]") || text.equals("}")) && !open.isEmpty()) {
                open.pop();
            }
        }
        if (open.isEmpty()) {
            return null;
        }
        Token first = open.peekLast();
        // the statement it is in: from the start of its line
        return new Pos(first.getLine(), 1, 1);
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
