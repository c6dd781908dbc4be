package io.github.bufdsl.types;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.ExprChildren;
import io.github.bufdsl.exec.Dotted;
import io.github.bufdsl.exec.NumType;
import io.github.bufdsl.resolve.Resolution;
import java.util.ArrayList;
import java.util.List;

/**
 * Expressions: names, literals, operators, ranges, tuples, broadcasts, the ternary.
 */
abstract class ExprTypes extends TensorTypes {
    ExprTypes(Resolution resolution, TypeChecker.Options options) {
        super(resolution, options);
    }

    // ------------------------------------------------------------------ expressions

    Type read(Expr.Name n) {
        String name = n.name();
        if (locals != null && locals.contains(name)) {
            return env.getOrDefault(name, Type.UNKNOWN);
        }
        if (resolution.freeVariables().containsKey(name)) {
            return bound.containsKey(name) ? bound.get(name) : new Type.Unknown(Sym.variable(name), false);
        }
        if (globals.contains(name)) {
            return locals != null ? Type.UNKNOWN : env.getOrDefault(name, Type.UNKNOWN);
        }
        return switch (name) {
            case "nothing" -> new Type.NothingT();
            case "pi" -> Type.FloatT.f64(Math.PI);
            case "Inf" -> Type.FloatT.f64(Double.POSITIVE_INFINITY);
            case "NaN" -> Type.FloatT.f64(Double.NaN);
            case "Inf32" -> new Type.FloatT(Double.POSITIVE_INFINITY, NumType.FLOAT32);
            case "NaN32" -> new Type.FloatT(Double.NaN, NumType.FLOAT32);
            case "Float64", "Float32" -> new Type.TypeT(name);
            default -> resolution.functions().containsKey(name) ? new Type.FunctionT(name) : Type.UNKNOWN;
        };
    }

    /**
     * True while the operands of an elementwise expression are read (the right of {@code .=}, the
     * arguments of {@code .+} or {@code f.(x)}): there {@code +}, {@code *}, ... and unary minus
     * apply to tensors element by element, as the run's broadcast does.
     */
    boolean elementwise;

    /** The type of an expression read elementwise (see {@link #elementwise}). */
    Type elementwise(Expr e) {
        boolean saved = elementwise;
        elementwise = true;
        try {
            return expr(e);
        } finally {
            elementwise = saved;
        }
    }

    /** Whether an operand a dotted expression reads elementwise (its leaves, as the run takes them) is a tensor. */
    private boolean readsTensor(Expr e) {
        if (!Dotted.isElementwise(e)) {
            return typeOf(e) instanceof Type.TensorT;
        }
        for (Expr x : ExprChildren.of(e)) {
            if (readsTensor(x)) {
                return true;
            }
        }
        return false;
    }

    Type expr(Expr e) {
        if (elementwise && !Dotted.isElementwise(e)) {
            elementwise = false;
            try {
                return typeOf(e);
            } finally {
                elementwise = true;
            }
        }
        return typeOf(e);
    }

    Type typeOf(Expr e) {
        return e.accept(types);
    }

    final Expr.Visitor<Type> types = new Expr.Visitor<Type>() {
            public Type visitInt(Expr.IntLit e) {
                return new Type.IntT(e.value());
            }

            public Type visitFloat(Expr.FloatLit e) {
                return new Type.FloatT(e.value(), e.single() ? NumType.FLOAT32 : NumType.FLOAT64);
            }

            public Type visitString(Expr.StrLit e) {
                return new Type.StrT(e.value());
            }

            public Type visitBool(Expr.BoolLit e) {
                return new Type.BoolT(e.value());
            }

            public Type visitName(Expr.Name e) {
                return read(e);
            }

            public Type visitCall(Expr.Call e) {
                return call(e);
            }

            public Type visitParametric(Expr.Parametric e) {
                return Type.UNKNOWN;
            }

            public Type visitIndex(Expr.Index e) {
                return index(e);
            }

            public Type visitColon(Expr.Colon e) {
                return Type.UNKNOWN;
            }

            public Type visitField(Expr.Field e) {
                return Type.UNKNOWN;
            }

            public Type visitBinary(Expr.Binary e) {
                Type l = expr(e.left());
                Type r = expr(e.right());
                if (elementwise && (l instanceof Type.TensorT || r instanceof Type.TensorT)) {
                    return Type.UNKNOWN; // element by element; the run checks the shapes
                }
                return binary(e, l, r);
            }

            public Type visitLogical(Expr.Logical e) {
                Type l = condition(e.left());
                Type r = condition(e.right());
                if (l instanceof Type.BoolT a && a.value() != null && a.value() != e.isAnd()) {
                    return a; // false && x, true || x
                }
                if (l instanceof Type.BoolT a && a.value() != null && r instanceof Type.BoolT b) {
                    return b;
                }
                return new Type.BoolT(null);
            }

            public Type visitUnary(Expr.Unary e) {
                Type t = expr(e.operand());
                if (elementwise && t instanceof Type.TensorT) {
                    return Type.UNKNOWN;
                }
                return switch (e.op()) {
                    case NOT -> {
                        if (!demand(e.operand(), t, Kind.BOOL, "the operand of !", e.pos(),
                                x -> "! needs true or false, not " + x)) {
                            yield Type.ERROR;
                        }
                        yield t instanceof Type.BoolT b && b.value() != null ? new Type.BoolT(!b.value())
                                : new Type.BoolT(null);
                    }
                    case NEG -> {
                        if (!demand(e.operand(), t, Kind.NUMBER, "an operand of -", e.pos(),
                                x -> "cannot negate " + x)) {
                            yield Type.ERROR;
                        }
                        yield t instanceof Type.IntT i ? (i.value() == null ? Type.IntT.of(Sym.negate(i.poly()))
                                : new Type.IntT(i.value() == Long.MIN_VALUE ? null : -i.value()))
                                : t instanceof Type.FloatT f ? new Type.FloatT(f.value() == null ? null : -f.value(),
                                        f.type())
                                : t instanceof Type.Unknown u && u.sym() != null ? new Type.Unknown(Sym.negate(u.sym()), false)
                                : t instanceof Type.Unknown u && u.error() ? t
                                : Type.UNKNOWN;
                    }
                    case PLUS -> {
                        demand(e.operand(), t, Kind.NUMBER, "an operand of +", e.pos(),
                                x -> "unary + needs a number, not " + x);
                        yield t;
                    }
                };
            }

            public Type visitRange(Expr.Range e) {
                Type ta = bound(e.start());
                Long d = e.step() == null ? Long.valueOf(1) : integerValue(bound(e.step()));
                Type tb = bound(e.stop());
                return new Type.RangeT(integerValue(ta), d, integerValue(tb), symOrValue(ta), symOrValue(tb));
            }

            public Type visitTuple(Expr.Tuple e) {
                List<Type> items = new ArrayList<>();
                for (Expr x : e.items()) {
                    items.add(expr(x));
                }
                return new Type.TupleT(List.copyOf(items));
            }

            public Type visitBroadcast(Expr.Broadcast e) {
                boolean asValue = !elementwise;
                for (Expr x : e.args()) {
                    elementwise(x);
                }
                if (asValue && readsTensor(e)) {
                    error(e.pos(), Dotted.newArray(e));
                    return Type.ERROR;
                }
                return Type.UNKNOWN; // elementwise into the destination of .=, or a number
            }

            public Type visitTernary(Expr.Ternary e) {
                Type c = condition(e.condition());
                if (c instanceof Type.BoolT b && b.value() != null) {
                    return expr(b.value() ? e.ifTrue() : e.ifFalse());
                }
                return Type.join(expr(e.ifTrue()), expr(e.ifFalse()));
            }
        };

}
