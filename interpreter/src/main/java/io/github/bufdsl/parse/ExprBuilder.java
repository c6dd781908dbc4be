package io.github.bufdsl.parse;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.grammar.BufDslBaseVisitor;
import io.github.bufdsl.grammar.BufDslLexer;
import io.github.bufdsl.grammar.BufDslParser;
import io.github.bufdsl.grammar.BufDslParser.*;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.Interval;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * The half of {@link AstBuilder} that builds expressions (and what both halves share: diagnostics,
 * positions, nesting depths). Statements and macros are {@link AstBuilder}'s, the index notation of
 * {@code @tensor} {@link TensorMacro}'s.
 */
abstract class ExprBuilder {
    static final int MAX_DEPTH = 500;

    final List<Diagnostic> diagnostics;
    /** Blocks and expressions are counted apart, so a diagnostic names what nests too deeply. */
    int blockDepth;
    int exprDepth;
    /** Whether {@code using Base.Threads} came before: then {@code @threads} is Threads.@threads. */
    boolean threadsImported;
    /** The macros of Printf that a `using Printf` made known so far. */
    final java.util.Set<String> printfMacros = new java.util.HashSet<>();
    /** Whether a prime may follow a name (a label of @tensor, a'): {@link TensorForms} sets it. */
    boolean primes;
    /** The tensors being indexed, innermost last: what {@code end} in an index refers to. */
    private final java.util.ArrayDeque<Expr> indexed = new java.util.ArrayDeque<>();
    private final java.util.ArrayDeque<int[]> indexAt = new java.util.ArrayDeque<>();
    /** Reads {@code @tensor} and {@code @tensoropt}. */
    final TensorMacro tensors = new TensorMacro(this);
    /** Where a value of {@code @tensor} inside an expression is computed. */
    final TensorValues values = new TensorValues(this, tensors);

    ExprBuilder(List<Diagnostic> diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** A macro call inside an expression ({@link AstBuilder} knows the macros). */
    abstract Expr macroValue(MacroExprContext ctx);

    /** Signals a construct that cannot be built; the diagnostic is already recorded. */
    static final class BuildError extends RuntimeException {
        BuildError() {
            super(null, null, false, false);
        }
    }

    BuildError error(Pos pos, String message) {
        diagnostics.add(Diagnostic.error(pos, message));
        return new BuildError();
    }

    static Pos pos(ParserRuleContext ctx) {
        Token start = ctx.getStart();
        Token stop = ctx.getStop();
        int length = stop == null || stop.getStopIndex() < start.getStartIndex()
                ? 1 : stop.getStopIndex() - start.getStartIndex() + 1;
        if (stop != null && stop.getLine() != start.getLine()) {
            length = Math.max(1, start.getText() == null ? 1 : start.getText().length());
        }
        return new Pos(start.getLine(), start.getCharPositionInLine() + 1, length);
    }

    static Pos pos(Token t) {
        int length = t.getStopIndex() >= t.getStartIndex() && t.getStartIndex() >= 0
                ? t.getStopIndex() - t.getStartIndex() + 1 : t.getText() == null ? 1 : t.getText().length();
        return new Pos(t.getLine(), t.getCharPositionInLine() + 1, Math.max(1, length));
    }

    // ------------------------------------------------------------------ expressions

    Expr expr(ExprContext ctx) {
        if (++exprDepth > MAX_DEPTH) {
            exprDepth = 0;
            throw error(pos(ctx), "the expression nests deeper than " + MAX_DEPTH + " levels");
        }
        try {
            return expressions.visit(ctx);
        } finally {
            exprDepth--;
        }
    }

    String text(ParserRuleContext ctx) {
        return ctx.getStart().getInputStream().getText(
                Interval.of(ctx.getStart().getStartIndex(), ctx.getStop().getStopIndex()));
    }

    private final BufDslBaseVisitor<Expr> expressions = new BufDslBaseVisitor<>() {
        @Override
        public Expr visitCallExpr(CallExprContext ctx) {
            Expr callee = expr(ctx.expr());
            List<Expr> args = new ArrayList<>();
            List<Expr.KwArg> kwargs = new ArrayList<>();
            CallArgsContext ca = ctx.callArgs();
            if (ca != null) {
                for (ArgumentContext a : ca.argument()) {
                    if (a.keywordArg() != null) {
                        kwargs.add(kwarg(a.keywordArg()));
                    } else {
                        if (!kwargs.isEmpty()) {
                            throw error(pos(a), "a positional argument cannot follow a keyword argument");
                        }
                        args.add(expr(a.expr()));
                    }
                }
                for (KeywordArgContext k : ca.keywordArg()) {
                    kwargs.add(kwarg(k));
                }
            }
            if (callee instanceof Expr.Name f && io.github.bufdsl.ast.IndexFunctions.NAMES.contains(f.name())) {
                String[] usage = new String[1];
                Expr read = kwargs.isEmpty() ? io.github.bufdsl.ast.IndexFunctions.read(f.pos(), f.name(), args, usage)
                        : null;
                if (read == null) {
                    throw error(f.pos(), "wrong arguments for " + f.name() + "; it takes "
                            + (usage[0] != null ? usage[0] : "no keyword arguments"));
                }
                return read;
            }
            return new Expr.Call(callee.pos(), callee, args, kwargs);
        }

        @Override
        public Expr visitIndexExpr(IndexExprContext ctx) {
            Expr target = expr(ctx.expr());
            List<Expr> indices = new ArrayList<>();
            int[] at = {0, ctx.indexArg().size()};
            indexed.push(target);
            indexAt.push(at);
            try {
                for (IndexArgContext i : ctx.indexArg()) {
                    indices.add(i instanceof ExprIndexContext e ? expr(e.expr()) : new Expr.Colon(pos(i)));
                    at[0]++;
                }
            } finally {
                indexed.pop();
                indexAt.pop();
            }
            return new Expr.Index(target.pos(), target, indices);
        }

        /**
         * {@code end} in an index: the last index of that dimension, {@code size(A, k)} (with one
         * index, {@code length(A)}), of the tensor (or tuple) being indexed.
         */
        @Override
        public Expr visitEndIndexExpr(EndIndexExprContext ctx) {
            Pos p = pos(ctx);
            Expr target = indexed.peek();
            if (target == null) {
                throw error(p, "`end` here is outside an index; it stands for the last index only inside A[...]");
            }
            if (!(target instanceof Expr.Name)) {
                throw error(p, "`end` in an index is supported when indexing a variable, as A[end, 1]");
            }
            Expr.Name a = new Expr.Name(p, ((Expr.Name) target).name());
            int[] at = indexAt.peek();
            if (at[1] == 1) {
                return new Expr.Call(p, new Expr.Name(p, "length"), List.of(a), List.of());
            }
            return new Expr.Call(p, new Expr.Name(p, "size"), List.of(a, new Expr.IntLit(p, at[0] + 1)), List.of());
        }

        @Override
        public Expr visitBeginIndexExpr(BeginIndexExprContext ctx) {
            return new Expr.IntLit(pos(ctx), 1);
        }

        @Override
        public Expr visitDotCallExpr(DotCallExprContext ctx) {
            Expr callee = expr(ctx.expr());
            if (!(callee instanceof Expr.Name f)) {
                throw error(callee.pos(), "only a named function can be broadcast, as f.(A)");
            }
            List<Expr> args = new ArrayList<>();
            CallArgsContext ca = ctx.callArgs();
            if (ca != null) {
                if (!ca.keywordArg().isEmpty() || ca.argument().stream().anyMatch(a -> a.keywordArg() != null)) {
                    throw error(pos(ca), "keyword arguments are not supported in a broadcast call " + f.name() + ".(...)");
                }
                for (ArgumentContext a : ca.argument()) {
                    args.add(expr(a.expr()));
                }
            }
            return new Expr.Broadcast(f.pos(), f.name(), args);
        }

        @Override
        public Expr visitTernaryExpr(TernaryExprContext ctx) {
            Expr condition = expr(ctx.expr(0));
            return new Expr.Ternary(pos(ctx.getChild(1)), condition, values.lazily(() -> expr(ctx.expr(1))),
                    values.lazily(() -> expr(ctx.expr(2))));
        }

        @Override
        public Expr visitMacroExpr(MacroExprContext ctx) {
            return macroValue(ctx);
        }

        @Override
        public Expr visitFieldExpr(FieldExprContext ctx) {
            return new Expr.Field(pos(ctx), expr(ctx.expr()), ctx.name().getStart().getText());
        }

        @Override
        public Expr visitPrimeExpr(PrimeExprContext ctx) {
            return TensorForms.prime(ExprBuilder.this, ctx, expr(ctx.expr()));
        }

        @Override
        public Expr visitPowerExpr(PowerExprContext ctx) {
            return binary(ctx, ctx.op.getText(), ctx.expr(0), ctx.expr(1));
        }

        @Override
        public Expr visitCoefficientExpr(CoefficientExprContext ctx) {
            // 2n, 2(n + 1), 3x^2: Julia's literal coefficient multiplies what follows it (tighter than * and /,
            // looser than ^ and calls: 2x^2 is 2 * x^2, 1/2x is 1/(2x), 2^2x is 2^(2x))
            Pos p = pos(ctx);
            Expr number = ctx.coefficient.getType() == BufDslParser.INT_COEFFICIENT ? intLiteral(ctx.coefficient, p)
                    : floatLiteral(ctx.coefficient, p);
            return new Expr.Binary(p, Expr.BinOp.of("*"), number, expr(ctx.expr()));
        }

        @Override
        public Expr visitUnaryExpr(UnaryExprContext ctx) {
            Expr operand = expr(ctx.expr());
            String op = ctx.op.getText();
            // -1 is the literal -1 (as in Julia, where 2^-1 is a literal power); -(1) is a call of -, as there
            boolean call = ctx.expr() instanceof ParenExprContext;
            if (op.equals("-") && !call && operand instanceof Expr.IntLit i && i.value() != Long.MIN_VALUE) {
                return new Expr.IntLit(pos(ctx), -i.value());
            }
            if (op.equals("-") && operand instanceof Expr.FloatLit f) {
                return new Expr.FloatLit(pos(ctx), -f.value(), f.single());
            }
            Expr.UnOp u = switch (op) {
                case "-" -> Expr.UnOp.NEG;
                case "+" -> Expr.UnOp.PLUS;
                default -> Expr.UnOp.NOT;
            };
            return new Expr.Unary(pos(ctx), u, operand);
        }

        @Override
        public Expr visitMulExpr(MulExprContext ctx) {
            return binary(ctx, ctx.op.getText(), ctx.expr(0), ctx.expr(1));
        }

        @Override
        public Expr visitAddExpr(AddExprContext ctx) {
            return binary(ctx, ctx.op.getText(), ctx.expr(0), ctx.expr(1));
        }

        @Override
        public Expr visitCompareExpr(CompareExprContext ctx) {
            return binary(ctx, ctx.op.getText(), ctx.expr(0), ctx.expr(1));
        }

        @Override
        public Expr visitRangeExpr(RangeExprContext ctx) {
            Expr left = expr(ctx.expr(0));
            Expr right = expr(ctx.expr(1));
            if (left instanceof Expr.Range r && r.step() == null && !(ctx.expr(0) instanceof ParenExprContext)) {
                return new Expr.Range(r.pos(), r.start(), r.stop(), right);
            }
            return new Expr.Range(left.pos(), left, null, right);
        }

        @Override
        public Expr visitAndExpr(AndExprContext ctx) {
            Expr left = expr(ctx.expr(0));
            return new Expr.Logical(pos(ctx.getChild(1)), true, left, values.lazily(() -> expr(ctx.expr(1))));
        }

        @Override
        public Expr visitOrExpr(OrExprContext ctx) {
            Expr left = expr(ctx.expr(0));
            return new Expr.Logical(pos(ctx.getChild(1)), false, left, values.lazily(() -> expr(ctx.expr(1))));
        }

        @Override
        public Expr visitParametricExpr(ParametricExprContext ctx) {
            return new Expr.Parametric(pos(ctx), ctx.name().getStart().getText(),
                    ctx.expr().stream().map(ExprBuilder.this::expr).toList());
        }

        @Override
        public Expr visitParenExpr(ParenExprContext ctx) {
            return expr(ctx.expr());
        }

        @Override
        public Expr visitTupleExpr(TupleExprContext ctx) {
            return new Expr.Tuple(pos(ctx), ctx.expr().stream().map(ExprBuilder.this::expr).toList());
        }

        @Override
        public Expr visitEmptyTupleExpr(EmptyTupleExprContext ctx) {
            return new Expr.Tuple(pos(ctx), List.of());
        }

        @Override
        public Expr visitIntLiteral(IntLiteralContext ctx) {
            return intLiteral(ctx.getStart(), pos(ctx));
        }

        @Override
        public Expr visitFloatLiteral(FloatLiteralContext ctx) {
            return floatLiteral(ctx.getStart(), pos(ctx));
        }

        @Override
        public Expr visitStringLiteral(StringLiteralContext ctx) {
            return string(ctx);
        }

        @Override
        public Expr visitBoolLiteral(BoolLiteralContext ctx) {
            return new Expr.BoolLit(pos(ctx), ctx.getStart().getText().equals("true"));
        }

        @Override
        public Expr visitNameExpr(NameExprContext ctx) {
            return new Expr.Name(pos(ctx), ctx.getStart().getText()); // one token: no tree walk
        }
    };

    private static Pos pos(org.antlr.v4.runtime.tree.ParseTree t) {
        if (t instanceof ParserRuleContext c) {
            return pos(c);
        }
        return pos(((TerminalNode) t).getSymbol());
    }

    private Expr.IntLit intLiteral(Token t, Pos p) {
        try {
            return new Expr.IntLit(p, Long.parseLong(t.getText().replace("_", "")));
        } catch (NumberFormatException e) {
            throw error(p, "the integer " + t.getText() + " does not fit in 64 bits");
        }
    }

    private Expr.FloatLit floatLiteral(Token t, Pos p) {
        String text = t.getText().replace("_", "");
        boolean single = t.getType() == BufDslLexer.FLOAT32;
        // a Float32 literal is read straight to the nearest Float32 (not through a Float64: that could round twice)
        double v = single ? Float.parseFloat(text.replace('f', 'e')) : Double.parseDouble(text);
        if (Double.isInfinite(v)) {
            throw error(p, "the number " + t.getText() + " is too large for a " + (single ? "Float32" : "Float64"));
        }
        return new Expr.FloatLit(p, v, single);
    }

    Expr binary(ParserRuleContext ctx, String op, ExprContext l, ExprContext r) {
        Pos p = pos(ctx.getChild(1));
        if (op.length() == 2 && op.startsWith(".")) {
            return new Expr.Broadcast(p, op.substring(1), List.of(expr(l), expr(r)));
        }
        if (op.equals("\u00F7")) { // a ÷ b is div(a, b), as in Julia
            return new Expr.Call(p, new Expr.Name(p, "div"), List.of(expr(l), expr(r)), List.of());
        }
        if (op.equals("\u2248") || op.equals("\u2249")) { // a ≈ b is isapprox(a, b), a ≉ b its negation
            Expr call = new Expr.Call(p, new Expr.Name(p, "isapprox"), List.of(expr(l), expr(r)), List.of());
            return op.equals("\u2248") ? call : new Expr.Unary(p, Expr.UnOp.NOT, call);
        }
        return new Expr.Binary(p, Expr.BinOp.of(op), expr(l), expr(r));
    }

    private Expr.KwArg kwarg(KeywordArgContext k) {
        return new Expr.KwArg(pos(k), k.name().getText(), expr(k.expr()));
    }

    /** A string literal; {@code $name} inside it is interpolated, as in Julia. */
    private Expr string(StringLiteralContext ctx) {
        String raw = ctx.getText();
        raw = raw.substring(1, raw.length() - 1);
        Pos p = pos(ctx);
        List<Expr> parts = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                char n = raw.charAt(++i);
                switch (n) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case '0' -> sb.append('\0');
                    case '\\', '"', '$' -> sb.append(n);
                    default -> throw error(p, "unknown escape sequence \\" + n + " in a string");
                }
            } else if (c == '$' && i + 1 < raw.length() && raw.charAt(i + 1) == '(') {
                int close = matchingParen(raw, i + 1);
                if (close < 0) {
                    throw error(p, "`$(` in a string has no matching `)`");
                }
                if (sb.length() > 0) {
                    parts.add(new Expr.StrLit(p, sb.toString()));
                    sb.setLength(0);
                }
                parts.add(interpolated(raw.substring(i + 2, close), p, p.column() + i + 2));
                i = close;
            } else if (c == '$') {
                int j = i + 1;
                while (j < raw.length() && (Character.isLetterOrDigit(raw.charAt(j)) || raw.charAt(j) == '_')) {
                    j++;
                }
                if (j == i + 1 || Character.isDigit(raw.charAt(i + 1))) {
                    throw error(p, "`$` in a string must be followed by a variable name (write \\$ for a dollar sign)");
                }
                if (sb.length() > 0) {
                    parts.add(new Expr.StrLit(p, sb.toString()));
                    sb.setLength(0);
                }
                parts.add(new Expr.Name(p, raw.substring(i + 1, j)));
                i = j - 1;
            } else {
                sb.append(c);
            }
        }
        if (parts.isEmpty()) {
            return new Expr.StrLit(p, sb.toString());
        }
        if (sb.length() > 0) {
            parts.add(new Expr.StrLit(p, sb.toString()));
        }
        return new Expr.Call(p, new Expr.Name(p, "string"), parts, List.of());
    }

    private static int matchingParen(String s, int open) {
        int depth = 0;
        for (int k = open; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return k;
            }
        }
        return -1;
    }

    /** The expression inside {@code $( )} in a string, parsed on its own; errors point at the string. */
    private Expr interpolated(String text, Pos at, int column0) {
        org.antlr.v4.runtime.BaseErrorListener fail = new org.antlr.v4.runtime.BaseErrorListener() {
            @Override
            public void syntaxError(org.antlr.v4.runtime.Recognizer<?, ?> r, Object sym, int line, int col,
                    String msg, org.antlr.v4.runtime.RecognitionException e) {
                throw error(at, "the expression in `$(" + text + ")` is not valid");
            }
        };
        io.github.bufdsl.grammar.BufDslLexer lexer = new io.github.bufdsl.grammar.BufDslLexer(
                org.antlr.v4.runtime.CharStreams.fromString(text));
        lexer.setLine(at.line());
        lexer.setCharPositionInLine(column0);
        lexer.removeErrorListeners();
        lexer.addErrorListener(fail);
        BufDslParser parser = new BufDslParser(new org.antlr.v4.runtime.CommonTokenStream(lexer));
        parser.removeErrorListeners();
        parser.addErrorListener(fail);
        BufDslParser.ExprContext ctx = parser.expr();
        if (parser.getCurrentToken().getType() != Token.EOF) {
            throw error(at, "the expression in `$(" + text + ")` is not valid");
        }
        return expr(ctx);
    }
}
