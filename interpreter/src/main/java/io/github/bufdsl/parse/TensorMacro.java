package io.github.bufdsl.parse;

import io.github.bufdsl.ast.AssignOp;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.ast.TensorExpr;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.grammar.BufDslParser.MacroArgContext;
import io.github.bufdsl.grammar.BufDslParser.MacroExprArgContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code @tensor} and {@code @tensoropt} from the parse tree: their options ({@code
 * order=(...)}, {@code maxintermediate=N}), the assignment, and index notation on both sides as
 * {@link TensorExpr} (indexed tensors, scalars, sums, differences, products, quotients,
 * negation). What the grammar leaves open there (an index that is not a name, a tensor indexed
 * twice, an operator outside index notation) is a diagnostic, recorded through the builder of
 * the expressions it reads.
 */
final class TensorMacro {
    private final ExprBuilder exprs;

    TensorMacro(ExprBuilder exprs) {
        this.exprs = exprs;
    }

    /** The statement of {@code macro} ({@code @tensor} or {@code @tensoropt}) with these arguments. */
    Stmt build(Pos p, String macro, List<MacroArgContext> args) {
        String usage = macro + " takes one assignment in index notation: " + macro + " C[i,k] = A[i,j] * B[j,k]";
        List<String> order = new ArrayList<>();
        Expr maxIntermediate = null;
        for (MacroArgContext option : args.subList(0, Math.max(0, args.size() - 1))) {
            if (!(option instanceof MacroExprArgContext o) || o.assignOp() == null
                    || !o.assignOp().getText().equals("=") || !(exprs.expr(o.expr(0)) instanceof Expr.Name key)) {
                throw exprs.error(ExprBuilder.pos(option), usage);
            }
            Expr value = exprs.expr(o.expr(1));
            if (key.name().equals("order") && macro.equals("@tensor")) {
                List<Expr> items = value instanceof Expr.Tuple t ? t.items() : List.of(value);
                for (Expr i : items) {
                    if (!(i instanceof Expr.Name n)) {
                        throw exprs.error(i.pos(), "order=(...) lists index names, as order=(j, k)");
                    }
                    order.add(n.name());
                }
            } else if (key.name().equals("maxintermediate") && macro.equals("@tensoropt")) {
                maxIntermediate = value;
            } else {
                throw exprs.error(key.pos(), macro + " has no option " + key.name() + (macro.equals("@tensor")
                        ? "; it has order=(...)" : "; it has maxintermediate=N"));
            }
        }
        if (args.isEmpty() || !(args.get(args.size() - 1) instanceof MacroExprArgContext a) || a.assignOp() == null) {
            throw exprs.error(p, usage);
        }
        String symbol = a.assignOp().getText();
        if (!List.of("=", "+=", "-=", ":=").contains(symbol)) {
            throw exprs.error(ExprBuilder.pos(a.assignOp()), macro + " assigns with =, +=, -= or :=, not " + symbol);
        }
        AssignOp op = AssignOp.of(symbol);
        Expr lhs = exprs.expr(a.expr(0));
        TensorExpr left = tensorExpr(lhs);
        if (!(left instanceof TensorExpr.Ref ref)) {
            throw exprs.error(lhs.pos(), "the left of " + macro + " must be one indexed tensor, as C[i,k]");
        }
        TensorExpr right = tensorExpr(exprs.expr(a.expr(1)));
        return new Stmt.Tensor(p, ref, op, right, macro.equals("@tensoropt"), List.copyOf(order), maxIntermediate);
    }

    private TensorExpr tensorExpr(Expr e) {
        if (!hasIndex(e)) {
            return new TensorExpr.Scalar(e.pos(), e);
        }
        if (e instanceof Expr.Index ix) {
            List<String> labels = new ArrayList<>();
            List<Pos> positions = new ArrayList<>();
            for (Expr i : ix.indices()) {
                if (!(i instanceof Expr.Name n)) {
                    throw exprs.error(i.pos(), "an index in @tensor must be a name, as i or k");
                }
                labels.add(n.name());
                positions.add(n.pos());
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
