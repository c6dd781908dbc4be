package io.github.bufdsl.parse;

import io.github.bufdsl.grammar.BufDslLexer;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenFactory;
import org.antlr.v4.runtime.TokenSource;

/**
 * Drops NEWLINE tokens inside (), [] and {}, so that a call or a tuple may span lines as in Julia.
 * Bracket depth never goes below zero, so a stray ')' cannot hide the newlines after it. Also
 * refuses input that nests brackets or blocks deeper than {@link #MAX_NESTING}, before the parser
 * recurses into it.
 */
final class NewlineFilter implements TokenSource {
    /** Deepest nesting of brackets, and of blocks, a script may have. */
    static final int MAX_NESTING = AstBuilder.MAX_DEPTH;

    /** Thrown at the token that nests too deeply. */
    static final class TooDeep extends RuntimeException {
        final Token token;

        TooDeep(Token token, String what) {
            super("the script nests " + what + " deeper than " + MAX_NESTING + " levels", null, false, false);
            this.token = token;
        }
    }

    private static final java.util.Set<String> OPENERS = java.util.Set.of("if", "for", "while", "begin", "function");

    private final TokenSource source;
    private int depth;
    private int blocks;

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
                    if (++depth > MAX_NESTING) {
                        throw new TooDeep(t, "brackets");
                    }
                } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
                    depth--;
                }
            } else if (text != null && OPENERS.contains(text)) {
                if (++blocks > MAX_NESTING) {
                    throw new TooDeep(t, "blocks");
                }
            } else if ("end".equals(text) && blocks > 0) {
                blocks--;
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
