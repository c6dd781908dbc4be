package io.github.bufdsl.parse;

import io.github.bufdsl.grammar.BufDslLexer;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenFactory;
import org.antlr.v4.runtime.TokenSource;

/**
 * Drops NEWLINE tokens inside (), [] and {}, so that a call or a tuple may span lines as in Julia.
 * Bracket depth never goes below zero, so a stray ')' cannot hide the newlines after it.
 */
final class NewlineFilter implements TokenSource {
    private final TokenSource source;
    private int depth;

    NewlineFilter(TokenSource source) {
        this.source = source;
    }

    @Override
    public Token nextToken() {
        while (true) {
            Token t = source.nextToken();
            String text = t.getText();
            if (t.getType() == BufDslLexer.NEWLINE) {
                if (depth > 0) {
                    continue;
                }
            } else if (text != null && text.length() == 1) {
                char c = text.charAt(0);
                if (c == '(' || c == '[' || c == '{') {
                    depth++;
                } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
                    depth--;
                }
            }
            return t;
        }
    }

    @Override
    public int getLine() {
        return source.getLine();
    }

    @Override
    public int getCharPositionInLine() {
        return source.getCharPositionInLine();
    }

    @Override
    public CharStream getInputStream() {
        return source.getInputStream();
    }

    @Override
    public String getSourceName() {
        return source.getSourceName();
    }

    @Override
    public void setTokenFactory(TokenFactory<?> factory) {
        source.setTokenFactory(factory);
    }

    @Override
    public TokenFactory<?> getTokenFactory() {
        return source.getTokenFactory();
    }
}
