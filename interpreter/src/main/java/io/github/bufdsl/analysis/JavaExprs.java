package io.github.bufdsl.analysis;

import java.util.List;
import java.util.Set;

/**
 * The sizing function's expressions as Java ({@link JavaEmitter}): numbers are {@code long}, with
 * overflow checked in products; a Bool (a literal, a comparison, a variable used as a condition) is
 * a {@code boolean}, counted as 1 or 0 in arithmetic as in Julia.
 */
final class JavaExprs {
    /** The variables that are Bools in the emitted Java. */
    private final Set<String> booleans;

    JavaExprs(Set<String> booleans) {
        this.booleans = booleans;
    }

    String product(List<SizeExpr> dims) {
        if (dims.isEmpty()) {
            return "1L";
        }
        String r = expr(dims.get(0));
        for (SizeExpr d : dims.subList(1, dims.size())) {
            r = "Math.multiplyExact(" + r + ", " + expr(d) + ")";
        }
        return r;
    }

    String expr(SizeExpr e) {
        if (e instanceof SizeExpr.Num n) {
            return n.value() + "L";
        }
        if (e instanceof SizeExpr.Flag f) {
            return Boolean.toString(f.value());
        }
        if (e instanceof SizeExpr.Var v) {
            return v.name();
        }
        if (e instanceof SizeExpr.Real) {
            throw new IllegalArgumentException("--emit java: the sizing function uses a floating-point number");
        }
        if (e instanceof SizeExpr.Logic l) {
            return "(" + expr(l.left()) + (l.isAnd() ? " && " : " || ") + expr(l.right()) + ")";
        }
        if (e instanceof SizeExpr.Unary u) {
            return "(" + u.op() + expr(u.operand()) + ")";
        }
        if (e instanceof SizeExpr.Range r) {
            throw new IllegalArgumentException("--emit java: the sizing function holds a range (" + JuliaPrinter.expr(r)
                    + "), which is not a number");
        }
        if (e instanceof SizeExpr.Call c && SizeExprs.SHAPES.contains(c.function())) {
            if (PrintedShapes.formOf(c) == null) {
                throw new IllegalArgumentException("--emit java: " + PrintedShapes.why(c));
            }
            return expr(PrintedShapes.formOf(c));
        }
        if (e instanceof SizeExpr.Call c && c.function().equals(SizeExprs.USED) && c.args().get(0) instanceof SizeExpr.Var b) {
            return "len" + b.name() + "[0]"; // used(buf): the level the emitted function keeps
        }
        if (e instanceof SizeExpr.Call c) {
            List<String> args = c.args().stream().map(this::expr).toList();
            return switch (c.function()) {
                case "min", "max" -> {
                    String r = args.get(0);
                    for (String a : args.subList(1, args.size())) {
                        r = "Math." + c.function() + "(" + r + ", " + a + ")";
                    }
                    yield r;
                }
                case "abs" -> "Math.abs(" + args.get(0) + ")";
                case "div" -> "(" + args.get(0) + " / " + args.get(1) + ")";
                case "mod" -> "Math.floorMod(" + args.get(0) + ", " + args.get(1) + ")";
                default -> "(-Math.floorDiv(-(" + args.get(0) + "), " + args.get(1) + "))";
            };
        }
        SizeExpr.Bin b = (SizeExpr.Bin) e;
        boolean comparison = switch (b.op()) {
            case "==", "!=", "<", "<=", ">", ">=" -> true;
            default -> false;
        };
        boolean bools = comparison && isBoolean(b.left()) && isBoolean(b.right());
        String l = bools ? expr(b.left()) : number(b.left());
        String r = bools ? expr(b.right()) : number(b.right());
        return switch (b.op()) {
            case "^" -> {
                if (b.right() instanceof SizeExpr.Num k && k.value() < 0) {
                    throw new IllegalArgumentException("--emit java: the sizing function raises to a negative power ("
                            + JuliaPrinter.expr(b) + "), which gives a fraction in Julia");
                }
                yield "pow(" + l + ", " + r + ")";
            }
            case "/" -> throw new IllegalArgumentException("--emit java: the sizing function divides with /,"
                    + " which gives a fraction in Julia; use div(a, b)");
            default -> "(" + l + " " + b.op() + " " + r + ")";
        };
    }

    /** The expression as a long: a Bool counts as 1 or 0 in arithmetic, as in Julia. */
    String number(SizeExpr e) {
        return isBoolean(e) ? "(" + expr(e) + " ? 1L : 0L)" : expr(e);
    }

    /**
     * The expression as a boolean: a number is true when it is not 0 (a script never has a number as
     * a condition, as in Julia; but a Bool's name may be given a number, as a parameter may).
     */
    String condition(SizeExpr e) {
        return isBoolean(e) ? expr(e) : "(" + expr(e) + " != 0L)";
    }

    /** Whether the expression is a Bool in Java: a literal, a comparison, a logical one, or a Bool variable. */
    private boolean isBoolean(SizeExpr e) {
        if (e instanceof SizeExpr.Flag || e instanceof SizeExpr.Logic) {
            return true;
        }
        if (e instanceof SizeExpr.Unary u) {
            return u.op().equals("!");
        }
        if (e instanceof SizeExpr.Var v) {
            return booleans.contains(v.name());
        }
        return e instanceof SizeExpr.Bin b && switch (b.op()) {
            case "==", "!=", "<", "<=", ">", ">=" -> true;
            default -> false;
        };
    }
}
