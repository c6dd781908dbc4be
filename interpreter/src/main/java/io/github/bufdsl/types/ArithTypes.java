package io.github.bufdsl.types;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.exec.Arith;
import io.github.bufdsl.exec.NumType;
import io.github.bufdsl.exec.ScriptError;
import io.github.bufdsl.exec.Value;
import io.github.bufdsl.resolve.Resolution;

/**
 * Numbers: range bounds, comparisons and arithmetic, constants folded as the run computes them,
 * Ints that are polynomials of free variables ({@link Sym}) carried through + - * and small powers.
 */
abstract class ArithTypes extends TypeState {
    ArithTypes(Resolution resolution, TypeChecker.Options options) {
        super(resolution, options);
    }

    /** A range bound or step: an integer (or a whole Float64). */
    Type bound(Expr e) {
        Type t = expr(e);
        demand(e, t, Kind.INDEX, "a range bound", e.pos(), x -> "a range bound must be an integer, not " + x);
        return t;
    }

    static Long integerValue(Type t) {
        if (t instanceof Type.IntT i) {
            return i.value();
        }
        if (t instanceof Type.FloatT f && f.value() != null && f.value() == Math.rint(f.value())
                && Math.abs(f.value()) < 9e15) {
            return (long) (double) f.value();
        }
        return null;
    }

    Type binary(Expr.Binary e, Type l, Type r) {
        Expr.BinOp op = e.op();
        return switch (op) {
            case EQ, NE -> {
                if (l instanceof Type.IntT a && r instanceof Type.IntT b && a.value() != null && b.value() != null) {
                    yield new Type.BoolT(a.value().equals(b.value()) == (op == Expr.BinOp.EQ));
                }
                if (l instanceof Type.BoolT a && r instanceof Type.BoolT b && a.value() != null && b.value() != null) {
                    yield new Type.BoolT(a.value().equals(b.value()) == (op == Expr.BinOp.EQ));
                }
                yield new Type.BoolT(null);
            }
            case LT, LE, GT, GE -> {
                numbers(e, l, r);
                if (l instanceof Type.IntT a && r instanceof Type.IntT b && a.value() != null && b.value() != null) {
                    int c = Long.compare(a.value(), b.value());
                    yield new Type.BoolT(switch (op) {
                        case LT -> c < 0;
                        case LE -> c <= 0;
                        case GT -> c > 0;
                        default -> c >= 0;
                    });
                }
                yield new Type.BoolT(null);
            }
            case ADD, SUB, MUL, DIV, REM, POW -> arithmetic(op, e.pos(), e.left(), l, e.right(), r);
        };
    }

    /** Both operands of an arithmetic operator or comparison must be numbers; false if one cannot be. */
    boolean numbers(Expr.Binary e, Type l, Type r) {
        return numbers(e.op(), e.pos(), e.left(), l, e.right(), r);
    }

    boolean numbers(Expr.BinOp op, Pos pos, Expr left, Type l, Expr right, Type r) {
        String message = "cannot apply " + op.symbol() + " to " + describe(left, l) + " and " + describe(right, r);
        boolean ok = demand(left, l, Kind.NUMBER, "an operand of " + op.symbol(), pos, x -> message);
        return demand(right, r, Kind.NUMBER, "an operand of " + op.symbol(), pos, x -> message) && ok;
    }

    Type arithmetic(Expr.BinOp op, Pos pos, Expr left, Type l, Expr right, Type r) {
        // Julia's string operators: "ab" * "cd" joins, "ab" ^ 3 repeats (their length is checked while running)
        if (l instanceof Type.StrT && (op == Expr.BinOp.MUL && r instanceof Type.StrT
                || op == Expr.BinOp.POW && (r instanceof Type.IntT || r instanceof Type.BoolT))) {
            return new Type.StrT(null);
        }
        if (!numbers(op, pos, left, l, right, r)) {
            return Type.ERROR;
        }
        boolean li = l instanceof Type.IntT || l instanceof Type.BoolT;
        boolean ri = r instanceof Type.IntT || r instanceof Type.BoolT;
        Long k = new Expr.Binary(pos, op, left, right).literalExponent();
        if (li && k != null && k < 0) { // 2^-1: Julia's literal power of an integer is a Float64 (Arith.literalPower)
            return Type.FloatT.of(NumType.FLOAT64);
        }
        Sym poly = symbolic(op, symOf(l), symOf(r));
        if (li && ri && op != Expr.BinOp.DIV) {
            Long a = l instanceof Type.IntT x ? x.value() : ((Type.BoolT) l).value() == null ? null
                    : ((Type.BoolT) l).value() ? 1L : 0L;
            Long b = r instanceof Type.IntT x ? x.value() : ((Type.BoolT) r).value() == null ? null
                    : ((Type.BoolT) r).value() ? 1L : 0L;
            return a == null || b == null ? Type.IntT.of(poly) : new Type.IntT(fold(op, a, b));
        }
        if ((l instanceof Type.FloatT && (r instanceof Type.FloatT || ri))
                || (r instanceof Type.FloatT && li) || (li && ri)) {
            return Type.FloatT.of(Type.combine(l, r, (x, y) -> NumType.arithmetic(op, x, y)));
        }
        if (poly != null && !(l instanceof Type.FloatT || r instanceof Type.FloatT)) {
            return new Type.Unknown(poly, false); // n + 1 with n free: an Int or a Float64, of that value
        }
        return Type.UNKNOWN;
    }

    /** As {@link #symOf}, a whole Float64 constant (a range bound may be one) as its integer. */
    static Sym symOrValue(Type t) {
        Sym p = symOf(t);
        Long v = integerValue(t);
        return p != null ? p : v != null ? Sym.constant(v) : null;
    }

    /** An integer's value as a polynomial of free variables (a constant, n, 2n + 1), or null. */
    static Sym symOf(Type t) {
        if (t instanceof Type.IntT i) {
            return i.asSym();
        }
        if (t instanceof Type.Unknown u) {
            return u.sym();
        }
        if (t instanceof Type.BoolT b && b.value() != null) {
            return Sym.constant(b.value() ? 1 : 0);
        }
        return null; // a Float64 is not followed: its arithmetic rounds
    }

    /** {@code a op b} on polynomials, for +, -, * and small constant powers; else null. */
    static Sym symbolic(Expr.BinOp op, Sym a, Sym b) {
        if (a == null || b == null) {
            return null;
        }
        return switch (op) {
            case ADD -> Sym.add(a, b);
            case SUB -> Sym.sub(a, b);
            case MUL -> Sym.mul(a, b);
            case POW -> {
                Long k = b.constantValue();
                if (k == null || k < 0 || k > 8) {
                    yield null;
                }
                Sym p = Sym.constant(1);
                for (long i = 0; i < k && p != null; i++) {
                    p = Sym.mul(p, a);
                }
                yield p;
            }
            default -> null;
        };
    }

    /**
     * Int arithmetic on constants as run computes it ({@link Arith}), or null where it fails or
     * overflows (the run reports that).
     */
    static Long fold(Expr.BinOp op, long a, long b) {
        try {
            return Arith.binary(op, new Value.Int(a), new Value.Int(b)) instanceof Value.Int r ? r.value() : null;
        } catch (ScriptError e) {
            return null;
        }
    }

}
