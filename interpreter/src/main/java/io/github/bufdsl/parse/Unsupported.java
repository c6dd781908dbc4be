package io.github.bufdsl.parse;

import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.diag.Source;
import io.github.bufdsl.grammar.BufDslLexer;
import io.github.bufdsl.grammar.BufDslParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;

/**
 * Julia that bufdsl does not support, named as such when a script does not parse: {@code try},
 * {@code struct}, {@code module}, {@code import}, anonymous functions, type annotations and the
 * like. Each is reported once, at its first token, and the syntax errors inside it (a
 * {@code catch} the grammar does not know, its {@code end}) are left out: they say nothing more.
 */
final class Unsupported {
    private Unsupported() {
    }

    /** Constructs with a body up to a matching {@code end}. */
    private static final Map<String, String> BLOCKS = Map.of(
            "try", "try/catch is not supported in bufdsl: an error stops the script",
            "struct", "struct definitions are not supported in bufdsl",
            "module", "modules are not supported in bufdsl",
            "baremodule", "modules are not supported in bufdsl",
            "macro", "defining macros is not supported in bufdsl",
            "quote", "quote blocks are not supported in bufdsl");

    /** Statements of one line. */
    private static final Map<String, String> LINES = Map.of(
            "import", "`import` is not supported in bufdsl; `using` is accepted (and changes nothing)",
            "export", "`export` is not supported in bufdsl",
            "global", "`global` declarations are not supported in bufdsl; a function reads globals as they are",
            "local", "`local` declarations are not supported in bufdsl; assign the variable instead",
            "abstract", "abstract types are not supported in bufdsl",
            "primitive", "primitive types are not supported in bufdsl");

    /** The comparisons that follow a `.` (or whose `=` the lexer joined to it, `.==`) in a dotted comparison. */
    private static final Set<String> DOTTED_COMPARISONS = Set.of(">", "<", ">=", "<=", "==", "!=");

    private static final Set<String> OPENERS = Set.of("if", "for", "while", "begin", "function", "let", "try",
            "struct", "module", "baremodule", "macro", "quote", "do");

    /** A construct found, and the lines it covers (whose other syntax errors are dropped). */
    record Found(Diagnostic diagnostic, int firstLine, int lastLine) {
    }

    static List<Found> scan(Source source) {
        List<Token> tokens = new ArrayList<>();
        BufDslLexer lexer = new BufDslLexer(CharStreams.fromString(source.text()));
        lexer.removeErrorListeners();
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
            if (t.getChannel() == Token.DEFAULT_CHANNEL) {
                tokens.add(t);
            }
        }
        List<Found> found = new ArrayList<>();
        int depth = 0;
        boolean statementStart = true;
        int coveredUpTo = 0;
        int statement = 0;
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            String text = t.getText();
            Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
            boolean start = statementStart;
            statementStart = false;
            if (start) {
                statement = i;
            }
            if (t.getType() == BufDslLexer.NEWLINE || (text.equals(";") && depth == 0)) {
                statementStart = depth == 0;
                continue;
            }
            if (text.equals("(") || text.equals("[") || text.equals("{")) {
                depth++;
            } else if ((text.equals(")") || text.equals("]") || text.equals("}")) && depth > 0) {
                depth--;
            }
            if (t.getLine() <= coveredUpTo) {
                continue;
            }
            String message = null;
            int last = t.getLine();
            Token at = t;
            if (start && t.getType() == BufDslLexer.IDENT && !assignedOrCalled(next)) {
                String word = text.equals("mutable") && next != null && next.getText().equals("struct") ? "struct" : text;
                if (BLOCKS.containsKey(word)) {
                    message = BLOCKS.get(word);
                    last = matchingEnd(tokens, word.equals(text) ? i : i + 1);
                } else if (LINES.containsKey(text) && next != null && next.getType() != BufDslLexer.NEWLINE) {
                    message = LINES.get(text);
                    if (text.equals("abstract") || text.equals("primitive")) {
                        last = endOnLine(tokens, i);
                    }
                }
            } else if (text.equals("do") && t.getType() == BufDslLexer.IDENT && i > 0
                    && tokens.get(i - 1).getText().equals(")")) {
                message = "`do` blocks are not supported in bufdsl; define a named function and call it";
                last = matchingEnd(tokens, i);
            } else if (start && text.equals("for") && next != null && next.getText().equals("(")) {
                message = "destructuring a loop's variable (`for (i, x) in ...`, as over enumerate or zip) is not"
                        + " supported in bufdsl; loop over an index: for i in 1:length(A)";
            } else if ((text.equals("=") || text.equals(";")) && depth == 1
                    && tokens.get(statement).getText().equals("function")) {
                message = "default values and keyword arguments of a function's parameters are not supported in"
                        + " bufdsl; give every argument at each call";
            } else if (text.equals("/") && adjacent(t, next, "/")) {
                message = "rational numbers (`//`) are not supported in bufdsl; divide with / for a Float64";
            } else if (text.equals("for") && depth > 0) {
                message = "generators and comprehensions (`for` inside brackets) are not supported in bufdsl;"
                        + " write a loop";
            } else if (text.equals("-") && adjacent(t, next, ">")) {
                message = "anonymous functions (`->`) are not supported in bufdsl; define a named function";
            } else if (text.equals(":") && adjacent(t, next, ":")) {
                message = "type annotations (`::`) are not supported in bufdsl; leave them out";
            } else if (text.equals(".") && adjacent(t, next, ".") && i + 2 < tokens.size()
                    && adjacent(next, tokens.get(i + 2), ".")) {
                message = "splatting (`...`) is not supported in bufdsl; pass the arguments one by one";
            } else if (isNumber(t) && next != null && next.getStartIndex() == t.getStopIndex() + 1
                    && (isNumber(next) || next.getText().equals("."))) {
                int k = i;
                while (k + 1 < tokens.size() && tokens.get(k + 1).getStartIndex() == tokens.get(k).getStopIndex() + 1
                        && (isNumber(tokens.get(k + 1)) || tokens.get(k + 1).getText().equals("."))) {
                    k++;
                }
                String number = source.text().substring(t.getStartIndex(), tokens.get(k).getStopIndex() + 1);
                Pos pos = new Pos(t.getLine(), t.getCharPositionInLine() + 1, number.length());
                found.add(new Found(Diagnostic.error(pos, "malformed number " + number + ": a number has at most one"
                        + " decimal point, as 2.5 or 1.5e-3"), t.getLine(), t.getLine()));
                coveredUpTo = t.getLine();
                continue;
            } else if ((text.equals(".") || text.equals(".=")) && next != null
                    && next.getStartIndex() == t.getStopIndex() + 1 && DOTTED_COMPARISONS.contains(
                            text.substring(1) + next.getText())) {
                String op = "." + text.substring(1) + next.getText();
                message = "dotted comparisons (`" + op + "`) are not supported in bufdsl: they make an array of"
                        + " Bools, and bufdsl's arrays are tensors of numbers; compare element by element in a loop"
                        + " (if A[i] " + op.substring(1) + " x ... end), or compare two numbers with "
                        + op.substring(1);
            } else if (text.equals("0") && t.getType() == BufDslLexer.INT && next != null
                    && next.getType() == BufDslLexer.IDENT && next.getStartIndex() == t.getStopIndex() + 1
                    && next.getText().matches("x[0-9a-fA-F_]+|b[01_]+|o[0-7_]+")) {
                String digits = next.getText().substring(1).replace("_", "");
                int radix = next.getText().charAt(0) == 'x' ? 16 : next.getText().charAt(0) == 'b' ? 2 : 8;
                String decimal = digits.length() <= 15 ? " (" + Long.parseLong(digits, radix) + ")" : "";
                message = (radix == 16 ? "hexadecimal" : radix == 2 ? "binary" : "octal") + " literals (`0"
                        + next.getText() + "`) are not supported in bufdsl (Julia's is an unsigned integer, a type"
                        + " bufdsl does not have); write the number in decimal" + decimal;
            } else if (text.equals(",") && depth == 0 && next != null && next.getText().equals("=")) {
                message = "a trailing comma before `=` (`m, = ...`, taking the first value of a tuple) is not"
                        + " supported in bufdsl; index the tuple (m = size(T)[1]) or name every value (m, n = size(T))";
            } else if (text.equals("'") && !TensorForms.primesName(i > 0 ? tokens.get(i - 1) : null, t)) {
                message = TensorForms.ADJOINT;
            }
            if (message != null && last == t.getLine() && OPENERS.contains(tokens.get(statement).getText())) {
                last = matchingEnd(tokens, statement); // `function f(x::Int)`: the whole function
            }
            if (message != null) {
                Pos pos = new Pos(at.getLine(), at.getCharPositionInLine() + 1, Math.max(1, at.getText().length()));
                found.add(new Found(Diagnostic.error(pos, message), at.getLine(), last));
                coveredUpTo = last;
            }
        }
        return found;
    }

    private static boolean isNumber(Token t) {
        return t.getType() == BufDslLexer.INT || t.getType() == BufDslLexer.FLOAT || t.getType() == BufDslLexer.FLOAT32
                || t.getType() == BufDslParser.INT_COEFFICIENT || t.getType() == BufDslParser.FLOAT_COEFFICIENT;
    }

    /** {@code try = 3}, {@code local(x)}: a name that a script uses as a variable or function. */
    private static boolean assignedOrCalled(Token next) {
        if (next == null) {
            return false;
        }
        String s = next.getText();
        return s.equals("=") || s.equals("(") || s.equals("[") || s.equals(".") || s.equals(",") || s.endsWith("=")
                && !s.equals("==");
    }

    private static boolean adjacent(Token a, Token b, String text) {
        return b != null && b.getText().equals(text) && b.getStartIndex() == a.getStopIndex() + 1;
    }

    /** The line of the {@code end} that closes the construct opened at {@code open}, or the last line. */
    private static int matchingEnd(List<Token> tokens, int open) {
        int blocks = 0;
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            String s = tokens.get(i).getText();
            if (s.equals("(") || s.equals("[") || s.equals("{")) {
                depth++;
            } else if ((s.equals(")") || s.equals("]") || s.equals("}")) && depth > 0) {
                depth--;
            } else if (depth == 0 && OPENERS.contains(s)) {
                blocks++;
            } else if (depth == 0 && s.equals("end") && --blocks == 0) {
                return tokens.get(i).getLine();
            }
        }
        return tokens.isEmpty() ? 1 : tokens.get(tokens.size() - 1).getLine();
    }

    /** {@code abstract type T end} on one line: its end's line, else the keyword's. */
    private static int endOnLine(List<Token> tokens, int i) {
        for (int k = i; k < tokens.size() && tokens.get(k).getType() != BufDslLexer.NEWLINE; k++) {
            if (tokens.get(k).getText().equals("end")) {
                return tokens.get(k).getLine();
            }
        }
        return tokens.get(i).getLine();
    }

    /** The diagnostics of a script that does not parse: the constructs found, and the syntax errors outside them. */
    static List<Diagnostic> merge(List<Found> found, List<Diagnostic> syntax) {
        if (found.isEmpty()) {
            return syntax;
        }
        List<Diagnostic> out = new ArrayList<>();
        for (Found f : found) {
            out.add(f.diagnostic());
        }
        for (Diagnostic d : syntax) {
            int line = d.pos().line();
            if (found.stream().noneMatch(f -> line >= f.firstLine() && line <= f.lastLine())) {
                out.add(d);
            }
        }
        out.sort(java.util.Comparator.comparingInt((Diagnostic d) -> d.pos().line())
                .thenComparingInt(d -> d.pos().column()));
        return out;
    }
}
