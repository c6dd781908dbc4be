package io.github.bufdsl.parse;

import io.github.bufdsl.ast.AssignOp;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.ast.TensorExpr;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.grammar.BufDslParser.AssignOpContext;
import io.github.bufdsl.grammar.BufDslParser.AssignStmtContext;
import io.github.bufdsl.grammar.BufDslParser.ExprContext;
import io.github.bufdsl.grammar.BufDslParser.MacroArgContext;
import io.github.bufdsl.grammar.BufDslParser.MacroBlockArgContext;
import io.github.bufdsl.grammar.BufDslParser.MacroExprArgContext;
import io.github.bufdsl.grammar.BufDslParser.ParenExprContext;
import io.github.bufdsl.grammar.BufDslParser.StatementContext;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.Token;

/**
 * Reads {@code @tensor} and {@code @tensoropt} from the parse tree: their options ({@code
 * order=(...)}, {@code maxintermediate=N}), the assignment, and index notation on both sides as
 * {@link TensorExpr} (indexed tensors, scalars, sums, differences, products, quotients,
 * negation, and the forms {@link TensorForms} reads: conj, primes, integer labels, NCON). Also a
 * block of assignments and a value ({@code s = @tensor ...}, and wherever {@link TensorValues} finds
 * one: {@code 2 * @tensor ...}, a statement alone). What the grammar leaves open there
 * (an index that is not a label, a tensor indexed twice, an operator outside index notation) is a
 * diagnostic, recorded through the builder of the expressions it reads.
 */
final class TensorMacro {
    private final ExprBuilder exprs;

    TensorMacro(ExprBuilder exprs) {
        this.exprs = exprs;
    }

    /**
     * The statement of {@code macro} ({@code @tensor} or {@code @tensoropt}) with these arguments:
     * one assignment, or a block of them ({@code begin ... end}, one statement each, unscoped as
     * Julia's, the options applying to each), or an expression alone, whose value is computed and
     * left in the variable {@code bare} gives (a statement of its own, or a function's last).
     */
    Stmt build(Pos p, String macro, List<MacroArgContext> args, java.util.function.Supplier<Expr.Name> bare) {
        boolean outer = exprs.primes;
        exprs.primes = true;
        try {
            Options options = options(macro, args, false);
            MacroArgContext last = args.isEmpty() ? null : args.get(args.size() - 1);
            if (last instanceof MacroBlockArgContext block) {
                List<Stmt> body = new ArrayList<>();
                for (StatementContext st : block.block().statement()) {
                    if (!(st instanceof AssignStmtContext a) || a.expr().size() != 2) {
                        throw exprs.error(ExprBuilder.pos(st), "inside " + macro + " begin ... end each statement is"
                                + " an assignment in index notation, as C[i,k] = A[i,j] * B[j,k]");
                    }
                    TensorValues.Hoisted<Stmt> h = exprs.values.hoisted(() -> assignment(ExprBuilder.pos(st), macro,
                            a.expr(0), a.assignOp(), a.expr(1), options));
                    body.addAll(h.then(h.value()));
                }
                return new Stmt.Block(p, body);
            }
            if (!(last instanceof MacroExprArgContext a)) {
                throw exprs.error(p, usage(macro));
            }
            if (a.assignOp() == null) {
                return valueOf(p, macro, a, bare.get(), options);
            }
            return assignment(p, macro, a.expr(0), a.assignOp(), a.expr(1), options);
        } finally {
            exprs.primes = outer;
        }
    }

    /**
     * The statement that assigns the value of {@code macro} with these arguments (the options, then
     * one expression) to {@code target}; {@code at} is the macro's token.
     */
    Stmt value(Pos p, Token at, String macro, List<MacroArgContext> args, Expr.Name target) {
        boolean outer = exprs.primes;
        exprs.primes = true;
        try {
            Options options = options(macro, args, true);
            if (!(args.get(args.size() - 1) instanceof MacroExprArgContext a) || a.assignOp() != null) {
                throw exprs.error(p, "the value of " + macro + " is one expression in index notation whose every"
                        + " index is summed: s = " + macro + " A[i,j] * B[i,j]");
            }
            callForm(at, args);
            return valueOf(p, macro, a, target, options);
        } finally {
            exprs.primes = outer;
        }
    }

    private static String usage(String macro) {
        return macro + " takes one assignment in index notation, or a block of them: " + macro
                + " C[i,k] = A[i,j] * B[j,k]";
    }

    /** The options before the last argument: {@code order=(...)}, {@code maxintermediate=N}. */
    private record Options(List<String> order, Expr maxIntermediate, boolean optimize) {
    }

    private Options options(String macro, List<MacroArgContext> args, boolean value) {
        List<String> order = new ArrayList<>();
        Expr maxIntermediate = null;
        for (MacroArgContext option : args.subList(0, Math.max(0, args.size() - 1))) {
            if (!(option instanceof MacroExprArgContext o) || o.assignOp() == null
                    || !o.assignOp().getText().equals("=") || !(exprs.expr(o.expr(0)) instanceof Expr.Name key)) {
                throw exprs.error(ExprBuilder.pos(option), !value ? usage(macro) : "this is not an option of " + macro
                        + ": a macro takes each expression after it, separated by spaces, as an argument (here "
                        + args.size() + "), and the value of " + macro + " is its options, as order=(i, j), then one"
                        + " expression in index notation");
            }
            Expr v = exprs.expr(o.expr(1));
            if (key.name().equals("order") && macro.equals("@tensor")) {
                for (Expr i : v instanceof Expr.Tuple t ? t.items() : List.of(v)) {
                    order.add(TensorForms.label(exprs, i));
                }
            } else if (key.name().equals("maxintermediate") && macro.equals("@tensoropt")) {
                maxIntermediate = v;
            } else {
                throw exprs.error(key.pos(), macro + " has no option " + key.name() + (macro.equals("@tensor")
                        ? "; it has order=(...)" : "; it has maxintermediate=N"));
            }
        }
        return new Options(List.copyOf(order), maxIntermediate, macro.equals("@tensoropt"));
    }

    /**
     * Julia's call form, {@code @tensor(...)} with no space: true when the arguments are that one
     * parenthesized expression; refused when the parentheses end before the argument does
     * ({@code @tensor(A[a] * B[a]) + 1} is the value plus one in Julia, but one argument here).
     */
    boolean callForm(Token at, List<MacroArgContext> args) {
        if (args.isEmpty() || args.get(0).getStart().getStartIndex() != at.getStopIndex() + 1
                || !args.get(0).getStart().getText().equals("(")) {
            return false;
        }
        if (args.size() == 1 && args.get(0) instanceof MacroExprArgContext a && a.assignOp() == null
                && a.expr(0) instanceof ParenExprContext) {
            return true;
        }
        throw exprs.error(ExprBuilder.pos(args.get(0)), "Julia reads " + at.getText() + "(...) with no space as a"
                + " call whose arguments end at its `)`; put the parentheses around the whole call: (" + at.getText()
                + " ...)");
    }

    /** {@code target = macro expr}: every index summed gives a number; no index at all is the expression itself. */
    private Stmt valueOf(Pos p, String macro, MacroExprArgContext arg, Expr.Name target, Options options) {
        Expr whole = exprs.expr(arg.expr(0));
        if (!hasIndex(whole)) { // TensorOperations gives a scalar expression as it is
            return new Stmt.Assign(target.pos(), List.of(target), AssignOp.SET, whole);
        }
        io.github.bufdsl.diag.Diagnostic swallowed = TensorValues.swallowed(macro, whole);
        if (swallowed != null) {
            throw exprs.error(swallowed.pos(), swallowed.message());
        }
        return TensorForms.scalar(exprs, p, target, tensorExpr(whole), options.optimize(), options.order(),
                options.maxIntermediate());
    }

    private Stmt assignment(Pos p, String macro, ExprContext lhsCtx, AssignOpContext opCtx, ExprContext rhsCtx,
            Options options) {
        String symbol = opCtx.getText();
        if (!List.of("=", "+=", "-=", ":=").contains(symbol)) {
            throw exprs.error(ExprBuilder.pos(opCtx), macro + " assigns with =, +=, -= or :=, not " + symbol);
        }
        AssignOp op = AssignOp.of(symbol);
        Expr lhs = exprs.expr(lhsCtx);
        TensorExpr left = tensorExpr(lhs);
        if (!(left instanceof TensorExpr.Ref ref)) {
            throw exprs.error(lhs.pos(), "the left of " + macro + " must be one indexed tensor, as C[i,k]");
        }
        TensorExpr right = tensorExpr(exprs.expr(rhsCtx));
        return TensorForms.ncon(exprs, new Stmt.Tensor(p, ref, op, right, options.optimize(), options.order(),
                options.maxIntermediate()));
    }

    private TensorExpr tensorExpr(Expr e) {
        if (!hasIndex(e)) {
            return new TensorExpr.Scalar(e.pos(), e);
        }
        if (e instanceof Expr.Index ix) {
            List<String> labels = new ArrayList<>();
            List<Pos> positions = new ArrayList<>();
            for (Expr i : ix.indices()) {
                labels.add(TensorForms.label(exprs, i));
                positions.add(i.pos());
            }
            if (ix.target() instanceof Expr.Name t && t.name().endsWith("'")) {
                throw exprs.error(t.pos(), "a prime in @tensor marks an index label, as A[a', b]; a tensor has no"
                        + " adjoint here (the data is real: permute its labels instead)");
            }
            if (hasIndex(ix.target())) {
                throw exprs.error(ix.pos(), "a tensor in @tensor is indexed once: A[i,j]");
            }
            return new TensorExpr.Ref(ix.pos(), ix.target(), labels, positions);
        }
        if (e instanceof Expr.Binary b) {
            char op = switch (b.op()) {
                case ADD -> '+';
                case SUB -> '-';
                case MUL -> '*';
                case DIV -> '/';
                default -> throw exprs.error(b.pos(), "`" + b.op().symbol() + "` is not allowed in @tensor");
            };
            return new TensorExpr.Binary(b.pos(), op, tensorExpr(b.left()), tensorExpr(b.right()));
        }
        if (e instanceof Expr.Unary u && u.op() == Expr.UnOp.NEG) {
            return new TensorExpr.Negate(u.pos(), tensorExpr(u.operand()));
        }
        if (e instanceof Expr.Unary u && u.op() == Expr.UnOp.PLUS) {
            return tensorExpr(u.operand());
        }
        if (TensorForms.conjugated(e) != null) { // real data: conj is the identity
            return tensorExpr(TensorForms.conjugated(e));
        }
        throw exprs.error(e.pos(), "this is not index notation; @tensor takes sums and products of indexed tensors"
                + " and scalars");
    }

    /** Whether an expression indexes a tensor anywhere (C[i, k], not a call). */
    static boolean hasIndex(Expr e) {
        return e.accept(new IndexFinder());
    }

    private static final class IndexFinder implements Expr.Visitor<Boolean> {
        public Boolean visitInt(Expr.IntLit e) {
            return false;
        }

        public Boolean visitFloat(Expr.FloatLit e) {
            return false;
        }

        public Boolean visitString(Expr.StrLit e) {
            return false;
        }

        public Boolean visitBool(Expr.BoolLit e) {
            return false;
        }

        public Boolean visitName(Expr.Name e) {
            return false;
        }

        public Boolean visitCall(Expr.Call e) {
            return e.args().stream().anyMatch(TensorMacro::hasIndex);
        }

        public Boolean visitParametric(Expr.Parametric e) {
            return false;
        }

        public Boolean visitIndex(Expr.Index e) {
            return true;
        }

        public Boolean visitColon(Expr.Colon e) {
            return false;
        }

        public Boolean visitField(Expr.Field e) {
            return hasIndex(e.target());
        }

        public Boolean visitBinary(Expr.Binary e) {
            return hasIndex(e.left()) || hasIndex(e.right());
        }

        public Boolean visitLogical(Expr.Logical e) {
            return hasIndex(e.left()) || hasIndex(e.right());
        }

        public Boolean visitUnary(Expr.Unary e) {
            return hasIndex(e.operand());
        }

        public Boolean visitRange(Expr.Range e) {
            return false;
        }

        public Boolean visitTuple(Expr.Tuple e) {
            return e.items().stream().anyMatch(TensorMacro::hasIndex);
        }

        public Boolean visitBroadcast(Expr.Broadcast e) {
            return e.args().stream().anyMatch(TensorMacro::hasIndex);
        }

        public Boolean visitTernary(Expr.Ternary e) {
            return hasIndex(e.condition()) || hasIndex(e.ifTrue()) || hasIndex(e.ifFalse());
        }
    }
}
