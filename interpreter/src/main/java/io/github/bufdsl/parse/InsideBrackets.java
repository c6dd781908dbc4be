package io.github.bufdsl.parse;

import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.grammar.BufDslLexer;
import io.github.bufdsl.grammar.BufDslParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BufferedTokenStream;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ListTokenSource;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;

/**
 * A call whose arguments hold a mistake ({@code abs(4 - 2 3)}) makes the parser give up on the
 * call as a whole, so that it reports the call's {@code (} as unexpected. The arguments, parsed
 * alone, say where the mistake is.
 */
final class InsideBrackets {
    private InsideBrackets() {
    }

    /** The error inside the arguments of a call whose {@code (} is the offending token; null when not that case. */
    static Diagnostic error(Recognizer<?, ?> recognizer, Token token) {
        if (token == null || !"(".equals(token.getText()) || !(recognizer instanceof Parser p)
                || !(p.getInputStream() instanceof BufferedTokenStream stream) || token.getTokenIndex() <= 0) {
            return null;
        }
        Token callee = stream.get(token.getTokenIndex() - 1);
        boolean call = callee.getType() == BufDslLexer.IDENT || ")".equals(callee.getText())
                || "]".equals(callee.getText());
        if (!call || callee.getStopIndex() + 1 != token.getStartIndex()) {
            return null;
        }
        stream.fill();
        List<Token> inside = new ArrayList<>();
        int depth = 0;
        for (int i = token.getTokenIndex() + 1; i < stream.size(); i++) {
            Token t = stream.get(i);
            if (t.getType() == Token.EOF) {
                return null; // never closed: reported as such elsewhere
            }
            String text = t.getText();
            if (text.equals("(") || text.equals("[") || text.equals("{")) {
                depth++;
            } else if (text.equals(")") || text.equals("]") || text.equals("}")) {
                if (depth == 0) {
                    if (inside.isEmpty()) {
                        return null;
                    }
                    CommonToken eof = new CommonToken(t);
                    eof.setType(Token.EOF);
                    eof.setText(")");
                    inside.add(eof);
                    return parseAlone(inside);
                }
                depth--;
            }
            if (t.getChannel() == Token.DEFAULT_CHANNEL) {
                inside.add(new CommonToken(t)); // a copy: the stream numbers the tokens it reads
            }
        }
        return null;
    }

    /** The first syntax error of the tokens parsed as a call's arguments; null when they are valid. */
    private static Diagnostic parseAlone(List<Token> tokens) {
        SyntaxErrors listener = new SyntaxErrors();
        BufDslParser parser = new BufDslParser(new CommonTokenStream(new ListTokenSource(tokens)));
        parser.removeErrorListeners();
        parser.addErrorListener(listener);
        parser.callArgs();
        if (!listener.diagnostics().isEmpty()) {
            return listener.diagnostics().get(0);
        }
        Token rest = parser.getCurrentToken();
        if (rest.getType() == Token.EOF) {
            return null;
        }
        Diagnostic nested = error(parser, rest);
        if (nested != null) {
            return nested;
        }
        String message = SyntaxErrors.describe(parser, rest, "");
        if (message.equals("unexpected `" + rest.getText() + "`")) {
            message += " in the arguments of this call: a `,` or an operator is missing before it";
        }
        return Diagnostic.error(new Pos(rest.getLine(), rest.getCharPositionInLine() + 1,
                Math.max(1, rest.getText().length())), message);
    }
}
