package io.github.bufdsl.parse;

import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.grammar.BufDslLexer;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/** Collects the parser's syntax errors as diagnostics, in words a user of the language reads. */
final class SyntaxErrors extends BaseErrorListener {
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private int lastLine = -1;

    List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
            String msg, RecognitionException e) {
        if (line == lastLine) {
            return; // one error per line: the rest are usually consequences of the first
        }
        lastLine = line;
        Token token = offendingSymbol instanceof Token t ? t : null;
        Diagnostic inner = InsideBrackets.error(recognizer, token);
        if (inner != null) { // the parser gave up on the call at its `(`: the mistake is inside
            diagnostics.add(inner);
            return;
        }
        String message = describe(recognizer, token, msg);
        if (!diagnostics.isEmpty() && message.startsWith(NO_OPEN_BLOCK)) {
            return; // the statement the first error broke opened the block this `end` closes
        }
        int length = token == null || token.getType() == Token.EOF ? 1
                : token.getType() == BufDslLexer.UNCLOSED_COMMENT ? 2 : Math.max(1, token.getText().length());
        diagnostics.add(Diagnostic.error(new Pos(line, charPositionInLine + 1, length), message));
    }

    private static final String NO_OPEN_BLOCK = "unexpected `end`: there is no open block to close here";

    static String describe(Recognizer<?, ?> recognizer, Token token, String antlrMessage) {
        if (token == null) {
            return antlrMessage;
        }
        IntervalSet expected = null;
        if (recognizer instanceof Parser p) {
            try {
                expected = p.getExpectedTokens();
            } catch (IllegalArgumentException | IllegalStateException ex) {
                expected = null;
            }
        }
        boolean wantsEnd = expected != null && expected.contains(END);
        if (token.getType() == Token.EOF) {
            Token before = preceding(recognizer, token);
            if (")".equals(token.getText()) && before != null && OPERATORS.contains(before.getText())) {
                // the closing `)` of a call's arguments parsed alone (InsideBrackets)
                return before.getText().equals(",") ? "an argument is missing after `,`"
                        : "an operand is missing after `" + before.getText() + "`";
            }
            if (before != null && OPERATORS.contains(before.getText())) {
                return "the script ends after `" + before.getText() + "`: an operand is missing";
            }
            return wantsEnd ? "unexpected end of file: a block is missing its `end`" : "unexpected end of file";
        }
        if (token.getType() == BufDslLexer.UNCLOSED_COMMENT) {
            return "this `#=` comment is never closed: each `#=` needs its own `=#` (they nest, as in Julia)";
        }
        if (token.getType() == BufDslLexer.UNKNOWN_CHAR) {
            if (token.getText().equals("\"")) {
                return "this string has no closing `\"` on its line";
            }
            String c = printable(token.getText());
            return "unexpected character " + (c.equals("`") ? "'`'" : "`" + c + "`");
        }
        if (token.getType() == BufDslLexer.NEWLINE) {
            Token before = preceding(recognizer, token);
            if (before != null && OPERATORS.contains(before.getText())) {
                return lineEndsAfter(before.getText());
            }
            return "unexpected end of line" + (antlrMessage.contains("expecting") ? hint(antlrMessage) : "");
        }
        String text = printable(token.getText());
        Token next = following(recognizer, token);
        Token previous = preceding(recognizer, token);
        boolean closes = next != null && next.getType() == Token.EOF && ")".equals(next.getText()); // a call's args
        if (OPERATORS.contains(text) && !text.equals(",") && closes) {
            return "an operand is missing after `" + text + "`";
        }
        if (OPERATORS.contains(text) && next != null
                && (next.getType() == BufDslLexer.NEWLINE || next.getType() == Token.EOF)) {
            return lineEndsAfter(text);
        }
        if (OPERATORS.contains(text) && !text.equals(",") && next != null
                && java.util.Set.of(";", ")", "]", "}", ",").contains(next.getText())) {
            return "an operand is missing after `" + text + "`";
        }
        if ("end".equals(text) && !wantsEnd) {
            return NO_OPEN_BLOCK;
        }
        if ("else".equals(text) || "elseif".equals(text)) {
            return "unexpected `" + text + "`: it is not inside an `if`";
        }
        if ("[".equals(text)) {
            return "unexpected `[`: array literals are not supported; take tensors from a buffer with alloc!";
        }
        if ("{".equals(text)) {
            return "unexpected `{`: braces only give a type parameter, as Buffer{Float32}(len)";
        }
        if (token.getType() == BufDslLexer.IDENT && previous != null
                && (previous.getType() == BufDslLexer.INT || previous.getType() == BufDslLexer.FLOAT
                        || previous.getType() == BufDslLexer.FLOAT32)
                && previous.getStopIndex() + 1 == token.getStartIndex()) {
            return "unexpected `" + text + "` right after the number " + previous.getText() + ": write "
                    + previous.getText() + " * " + text + " to multiply, or an exponent with digits, as 1e5";
        }
        if ((token.getType() == BufDslLexer.IDENT || "(".equals(text)) && previous != null
                && (previous.getType() == BufDslLexer.INT || previous.getType() == BufDslLexer.FLOAT)
                && previous.getStopIndex() + 1 < token.getStartIndex() && previous.getLine() == token.getLine()) {
            return "unexpected `" + text + "` after the number " + previous.getText() + " and a space: as in Julia, a"
                    + " number multiplies what follows it only with no space between (" + previous.getText() + text
                    + "); write " + previous.getText() + text + " or " + previous.getText() + " * " + text;
        }
        Token lineBefore = lastOfLineBefore(recognizer, token);
        if (lineBefore != null && OPERATORS.contains(lineBefore.getText())) {
            return "unexpected `" + text + "`: the line before ends with `" + lineBefore.getText()
                    + "`, so this line continues it (as in Julia, a line ending in an operator goes on)";
        }
        return "unexpected `" + text + "`" + hint(antlrMessage);
    }

    /** The token ending the line before the token's, when the parse stage joined the two lines; else null. */
    private static Token lastOfLineBefore(Recognizer<?, ?> recognizer, Token token) {
        if (!(recognizer instanceof Parser p)) {
            return null;
        }
        for (int i = token.getTokenIndex() - 1; i >= 0; i--) {
            Token t = p.getInputStream().get(i);
            if (t.getType() == BufDslLexer.NEWLINE || t.getText().equals(";")) {
                return null;
            }
            if (t.getLine() < token.getLine()) {
                return t;
            }
        }
        return null;
    }

    private static String lineEndsAfter(String operator) {
        return "the line ends after `" + operator + "`: an operand is missing";
    }

    private static final java.util.Set<String> OPERATORS = NewlineFilter.CONTINUING;

    private static Token following(Recognizer<?, ?> recognizer, Token token) {
        if (recognizer instanceof Parser p && token.getTokenIndex() >= 0
                && token.getTokenIndex() + 1 < p.getInputStream().size()) {
            return p.getInputStream().get(token.getTokenIndex() + 1);
        }
        return null;
    }

    private static Token preceding(Recognizer<?, ?> recognizer, Token token) {
        if (recognizer instanceof Parser p && token.getTokenIndex() > 0) {
            return p.getInputStream().get(token.getTokenIndex() - 1);
        }
        return null;
    }

    private static final int END = endToken();

    private static int endToken() {
        for (int t = 1; t <= BufDslLexer.VOCABULARY.getMaxTokenType(); t++) {
            if ("'end'".equals(BufDslLexer.VOCABULARY.getLiteralName(t))) {
                return t;
            }
        }
        return -1;
    }

    private static String hint(String antlrMessage) {
        int i = antlrMessage.indexOf("expecting ");
        if (i < 0) {
            return "";
        }
        String expecting = antlrMessage.substring(i + "expecting ".length());
        if (expecting.startsWith("{") && expecting.length() > 60) {
            return "";
        }
        return "; expected " + expecting.replace("'", "`").replace("<EOF>", "end of file");
    }

    private static String printable(String s) {
        if (s.length() > 40) { // a long literal is cut, as the line it is on
            s = s.substring(0, 30) + "..." + s.substring(s.length() - 5);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == 0xfffd) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
