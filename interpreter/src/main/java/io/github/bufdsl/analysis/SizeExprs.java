package io.github.bufdsl.analysis;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.ExprPrinter;
import io.github.bufdsl.ast.TensorExpr;
import io.github.bufdsl.builtins.Role;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.exec.Builtins;
import io.github.bufdsl.exec.Ranges;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Expressions of the script in the sizing function's terms ({@link SizeExpr}), and the names they read. */
final class SizeExprs {
    private SizeExprs() {
    }

    static SizeExpr expr(Expr e) {
        return required(e, tryExpr(e));
    }

    /**
     * A size ({@code alloc!(buf, size(A, 1))}) or a value sizes may read ({@code L = length(A)}): as
     * {@link #tryExpr}, and {@code size(A, k)} and {@code length(A)} of a named tensor as calls a path
     * computes from the tensor's dimensions where it runs ({@link io.github.bufdsl.exec.Shapes}).
     */
    static SizeExpr trySize(Expr e) {
        return translate(e, true);
    }

    /** As {@link #expr}, with {@link #trySize}'s reads of tensors' dimensions. */
    static SizeExpr size(Expr e) {
        return required(e, trySize(e));
    }

    private static SizeExpr required(Expr e, SizeExpr s) {
        if (s == null && e instanceof Expr.Call c && c.callee() instanceof Expr.Name n && Ranges.FUNCTIONS.contains(
                n.name()) && c.args().size() == 1 && c.args().get(0) instanceof Expr.Name) {
            throw unsupported(e.pos(), "usage cannot compute `" + ExprPrinter.print(e) + "` before running: it computes "
                    + n.name() + " of a range written in the call, as " + n.name() + "(1:n), not of a variable, nor of a"
                    + " tensor's elements");
        }
        if (s == null) {
            throw unsupported(e.pos(), "usage cannot compute `" + ExprPrinter.print(e)
                    + "` before running; sizes and conditions must be arithmetic on numbers and variables");
        }
        return s;
    }

    /**
     * {@code used(buf)}: the buffer's level where it is read (BufferSteps#used), which the printed function
     * reads as {@code lenbuf[]}.
     */
    static final String USED = "used";

    /** The builtins that read a tensor's dimensions. */
    static final Set<String> SHAPES = Set.of("size", "length");

    /** The expression in the sizing function's terms, or null if it has none. */
    static SizeExpr tryExpr(Expr e) {
        return translate(e, false);
    }

    private static SizeExpr translate(Expr e, boolean shapes) {
        if (e instanceof Expr.IntLit i) {
            return new SizeExpr.Num(i.value());
        }
        if (e instanceof Expr.FloatLit f) {
            return new SizeExpr.Real(f.value(), f.single());
        }
        if (e instanceof Expr.BoolLit b) {
            return new SizeExpr.Flag(b.value());
        }
        if (e instanceof Expr.Name n) {
            return new SizeExpr.Var(n.name());
        }
        if (e instanceof Expr.Binary b) {
            SizeExpr l = translate(b.left(), shapes);
            SizeExpr r = translate(b.right(), shapes);
            return l == null || r == null ? null : new SizeExpr.Bin(b.op().symbol(), l, r, b.literalExponent() != null);
        }
        if (e instanceof Expr.Logical l) {
            SizeExpr x = translate(l.left(), shapes);
            SizeExpr y = translate(l.right(), shapes);
            return x == null || y == null ? null : new SizeExpr.Logic(l.isAnd(), x, y);
        }
        if (e instanceof Expr.Unary u) {
            SizeExpr x = translate(u.operand(), shapes);
            if (x == null) {
                return null;
            }
            return switch (u.op()) {
                case PLUS -> x;
                case NEG -> new SizeExpr.Unary("-", x);
                case NOT -> new SizeExpr.Unary("!", x);
            };
        }
        if (e instanceof Expr.Call c && c.callee() instanceof Expr.Name n && n.name().equals(USED) && c.kwargs().isEmpty()
                && c.args().size() == 1 && c.args().get(0) instanceof Expr.Name buffer) {
            return new SizeExpr.Call(USED, List.of(new SizeExpr.Var(buffer.name()))); // the level on the path
        }
        if (shapes && e instanceof Expr.Call c && c.callee() instanceof Expr.Name n && SHAPES.contains(n.name())
                && c.kwargs().isEmpty() && c.args().size() == (n.name().equals("size") ? 2 : 1)
                && c.args().get(0) instanceof Expr.Name tensor) {
            List<SizeExpr> args = new ArrayList<>(List.of(new SizeExpr.Var(tensor.name())));
            if (c.args().size() == 2) {
                SizeExpr k = translate(c.args().get(1), true);
                if (k == null) {
                    return null;
                }
                args.add(k);
            }
            return new SizeExpr.Call(n.name(), List.copyOf(args));
        }
        if (e instanceof Expr.Call c && c.callee() instanceof Expr.Name n && Ranges.FUNCTIONS.contains(n.name())
                && c.kwargs().isEmpty() && c.args().size() == 1 && c.args().get(0) instanceof Expr.Range r) {
            // sum(1:n), maximum(2:2:n), length(1:n): Julia's function of a range, in closed form (Ranges)
            SizeExpr start = translate(r.start(), shapes);
            SizeExpr step = r.step() == null ? null : translate(r.step(), shapes);
            SizeExpr stop = translate(r.stop(), shapes);
            if (start == null || stop == null || r.step() != null && step == null) {
                return null;
            }
            return n.name().equals("length") ? SliceViews.printedLength(start, step, stop)
                    : new SizeExpr.Call(n.name(), List.of(new SizeExpr.Range(start, step, stop)));
        }
        if (e instanceof Expr.Call c && c.callee() instanceof Expr.Name n
                && (n.name().equals("iseven") || n.name().equals("isodd")) && c.args().size() == 1 && c.kwargs().isEmpty()) {
            // of the integers sizes and conditions are: x % 2 == 0, and abs(x % 2) == 1 (also false for 2.5)
            SizeExpr x = translate(c.args().get(0), shapes);
            if (x == null) {
                return null;
            }
            SizeExpr rem = new SizeExpr.Bin("%", x, new SizeExpr.Num(2));
            return n.name().equals("iseven") ? new SizeExpr.Bin("==", rem, new SizeExpr.Num(0))
                    : new SizeExpr.Bin("==", new SizeExpr.Call("abs", List.of(rem)), new SizeExpr.Num(1));
        }
        if (e instanceof Expr.Call c && c.callee() instanceof Expr.Name n
                && Builtins.role(n.name()) instanceof Role.Pure p && p.symbolic() && c.kwargs().isEmpty()) {
            List<SizeExpr> args = new ArrayList<>();
            for (Expr a : c.args()) {
                SizeExpr x = translate(a, shapes);
                if (x == null) {
                    return null;
                }
                args.add(x);
            }
            return new SizeExpr.Call(n.name(), args);
        }
        return null;
    }

    /** {@code e} with each variable replaced by its value in {@code values}; null if one has none there. */
    static SizeExpr substitute(SizeExpr e, java.util.Map<String, SizeExpr> values) {
        if (e instanceof SizeExpr.Var v) {
            return values.get(v.name());
        }
        if (e instanceof SizeExpr.Bin b) {
            SizeExpr l = substitute(b.left(), values);
            SizeExpr r = substitute(b.right(), values);
            return l == null || r == null ? null : new SizeExpr.Bin(b.op(), l, r, b.literalPower());
        }
        if (e instanceof SizeExpr.Logic l) {
            SizeExpr x = substitute(l.left(), values);
            SizeExpr y = substitute(l.right(), values);
            return x == null || y == null ? null : new SizeExpr.Logic(l.isAnd(), x, y);
        }
        if (e instanceof SizeExpr.Unary u) {
            SizeExpr x = substitute(u.operand(), values);
            return x == null ? null : new SizeExpr.Unary(u.op(), x);
        }
        if (e instanceof SizeExpr.Range r) {
            SizeExpr a = substitute(r.start(), values);
            SizeExpr s = r.step() == null ? null : substitute(r.step(), values);
            SizeExpr b = substitute(r.stop(), values);
            return a == null || b == null || r.step() != null && s == null ? null : new SizeExpr.Range(a, s, b);
        }
        if (e instanceof SizeExpr.Call c) {
            List<SizeExpr> args = new ArrayList<>();
            for (SizeExpr a : c.args()) {
                SizeExpr x = substitute(a, values);
                if (x == null) {
                    return null;
                }
                args.add(x);
            }
            return new SizeExpr.Call(c.function(), args);
        }
        return e; // a number, a real or a flag
    }

    /** A range's start, step (when written) and stop. */
    static List<SizeExpr> parts(SizeExpr.Range r) {
        return r.step() == null ? List.of(r.start(), r.stop()) : List.of(r.start(), r.step(), r.stop());
    }

    /** {@code a:s:b} with sizes for its bounds and step ({@link #trySize}), or null. */
    static SizeExpr.Range tryRange(Expr.Range r) {
        SizeExpr start = trySize(r.start());
        SizeExpr stop = trySize(r.stop());
        SizeExpr step = r.step() == null ? null : trySize(r.step());
        return start == null || stop == null || r.step() != null && step == null ? null
                : new SizeExpr.Range(start, step, stop);
    }

    /** Every plain name an expression reads. */
    static void names(Expr e, Set<String> into) {
        if (e instanceof Expr.Name n) {
            into.add(n.name());
        } else if (e instanceof Expr.Call c) {
            c.args().forEach(a -> names(a, into));
            c.kwargs().forEach(k -> names(k.value(), into));
        } else if (e instanceof Expr.Index ix) {
            names(ix.target(), into);
            ix.indices().forEach(i -> names(i, into));
        } else if (e instanceof Expr.Binary b) {
            names(b.left(), into);
            names(b.right(), into);
        } else if (e instanceof Expr.Logical l) {
            names(l.left(), into);
            names(l.right(), into);
        } else if (e instanceof Expr.Unary u) {
            names(u.operand(), into);
        } else if (e instanceof Expr.Range r) {
            names(r.start(), into);
            if (r.step() != null) {
                names(r.step(), into);
            }
            names(r.stop(), into);
        } else if (e instanceof Expr.Tuple t) {
            t.items().forEach(i -> names(i, into));
        } else if (e instanceof Expr.Field f) {
            names(f.target(), into);
        } else if (e instanceof Expr.Broadcast b) {
            b.args().forEach(a -> names(a, into));
        } else if (e instanceof Expr.Ternary t) {
            names(t.condition(), into);
            names(t.ifTrue(), into);
            names(t.ifFalse(), into);
        }
    }

    static void tensorNames(TensorExpr t, Set<String> into) {
        if (t instanceof TensorExpr.Ref r) {
            names(r.tensor(), into);
        } else if (t instanceof TensorExpr.Scalar s) {
            names(s.value(), into);
        } else if (t instanceof TensorExpr.Binary b) {
            tensorNames(b.left(), into);
            tensorNames(b.right(), into);
        } else if (t instanceof TensorExpr.Negate n) {
            tensorNames(n.operand(), into);
        }
    }

    static DiagnosticException unsupported(Pos pos, String message) {
        return new DiagnosticException(Phase.STATIC, pos, message);
    }
}
