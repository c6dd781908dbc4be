package io.github.bufdsl.parse;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.builtins.PrintfFormat;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.grammar.BufDslParser.ExprContext;
import io.github.bufdsl.grammar.BufDslParser.MacroArgContext;
import io.github.bufdsl.grammar.BufDslParser.MacroExprArgContext;
import io.github.bufdsl.grammar.BufDslParser.ParenExprContext;
import io.github.bufdsl.grammar.BufDslParser.TupleExprContext;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.Token;

/**
 * Reads Printf's {@code @sprintf(format, values...)} as a call of the builtin {@code @sprintf}, and
 * {@code @printf(format, values...)} as {@code print(@sprintf(format, values...))}, so that every
 * pass reads them as those calls. Both forms of a macro call are read: {@code @printf("%d\n", x)}
 * and {@code @printf "%d\n" x}. As Julia's macros do when they expand, it requires the format to be
 * a string literal and reads it here: a format that cannot be read, or a count of values that does
 * not match it, is an error before running.
 */
final class PrintfMacro {
    private final ExprBuilder exprs;

    PrintfMacro(ExprBuilder exprs) {
        this.exprs = exprs;
    }

    /** {@code @printf ...} as a statement. */
    Stmt printf(Pos p, Token macro, List<MacroArgContext> args) {
        Expr text = sprintf(p, "@printf", macro, args);
        return new Stmt.ExprStmt(p, new Expr.Call(p, new Expr.Name(p, "print"), List.of(text), List.of()));
    }

    /** The value of {@code @sprintf ...} ({@code name} is the macro written, for messages). */
    Expr sprintf(Pos p, String name, Token macro, List<MacroArgContext> args) {
        String usage = name + " takes a format, a string literal, and the values it formats: " + name
                + "(\"%.3f\\n\", x)";
        List<ExprContext> values = values(p, macro, args, usage);
        if (values.isEmpty()) {
            throw exprs.error(p, usage);
        }
        Expr format = exprs.expr(values.get(0));
        if (!(format instanceof Expr.StrLit literal)) {
            throw exprs.error(format.pos(), name + "'s format must be a string literal, as Julia's Printf needs it"
                    + " when the macro expands (printing to a stream is not supported): " + name
                    + "(\"%d items\\n\", n)");
        }
        PrintfFormat parsed;
        try {
            parsed = PrintfFormat.parse(literal.value());
        } catch (PrintfFormat.FormatError e) {
            throw exprs.error(at(values.get(0), literal, e.index()), "invalid format string: " + e.getMessage());
        }
        if (parsed.arguments() != values.size() - 1) {
            throw exprs.error(p, name + ": " + PrintfFormat.countMessage(parsed.arguments(), values.size() - 1));
        }
        List<Expr> callArgs = new ArrayList<>();
        callArgs.add(literal);
        for (ExprContext v : values.subList(1, values.size())) {
            callArgs.add(exprs.expr(v));
        }
        return new Expr.Call(p, new Expr.Name(p, "@sprintf"), callArgs, List.of());
    }

    /**
     * The macro's arguments: those of {@code @m(a, b)} (the bracket right after the name, as Julia
     * reads a macro call), or each one of {@code @m a b}.
     */
    private List<ExprContext> values(Pos p, Token macro, List<MacroArgContext> args, String usage) {
        List<ExprContext> out = new ArrayList<>();
        for (MacroArgContext a : args) {
            if (!(a instanceof MacroExprArgContext e) || e.assignOp() != null) {
                throw exprs.error(ExprBuilder.pos(a), usage);
            }
            out.add(e.expr(0));
        }
        if (out.size() == 1 && out.get(0).getStart().getStartIndex() == macro.getStopIndex() + 1) {
            if (out.get(0) instanceof TupleExprContext t) {
                return t.expr();
            }
            if (out.get(0) instanceof ParenExprContext paren) {
                return List.of(paren.expr());
            }
            throw exprs.error(p, usage + " (" + usage.substring(0, usage.indexOf(' '))
                    + "(...) is a value of its own here: assign it first, then use it)");
        }
        return out;
    }

    /** The place of the {@code index}-th character of a format literal (escapes are two characters of the source). */
    private static Pos at(ExprContext ctx, Expr.StrLit literal, int index) {
        String raw = ctx.getText();
        Pos p = literal.pos();
        if (raw.indexOf('\n') >= 0) {
            return p; // a literal over several lines: its start
        }
        int r = 1;
        for (int decoded = 0; decoded < index && r < raw.length() - 1; decoded++) {
            r += raw.charAt(r) == '\\' ? 2 : 1;
        }
        return new Pos(p.line(), p.column() + r, 1);
    }
}
