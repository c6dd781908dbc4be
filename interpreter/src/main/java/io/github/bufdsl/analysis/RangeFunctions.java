package io.github.bufdsl.analysis;

import io.github.bufdsl.exec.Ranges;

/**
 * Julia's functions of a range in a size ({@code alloc!(buf, sum(1:n))}): with constant bounds the
 * value run computes ({@link Ranges#call}); with formulas, the same formulas ({@link Ranges#sum},
 * {@link Ranges#last}) on polynomials, the range's length and whether it is empty being conditions
 * followed both ways ({@link SliceViews}), so a size is a closed form, never a count of iterations.
 */
final class RangeFunctions {
    private final PathRun run;
    private final ScalarEval eval;

    RangeFunctions(PathRun run, ScalarEval eval) {
        this.run = run;
        this.eval = eval;
    }

    private final Ranges.Ring<Poly> polys = new Ranges.Ring<>() {
        public Poly of(long k) {
            return Poly.constant(k);
        }

        public Poly plus(Poly a, Poly b) {
            try {
                return a.plus(b);
            } catch (ArithmeticException e) {
                throw run.fail(run.at, "the size overflows 64 bits");
            }
        }

        public Poly times(Poly a, Poly b) {
            return eval.times(a, b);
        }

        public Poly half(Poly even) {
            return eval.times(even, Poly.fraction(1, 2));
        }
    };

    Object call(SizeExpr.Call c) {
        String fn = c.function();
        String call = JuliaPrinter.expr(c);
        SizeExpr.Range written = (SizeExpr.Range) c.args().get(0);
        if (!(eval.value(written) instanceof Symbolic.Range r)) {
            throw run.unknowable("usage cannot compute " + call + " before running");
        }
        if (r.start().isConstant() && r.step().isConstant() && r.stop().isConstant()) {
            SliceViews.length(run, r); // a zero step is the run's error there
            return eval.concrete(() -> Concrete.range(fn, r.start().constantValue(), r.step().constantValue(),
                    r.stop().constantValue()));
        }
        if (fn.equals("maximum") || fn.equals("minimum")) {
            return extreme(fn, call, r);
        }
        if (fn.equals("first") || fn.equals("step")) {
            return fn.equals("first") ? r.start() : r.step();
        }
        Poly length = SliceViews.length(run, r); // how many, 0 where it is empty: a condition followed both ways
        return switch (fn) {
            case "last" -> Ranges.last(r.start(), r.step(), length, polys);
            case "sum" -> Ranges.sum(r.start(), r.step(), length, polys);
            default -> throw run.unknowable("usage cannot compute " + call + " before running: a product of a range"
                    + " has no closed form; give the variables of its bounds with --var");
        };
    }

    /**
     * {@code maximum(r)} or {@code minimum(r)}: its last or first element, whichever the step's sign
     * makes the larger or smaller; the last one {@code stop} for a step of 1 or -1, else {@code start +
     * fld(span, |step|) * step}. Not split on whether the range is empty: running stops there (Julia's
     * ArgumentError), so no size is needed on that side.
     */
    private Poly extreme(String fn, String call, Symbolic.Range r) {
        if (!r.step().isConstant() || r.step().constantValue() == 0) {
            throw run.unknowable("usage cannot compute " + call + " before running: whether the range counts up or"
                    + " down depends on " + r.step());
        }
        long step = r.step().constantValue();
        boolean up = step > 0;
        Poly last = r.stop();
        if (Math.abs(step) != 1) {
            Poly span = up ? r.stop().minus(r.start()) : r.start().minus(r.stop());
            last = r.start().plus(eval.times(Poly.symbol("fld(" + span + ", " + Math.abs(step) + ")"), r.step()));
        }
        return fn.equals("maximum") == up ? last : r.start();
    }
}
