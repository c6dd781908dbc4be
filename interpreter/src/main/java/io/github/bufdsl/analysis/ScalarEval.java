package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.Symbolic.Free;
import io.github.bufdsl.analysis.Symbolic.Open;
import io.github.bufdsl.analysis.Symbolic.Opaque;
import io.github.bufdsl.exec.Shapes;
import java.util.ArrayList;
import java.util.List;

/**
 * Numbers, conditions and sizes of the sizing domain: concrete operands go to the interpreter's
 * own arithmetic and pure builtins ({@link Concrete}); symbolic ones become polynomials, open
 * conditions or opaque terms; conditions on a loop variable being summarized go to the loop sizer.
 */
final class ScalarEval {
    /** The name SizingBuilder gives a condition it cannot translate (it reads data), after this prefix. */
    static final String DATA = "#?";

    private final PathRun run;

    ScalarEval(PathRun run) {
        this.run = run;
    }

    Poly times(Poly a, Poly b) {
        try {
            return a.times(b);
        } catch (ArithmeticException e) {
            throw run.fail(run.at, "the size overflows 64 bits");
        }
    }

    long bound(SizeExpr e, String var) {
        Poly p = integer(e, "a range bound");
        if (!p.isConstant()) {
            throw run.impossible("to size the loop over " + var + ", usage needs the value of " + p
                    + "; give its variables with --var");
        }
        return p.constantValue();
    }

    Poly integer(SizeExpr e, String what) {
        Object v = value(e);
        if (v instanceof Free f) {
            return Poly.symbol(f.name());
        }
        if (v instanceof Poly p) {
            return p;
        }
        if ((v instanceof Double || v instanceof Float) && ((Number) v).doubleValue() == Math.rint(((Number) v)
                .doubleValue()) && Math.abs(((Number) v).doubleValue()) < 9e15) {
            return Poly.constant(((Number) v).longValue());
        }
        throw run.fail(run.at, what + " must be an integer, not " + show(v) + written(v, e));
    }

    /** " (as written: n - 5)" when the expression's text says more than its value. */
    String written(Object v, SizeExpr e) {
        String text = JuliaPrinter.expr(e);
        return text.equals(show(v)) ? "" : " (" + text + ")";
    }

    String show(Object v) {
        if (v instanceof Free f) {
            return f.name();
        }
        if (v instanceof Open o) {
            return o.text();
        }
        return v instanceof Double d ? io.github.bufdsl.exec.ValueFormat.formatFloat(d)
                : v instanceof Float f ? io.github.bufdsl.exec.ValueFormat.showFloat32(f) : String.valueOf(v);
    }

    boolean bool(SizeExpr e) {
        return bool(e, "a condition must be");
    }

    boolean bool(SizeExpr e, String must) {
        Object v = value(e);
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Free f) {
            return run.decide(f.name());
        }
        if (v instanceof Open o) {
            return run.decide(o.text());
        }
        throw run.fail(run.at, must + " true or false, not " + show(v) + written(v, e));
    }

    /**
     * Long, Double, Float (a Float32) and Boolean values come as Poly, Double, Float and Boolean; a
     * free variable as Free.
     */
    Object value(SizeExpr e) {
        if (e instanceof SizeExpr.Num n) {
            return Poly.constant(n.value());
        }
        if (e instanceof SizeExpr.Real r) {
            return r.single() ? (Object) (float) r.value() : (Object) r.value();
        }
        if (e instanceof SizeExpr.Flag f) {
            return f.value();
        }
        if (e instanceof SizeExpr.Var v) {
            Object x = run.lookup(v.name());
            if (x == null) {
                Object bound = run.ev.bindings.get(v.name());
                if (bound instanceof Long l) {
                    return Poly.constant(l);
                }
                if (bound != null) {
                    return bound;
                }
                return new Free(v.name());
            }
            if (x instanceof Opaque o && v.name().startsWith(DATA)) { // SizingBuilder's mark of a condition on data
                run.at = o.pos();
                throw run.unknowable("usage cannot compute `" + v.name().substring(DATA.length()) + "` before running;"
                        + " sizes and conditions must be arithmetic on numbers and variables");
            }
            if (x instanceof Opaque o) {
                throw run.unknowable("a size or condition depends on " + v.name() + ", whose value usage cannot know"
                        + " before running (it is assigned at line " + o.pos().line() + (o.why() == null ? ""
                        : " from " + o.why()) + ")");
            }
            if (x instanceof TensorRec) {
                throw run.impossible(v.name() + " is a tensor, not a number");
            }
            return x;
        }
        if (e instanceof SizeExpr.Range r) { // r = 1:n, for the slices it indexes
            List<Poly> parts = new ArrayList<>();
            for (SizeExpr p : SizeExprs.parts(r)) {
                if (!(numeric(value(p)) instanceof Poly q)) {
                    throw run.unknowable("usage follows ranges of integers only, not " + JuliaPrinter.expr(r));
                }
                parts.add(q);
            }
            return new Symbolic.Range(parts.get(0), r.step() == null ? Poly.constant(1) : parts.get(1),
                    parts.get(parts.size() - 1));
        }
        if (e instanceof SizeExpr.Logic l) {
            boolean x = bool(l.left());
            if (l.isAnd() ? !x : x) {
                return x;
            }
            return bool(l.right());
        }
        if (e instanceof SizeExpr.Unary u) {
            Object operand = value(u.operand());
            Object concrete = concrete(() -> Concrete.unary(u.op(), operand));
            if (concrete != null) {
                return concrete;
            }
            if (u.op().equals("!")) {
                return !bool(u.operand(), "the operand of ! must be");
            }
            return ((Poly) numeric(operand)).negate(); // a symbolic number is a Poly (a concrete one is above)
        }
        if (e instanceof SizeExpr.Call c) {
            return call(c);
        }
        SizeExpr.Bin b = (SizeExpr.Bin) e;
        if (b.literalPower() && b.right() instanceof SizeExpr.Num k) { // 2^-1: Julia's literal power, as run has it
            Object x = value(b.left());
            Object concrete = concrete(() -> Concrete.literalPower(x, k.value()));
            if (concrete != null) {
                return concrete;
            }
            return binary(b.op(), x, Poly.constant(k.value()));
        }
        return binary(b.op(), value(b.left()), value(b.right()));
    }

    Object numeric(Object v) {
        if (v instanceof Free f) {
            return Poly.symbol(f.name());
        }
        if (v instanceof Poly || v instanceof Double || v instanceof Float) {
            return v;
        }
        if (v instanceof Boolean b) { // a Bool is an integer, as in Julia (and in run)
            return Poly.constant(b ? 1 : 0);
        }
        if (v instanceof Symbolic.Range r) { // 2 * r is a range in Julia, one usage does not follow
            throw run.unknowable("usage cannot compute arithmetic on the range " + r + " before running");
        }
        throw run.fail(run.at, "expected a number, not " + show(v));
    }

    Object call(SizeExpr.Call c) {
        if (io.github.bufdsl.exec.Ranges.FUNCTIONS.contains(c.function()) && c.args().size() == 1
                && c.args().get(0) instanceof SizeExpr.Range) {
            return new RangeFunctions(run, this).call(c);
        }
        if (c.function().equals(SizeExprs.USED) && c.args().get(0) instanceof SizeExpr.Var b) {
            return run.buffers.used(b.name());
        }
        if (SizeExprs.SHAPES.contains(c.function())) {
            return shape(c);
        }
        List<Object> values = new ArrayList<>();
        for (SizeExpr a : c.args()) {
            values.add(value(a));
        }
        Object concrete = concrete(() -> Concrete.call(c.function(), values));
        if (concrete != null) {
            return concrete;
        }
        List<Poly> args = new ArrayList<>();
        boolean constant = true;
        for (SizeExpr a : c.args()) {
            Poly p = integer(a, "an argument of " + c.function());
            args.add(p);
            constant &= p.isConstant();
        }
        if (!constant) {
            if (args.stream().anyMatch(run.loops.pieces::mentionsLoop)) {
                Poly r = run.loops.pieces.function(c.function(), args);
                if (r == null) {
                    String call = c.function() + "(" + String.join(", ", args.stream().map(Poly::toString).toList()) + ")";
                    for (LoopPieces.Piece p : run.loops.pieces.active) {
                        if (p.var().startsWith("#") && call.contains(p.var())) { // a loop counted for a formula step
                            call = call.replace(p.var(), "t") + " (t: the iteration of the loop over "
                                    + p.var().substring(1) + ", from 0)";
                        }
                    }
                    throw run.loops.pieces.notClosed(call + " is not a formula of the loop variable usage can split the"
                            + " loop by");
                }
                return r;
            }
            if (c.function().equals("max") || c.function().equals("min")) {
                Poly best = args.get(0);
                boolean decided = true;
                for (Poly p : args) {
                    boolean bigger = p.dominates(best);
                    boolean smaller = best.dominates(p);
                    if (c.function().equals("max") ? bigger : smaller) {
                        best = p;
                    } else if (!(c.function().equals("max") ? smaller : bigger)) {
                        decided = false;
                    }
                }
                if (decided) {
                    return best;
                }
            }
            return Poly.symbol(c.function() + "(" + String.join(", ", args.stream().map(Poly::toString).toList())
                    + ")");
        }
        throw run.fail(run.at, "the arguments of " + c.function() + " must be integers");
    }

    /**
     * {@code size(A, k)} or {@code length(A)} of a tensor as this path has it: its dimensions by the
     * interpreter's rule ({@link Shapes}); a value usage cannot know when the tensor is not one it follows.
     */
    private Object shape(SizeExpr.Call c) {
        String name = ((SizeExpr.Var) c.args().get(0)).name();
        String call = c.function() + "(" + name + (c.function().equals("size") ? ", "
                + JuliaPrinter.expr(c.args().get(1)) : "") + ")";
        Object v = run.lookup(name);
        if (v instanceof Symbolic.Range r && c.function().equals("length")) { // length(r) after r = 2:n
            return SliceViews.length(run, r);
        }
        if (c.function().equals("length") && !(v instanceof TensorRec) && run.level(name) != null) {
            throw run.unknowable("usage cannot compute " + call + " before running: the length of a buffer (its capacity,"
                    + " which an extendable one grows to its peak while running) is not followed by usage; size with"
                    + " used(" + name + "), the level, or with the length given to Buffer");
        }
        if (!(v instanceof TensorRec t) || t.dims == null) {
            throw run.unknowable("usage cannot compute " + call + " before running: " + name + (v instanceof Opaque o
                    ? " is " + o.assigned()
                    : v == null ? " is not a tensor allocated in the code being sized" : " is not a tensor"));
        }
        if (c.function().equals("length")) {
            return Shapes.length(t.dims.size(), t.dims::get, Poly.constant(1), this::times);
        }
        Poly k = integer(c.args().get(1), "the dimension of size");
        if (!k.isConstant()) {
            throw run.impossible("usage cannot compute " + call + ": which dimension depends on " + k);
        }
        Poly d = Shapes.size(t.dims.size(), t.dims::get, k.constantValue(), Poly.constant(1));
        if (d == null) {
            throw run.fail(run.at, call + ": dimension " + k + " does not exist; dimensions count from 1");
        }
        return d;
    }

    /** A concrete result computed by the interpreter's own code (null if symbolic), its errors as ours. */
    Object concrete(java.util.function.Supplier<Object> compute) {
        try {
            return compute.get();
        } catch (io.github.bufdsl.exec.ScriptError e) {
            throw run.fail(run.at, e.getMessage());
        }
    }

    Object binary(String op, Object x, Object y) {
        Object concrete = concrete(() -> Concrete.binary(op, x, y));
        if (concrete != null) {
            return concrete;
        }
        boolean comparison = switch (op) {
            case "==", "!=", "<", "<=", ">", ">=" -> true;
            default -> false;
        };
        if (comparison && (x instanceof Boolean || y instanceof Boolean)) {
            if (!(x instanceof Boolean) || !(y instanceof Boolean) || !(op.equals("==") || op.equals("!="))) {
                throw run.fail(run.at, "cannot compare " + show(x) + " " + op + " " + show(y));
            }
            return op.equals("==") == x.equals(y);
        }
        Object a = numeric(x);
        Object b = numeric(y);
        boolean bothPoly = a instanceof Poly && b instanceof Poly;
        if (bothPoly && !(((Poly) a).isConstant() && ((Poly) b).isConstant())) {
            Poly p = (Poly) a;
            Poly q = (Poly) b;
            try {
                switch (op) {
                    case "+":
                        return p.plus(q);
                    case "-":
                        return p.minus(q);
                    case "*":
                        return p.times(q);
                    case "^":
                        if (q.isConstant() && q.constantValue() >= 0 && q.constantValue() <= 64) {
                            Poly r = Poly.constant(1);
                            for (long i = 0; i < q.constantValue(); i++) {
                                r = r.times(p);
                            }
                            return r;
                        }
                        break;
                    case "==", "!=":
                        if (p.equals(q)) {
                            return op.equals("==");
                        }
                        break;
                    default:
                        break;
                }
            } catch (ArithmeticException e) {
                throw run.fail(run.at, "integer overflow in " + brief(p) + " " + op + " " + brief(q));
            }
            if (comparison && run.loops.pieces.mentionsLoop(p.minus(q))) {
                Boolean decided = run.loops.pieces.compare(op, p, q);
                if (decided != null) {
                    return decided;
                }
                throw run.loops.pieces.notClosed("the condition " + wrap(p) + " " + op + " " + wrap(q)
                        + " is not linear in the loop variable");
            }
            if (op.equals("%") && run.loops.pieces.mentionsLoop(p)) {
                Poly r = run.loops.pieces.mod(p, q);
                if (r != null) {
                    return r;
                }
            }
            String text = wrap(p) + " " + op + " " + wrap(q);
            return comparison ? new Open(text) : Poly.symbol("(" + text + ")");
        }
        if (!bothPoly && (a instanceof Poly p && !p.isConstant() || b instanceof Poly q && !q.isConstant())) {
            String text = show(a) + " " + op + " " + show(b);
            return comparison ? new Open(text) : Poly.symbol("(" + text + ")");
        }
        // both concrete: Concrete.binary computed it above, with the interpreter's arithmetic
        throw new IllegalStateException("a concrete " + op + " left to the symbolic domain");
    }

    /** A formula for a message: cut in the middle past 60 characters. */
    static String brief(Poly p) {
        String text = p.isSingleTerm() ? p.toString() : "(" + p + ")";
        return text.length() <= 60 ? text : text.substring(0, 40) + " ... " + text.substring(text.length() - 15);
    }

    String wrap(Poly p) {
        return p.isSingleTerm() ? p.toString() : "(" + p + ")";
    }
}
