package io.github.bufdsl.parse;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.ExprPrinter;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.grammar.BufDslParser.MacroExprContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * {@code @tensor} as a value wherever an expression may stand ({@code 2 * @tensor A[a] * B[a]},
 * {@code f(@tensor ...)}, {@code s += @tensor ...}, a condition, a return), as TensorOperations.jl
 * gives it when every index is summed. As in Julia, a macro call takes the rest of the expression
 * as its argument, up to a {@code ,} or a closing bracket ({@code 2 * @tensor X * Y} is {@code 2 *
 * (@tensor X * Y)}); {@code @tensor(...)} with no space ends at its {@code )}.
 * <p>
 * The one desugaring: each value becomes the statement {@code v = @tensor ...} (a {@link
 * Stmt.Tensor} marked scalar, what every pass already reads), run right before the statement that
 * holds it, and the expression reads the variable {@code v}, named by the macro call's text
 * ({@code (@tensor A[a] * B[a])}, which no script can write). A value on a side that runs only
 * sometimes (the right of {@code &&} and {@code ||}, a branch of {@code ?:}) is refused: there it
 * would run when Julia does not. The conditions of {@code elseif} and {@code while}, the inner
 * ranges of {@code for i in ..., j in ...}, a let binding, the value of a short function and the
 * jump of {@code c && return ...} each get theirs where they run ({@link AstBuilder}).
 */
final class TensorValues {
    private final ExprBuilder exprs;
    private final TensorMacro macro;
    /** The values of the statement being built, in the order they run. */
    private List<Stmt> pending = new ArrayList<>();
    /** How deep the expression being built sits in parts that run only sometimes. */
    private int lazy;

    TensorValues(ExprBuilder exprs, TensorMacro macro) {
        this.exprs = exprs;
        this.macro = macro;
    }

    /** What {@code build} gives, and the statements that compute the values it reads, to run first. */
    record Hoisted<T>(List<Stmt> before, T value) {
        /** {@code before}, then {@code s}. */
        List<Stmt> then(Stmt s) {
            List<Stmt> out = new ArrayList<>(before);
            out.add(s);
            return out;
        }
    }

    <T> Hoisted<T> hoisted(Supplier<T> build) {
        List<Stmt> outer = pending;
        int outerLazy = lazy;
        pending = new ArrayList<>();
        lazy = 0;
        try {
            T value = build.get();
            return new Hoisted<>(List.copyOf(pending), value);
        } finally {
            pending = outer;
            lazy = outerLazy;
        }
    }

    /** The statement {@code build} gives, after the values of @tensor it reads (a block then). */
    Stmt statement(Pos p, Supplier<Stmt> build) {
        Hoisted<Stmt> h = hoisted(build);
        return h.before().isEmpty() ? h.value() : new Stmt.Block(p, h.then(h.value()));
    }

    /**
     * {@code if} from its branch {@code from} on; an {@code elseif} whose condition computes values
     * of @tensor first ({@code before}) starts an {@code else} that computes them, then tests.
     */
    static Stmt.If ifFrom(Pos p, int from, List<Stmt.Branch> branches, List<List<Stmt>> before,
            List<Stmt> elseBody) {
        List<Stmt.Branch> here = new ArrayList<>(List.of(branches.get(from)));
        for (int k = from + 1; k < branches.size(); k++) {
            if (!before.get(k).isEmpty()) {
                List<Stmt> rest = new ArrayList<>(before.get(k));
                rest.add(ifFrom(branches.get(k).pos(), k, branches, before, elseBody));
                return new Stmt.If(p, here, rest);
            }
            here.add(branches.get(k));
        }
        return new Stmt.If(p, here, elseBody);
    }

    /**
     * {@code while condition body end}; when the condition computes values of @tensor first, they are
     * computed each time it is tested: {@code while true}, then they, then {@code if condition else break}.
     */
    static Stmt.While whileLoop(Pos p, Hoisted<Expr> condition, List<Stmt> body) {
        if (condition.before().isEmpty()) {
            return new Stmt.While(p, condition.value(), body);
        }
        Pos c = condition.value().pos();
        List<Stmt> loop = condition.then(new Stmt.If(c, List.of(new Stmt.Branch(c, condition.value(), List.of())),
                List.of(new Stmt.Break(c))));
        loop.addAll(body);
        return new Stmt.While(p, new Expr.BoolLit(c, true), loop);
    }

    /** An expression that runs only sometimes: the right of && and ||, a branch of ?:. */
    Expr lazily(Supplier<Expr> build) {
        lazy++;
        try {
            return build.get();
        } finally {
            lazy--;
        }
    }

    /** {@code @tensor ...} inside an expression: the variable its statement, run first, assigns. */
    Expr value(MacroExprContext ctx) {
        Token at = ctx.MACRO().getSymbol();
        String name = at.getText();
        Pos p = ExprBuilder.pos(at);
        if (!name.equals("@tensor") && !name.equals("@tensoropt")) {
            throw exprs.error(p, AstBuilder.STATEMENT_MACROS.contains(name) ? "only @tensor, @tensoropt and @sprintf"
                    + " give a value; " + name + " is a statement of its own" : AstBuilder.unsupported(name));
        }
        if (lazy > 0) {
            throw exprs.error(p, name + " here would run only when this part of the expression does (the right of"
                    + " && or ||, a branch of ?:), which bufdsl does not support: assign its value in an if first, as"
                    + " if c; s = " + name + " A[i] * B[i]; end");
        }
        if (!macro.callForm(at, ctx.macroArg())) {
            TerminalNode comma = commaAfter(ctx);
            if (comma != null) {
                String text = ExprBuilder.pos(ctx).line() == ExprBuilder.pos(comma.getSymbol()).line()
                        ? exprs.text(ctx) : name + " ...";
                throw exprs.error(ExprBuilder.pos(comma.getSymbol()), "a macro takes everything up to the closing"
                        + " bracket as its arguments, this `,` and what follows too (Julia reads " + name + "(...,"
                        + " ...) here); put the value in parentheses: (" + text + ")");
            }
        }
        Expr.Name temp = new Expr.Name(ExprBuilder.pos(ctx), name(exprs.text(ctx)));
        pending.add(macro.value(p, at, name, ctx.macroArg(), temp));
        return temp;
    }

    /** {@code s = @tensor ...}: the statement that assigns the value to {@code s} itself. */
    Stmt assigned(MacroExprContext ctx, Expr.Name target) {
        Token at = ctx.MACRO().getSymbol();
        return macro.value(ExprBuilder.pos(at), at, at.getText(), ctx.macroArg(), target);
    }

    /** Whether a call of a macro gives a value here: @tensor and @tensoropt do. */
    static boolean givesValue(MacroExprContext ctx) {
        String name = ctx.MACRO().getText();
        return name.equals("@tensor") || name.equals("@tensoropt");
    }

    /** The variable that holds a value of @tensor: its text in parentheses, spaces as one. */
    static String name(String text) {
        return "(" + text.strip().replaceAll("\\s+", " ") + ")";
    }

    /** The {@code ,} right after the macro call, in whatever holds it (an argument list, a tuple), or null. */
    private static TerminalNode commaAfter(ParserRuleContext ctx) {
        ParseTree node = ctx;
        while (node.getParent() instanceof ParserRuleContext parent) {
            int k = parent.children.indexOf(node);
            if (k < parent.getChildCount() - 1) {
                return parent.getChild(k + 1) instanceof TerminalNode t && t.getText().equals(",") ? t : null;
            }
            node = parent;
        }
        return null;
    }

    /**
     * A value whose argument goes on past its index notation (Julia's parse: {@code @tensor A[a] *
     * B[a] + 1} is {@code @tensor(A[a] * B[a] + 1)}, which TensorOperations refuses): the diagnostic,
     * at the first operator past the index notation, with what to write instead; null when the
     * argument is not that.
     */
    static io.github.bufdsl.diag.Diagnostic swallowed(String name, Expr whole) {
        Expr node = whole;
        String rest = "";
        Pos at = whole.pos();
        while (true) {
            if (node instanceof Expr.Binary b && (b.op() == Expr.BinOp.ADD || b.op() == Expr.BinOp.SUB
                    ? !TensorMacro.hasIndex(b.right()) : b.op() != Expr.BinOp.MUL && b.op() != Expr.BinOp.DIV)) {
                rest = " " + b.op().symbol() + " " + ExprPrinter.print(b.right()) + rest;
                at = b.pos();
                node = b.left();
            } else if (node instanceof Expr.Logical l) {
                rest = (l.isAnd() ? " && " : " || ") + ExprPrinter.print(l.right()) + rest;
                at = l.pos();
                node = l.left();
            } else if (node instanceof Expr.Ternary t) {
                rest = " ? " + ExprPrinter.print(t.ifTrue()) + " : " + ExprPrinter.print(t.ifFalse()) + rest;
                at = t.pos();
                node = t.condition();
            } else if (node instanceof Expr.Range r) {
                rest = ":" + (r.step() == null ? "" : ExprPrinter.print(r.step()) + ":") + ExprPrinter.print(r.stop())
                        + rest;
                node = r.start();
            } else if (node instanceof Expr.Call c && c.callee() instanceof Expr.Name f && c.args().size() == 2
                    && (f.name().equals("isapprox") || f.name().equals("div")) && c.kwargs().isEmpty()) { // a ≈ b, a ÷ b
                rest = (f.name().equals("div") ? " \u00F7 " : " \u2248 ") + ExprPrinter.print(c.args().get(1)) + rest;
                at = c.pos();
                node = c.args().get(0);
            } else {
                break;
            }
        }
        if (node == whole || !TensorMacro.hasIndex(node)) {
            return null;
        }
        return io.github.bufdsl.diag.Diagnostic.error(at, "a macro takes the rest of the expression as its argument, so"
                + " this is " + name + "(" + ExprPrinter.print(whole) + "), which is not index notation; for the value"
                + " and then the rest, write (" + name + " " + ExprPrinter.print(node) + ")" + rest);
    }
}
