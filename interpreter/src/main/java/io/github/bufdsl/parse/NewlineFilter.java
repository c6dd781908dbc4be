package io.github.bufdsl.parse;

import io.github.bufdsl.grammar.BufDslLexer;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenFactory;
import org.antlr.v4.runtime.TokenSource;

/**
 * Drops NEWLINE tokens inside (), [] and {}, so that a call or a tuple may span lines as in Julia,
 * and after a token that leaves an expression incomplete (a binary operator, {@code ,}, {@code =},
 * {@code ?}): as in Julia, such a line continues on the next. Inside an indexing {@code A[...]},
 * {@code end} and {@code begin} become END_INDEX and
 * BEGIN_INDEX (the last and the first index), so they close or open no block.
 * Bracket depth never goes below zero, so a stray ')' cannot hide the newlines after it. Also
 * refuses input that nests brackets or blocks deeper than {@link #MAX_NESTING}, before the parser
 * recurses into it, and statements longer than {@link #MAX_STATEMENT_TOKENS} tokens (the parser's
 * prediction can scan to the end of a statement at every operator, so a very long one would take
 * time quadratic in its length).
 */
final class NewlineFilter implements TokenSource {
    /** Deepest nesting of brackets, and of blocks, a script may have. */
    static final int MAX_NESTING = AstBuilder.MAX_DEPTH;

    /** Most tokens one statement may have (a call's arguments spanning lines count as one statement). */
    static final int MAX_STATEMENT_TOKENS = 10_000;

    /** Thrown at the token that nests too deeply, or that makes a statement too long. */
    static final class TooDeep extends RuntimeException {
        final Token token;

        private TooDeep(Token token, String message) {
            super(message, null, false, false);
            this.token = token;
        }

        static TooDeep nesting(Token token, String what) {
            return new TooDeep(token, "the script nests " + what + " deeper than " + MAX_NESTING + " levels");
        }

        static TooDeep tooLong(Token token) {
            return new TooDeep(token, "this statement is longer than " + MAX_STATEMENT_TOKENS
                    + " tokens; split it into several statements");
        }
    }

    private static final java.util.Set<String> OPENERS = java.util.Set.of("if", "for", "while", "begin", "function",
            "let");

    /** Tokens after which a line is incomplete and continues on the next, as in Julia. */
    static final java.util.Set<String> CONTINUING = java.util.Set.of("+", "-", "*", "/", "^", "%", "\u00F7", "==",
            "!=", "<", "<=", ">", ">=", "&&", "||", "=", "+=", "-=", "*=", "/=", "\u00F7=", "^=", "%=", "\u2248",
            "\u2249", ":=", ".=", ".+=", ".-=", ".*=",
            "./=", ".+", ".-", ".*", "./", ".^", ".%", ",", "?", ":", "!");

    /** What a token type means here, by the lexer's vocabulary: so no token's text need be read. */
    private static final byte OTHER = 0;
    private static final byte OPEN = 1;
    private static final byte CLOSE = 2;
    private static final byte BLOCK = 3;
    private static final byte END = 4;
    private static final byte SEMICOLON = 5;
    private static final byte CONTINUES = 6;
    private static final byte SQUARE = 7;
    private static final byte BEGIN = 8;
    private static final byte[] KIND = kinds();

    private static byte[] kinds() {
        org.antlr.v4.runtime.Vocabulary v = BufDslLexer.VOCABULARY;
        byte[] kind = new byte[v.getMaxTokenType() + 2];
        for (int type = 0; type <= v.getMaxTokenType(); type++) {
            String literal = v.getLiteralName(type);
            if (literal == null || literal.length() < 3) {
                continue;
            }
            String text = literal.substring(1, literal.length() - 1);
            kind[type] = switch (text) {
                case "[" -> SQUARE;
                case "begin" -> BEGIN;
                case "(", "{" -> OPEN;
                case ")", "]", "}" -> CLOSE;
                case "end" -> END;
                case ";" -> SEMICOLON;
                default -> OPENERS.contains(text) ? BLOCK : CONTINUING.contains(text) ? CONTINUES : OTHER;
            };
        }
        return kind;
    }

    private final TokenSource source;
    private int depth;
    /** Brackets open, innermost last: true for '['. */
    private final java.util.BitSet square = new java.util.BitSet();
    private int squares;
    private byte lastKind = SEMICOLON;
    private int blocks;
    private int statementTokens;
    private Token statementStart;

    NewlineFilter(TokenSource source) {
        this.source = source;
    }

    @Override
    public Token nextToken() {
        while (true) {
            Token t = source.nextToken();
            int type = t.getType();
            byte kind = type >= 0 && type < KIND.length ? KIND[type] : OTHER;
            if (type == BufDslLexer.NEWLINE || (depth == 0 && kind == SEMICOLON)) {
                if (depth > 0 || (type == BufDslLexer.NEWLINE && lastKind == CONTINUES)) {
                    continue;
                }
                statementTokens = 0;
                lastKind = SEMICOLON;
                return t;
            }
            lastKind = kind;
            if (squares > 0 && (kind == END || kind == BEGIN) && t instanceof org.antlr.v4.runtime.WritableToken w) {
                w.setType(kind == END ? io.github.bufdsl.grammar.BufDslParser.END_INDEX : io.github.bufdsl.grammar.BufDslParser.BEGIN_INDEX);
                return t;
            }
            if (kind == BEGIN) {
                kind = BLOCK;
            }
            if (statementTokens++ == 0) {
                statementStart = t;
            } else if (statementTokens > MAX_STATEMENT_TOKENS) {
                throw TooDeep.tooLong(statementStart);
            }
            if (kind == OPEN || kind == SQUARE) {
                if (++depth > MAX_NESTING) {
                    throw TooDeep.nesting(t, "brackets");
                }
                square.set(depth, kind == SQUARE);
                squares += kind == SQUARE ? 1 : 0;
            } else if (kind == CLOSE && depth > 0) {
                squares -= square.get(depth) ? 1 : 0;
                depth--;
            } else if (kind == BLOCK) {
                if (++blocks > MAX_NESTING) {
                    throw TooDeep.nesting(t, "blocks");
                }
            } else if (kind == END && blocks > 0) {
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
