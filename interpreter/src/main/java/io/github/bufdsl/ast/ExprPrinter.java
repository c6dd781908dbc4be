package io.github.bufdsl.ast;

import java.util.List;

/** Expressions back to source text in Julia's style ({@code 10 * 10 * 20}, {@code alloc!(buf, n, n)}). */
public final class ExprPrinter {
    private ExprPrinter() {
    }

    public static String print(Expr e) {
        return print(e, 0);
    }

    private static String print(Expr e, int outer) {
        if (e instanceof Expr.IntLit i) {
            return Long.toString(i.value());
        }
        if (e instanceof Expr.FloatLit f) {
            if (f.single()) { // 1.5f0, 1.0f10: Julia's Float32 literal
                String s = Float.toString((float) f.value());
                return s.contains("E") ? s.replace("E", "f") : s + "f0";
            }
            return Double.toString(f.value()).replace("E", "e");
        }
        if (e instanceof Expr.StrLit s) {
            return quoted(s.value());
        }
        if (e instanceof Expr.BoolLit b) {
            return Boolean.toString(b.value());
        }
        if (e instanceof Expr.Name n) {
            return n.name();
        }
        if (e instanceof Expr.Call c) {
            StringBuilder sb = new StringBuilder(print(c.callee(), 100)).append('(').append(list(c.args()));
            for (int k = 0; k < c.kwargs().size(); k++) {
                sb.append(k == 0 ? (c.args().isEmpty() ? "; " : "; ") : ", ");
                sb.append(c.kwargs().get(k).name()).append('=').append(print(c.kwargs().get(k).value()));
            }
            return sb.append(')').toString();
        }
        if (e instanceof Expr.Parametric p) {
            return p.name() + "{" + list(p.params()) + "}";
        }
        if (e instanceof Expr.Index ix) {
            return print(ix.target(), 100) + "[" + list(ix.indices()) + "]";
        }
        if (e instanceof Expr.Colon) {
            return ":";
        }
        if (e instanceof Expr.Field f) {
            return print(f.target(), 100) + "." + f.field();
        }
        if (e instanceof Expr.Binary b) {
            int p = b.op().precedence();
            boolean rightAssoc = b.op() == Expr.BinOp.POW;
            String s = print(b.left(), rightAssoc ? p + 1 : p) + " " + b.op().symbol() + " "
                    + print(b.right(), rightAssoc ? p : p + 1);
            return p < outer ? "(" + s + ")" : s;
        }
        if (e instanceof Expr.Logical l) {
            int p = l.isAnd() ? 4 : 3;
            String s = print(l.left(), p) + (l.isAnd() ? " && " : " || ") + print(l.right(), p + 1);
            return p < outer ? "(" + s + ")" : s;
        }
        if (e instanceof Expr.Unary u) {
            // -(1) stays a call of - (-1 would be the literal, a different power in 2^-(1))
            String s = u.op().symbol() + (u.operand() instanceof Expr.IntLit k && k.value() >= 0 ? "(" + k.value()
                    + ")" : print(u.operand(), 13));
            return 13 < outer ? "(" + s + ")" : s;
        }
        if (e instanceof Expr.Range r) {
            String s = print(r.start(), 10) + ":" + (r.step() == null ? "" : print(r.step(), 10) + ":")
                    + print(r.stop(), 10);
            return 9 < outer ? "(" + s + ")" : s;
        }
        if (e instanceof Expr.Tuple t) {
            return "(" + list(t.items()) + (t.items().size() == 1 ? ",)" : ")");
        }
        if (e instanceof Expr.Broadcast b) {
            if (!b.isOperator()) {
                return b.op() + ".(" + list(b.args()) + ")";
            }
            int p = Expr.BinOp.of(b.op()).precedence();
            boolean rightAssoc = b.op().equals("^");
            String s = print(b.args().get(0), rightAssoc ? p + 1 : p) + " ." + b.op() + " "
                    + print(b.args().get(1), rightAssoc ? p : p + 1);
            return p < outer ? "(" + s + ")" : s;
        }
        if (e instanceof Expr.Ternary t) {
            String s = print(t.condition(), 3) + " ? " + print(t.ifTrue(), 3) + " : " + print(t.ifFalse(), 2);
            return 2 < outer ? "(" + s + ")" : s;
        }
        throw new IllegalStateException("unknown expression " + e);
    }

    private static String list(List<Expr> items) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(print(items.get(i)));
        }
        return sb.toString();
    }

    /** A string as Julia writes it in code: quoted, with its escapes. */
    static String quoted(String value) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '$' -> sb.append("\\$");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                case '\0' -> sb.append("\\0");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
