package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.LoopPieces.Piece;
import java.util.ArrayList;
import java.util.List;

/**
 * From a loop's range to the piece of iterations the loop sizer sums over: {@code a:b} and
 * {@code a:s:b} with bounds and step that are numbers or formulas (Julia's length,
 * {@code fld(b - a, s) + 1}, a count below 1 an empty loop), and counted while loops.
 */
final class LoopRanges {
    private final PathRun run;
    private final LoopSizer sizer;

    LoopRanges(PathRun run, LoopSizer sizer) {
        this.run = run;
        this.sizer = sizer;
    }

    /** Sizes {@code for var in start:step:stop}. */
    void forLoop(SizeStmt.For f) {
        Poly start = run.integer(f.start(), "a range bound");
        Poly step = f.step() == null ? Poly.constant(1) : run.integer(f.step(), "a range step");
        Poly stop = run.integer(f.stop(), "a range bound");
        if (step.isConstant() && step.constantValue() == 0) {
            throw run.fail(f.pos(), "a range step cannot be zero");
        }
        if (!step.isConstant()) {
            symbolicStep(f, start, step, stop);
            return;
        }
        long s = step.constantValue();
        Poly count;
        Poly runs; // at least 1 when the loop runs: the count, or for a step past 1 the span plus 1
        if (start.isConstant() && stop.isConstant()) {
            long c = Math.floorDiv(stop.constantValue() - start.constantValue(), s) + 1;
            if (c <= 0) {
                return;
            }
            count = Poly.constant(c);
            runs = count;
        } else if (s == 1 || s == -1) {
            count = (s == 1 ? stop.minus(start) : start.minus(stop)).plus(Poly.constant(1));
            runs = count;
        } else {
            Poly span = s > 0 ? stop.minus(start) : start.minus(stop);
            // Julia's length of a:s:b, max(fld(b - a, s) + 1, 0): a count below 1 is an empty loop
            count = Poly.symbol("fld(" + span + ", " + Math.abs(s) + ")").plus(Poly.constant(1));
            runs = span.plus(Poly.constant(1));
        }
        if (!sizer.nonEmpty(runs, 1)) {
            return;
        }
        sizer.loop(f, f.var(), new Piece(f.var(), start, s, count), f.body());
    }

    /**
     * {@code for i in a:s:b} with a step that is a formula: positive when it cannot be negative,
     * negative when it cannot be positive, else a condition followed both ways (zero is an error,
     * as running says); the loop then counts
     * {@code k = 0, 1, ..., fld(b - a, s)} and the body starts with {@code i = a + s*k}, so that
     * sizes polynomial in {@code i} stay polynomials (in {@code k} and {@code s}).
     */
    private void symbolicStep(SizeStmt.For f, Poly start, Poly step, Poly stop) {
        if (sizer.pieces.mentionsLoop(step)) {
            throw new Signals.NotClosed("the step of the loop over " + f.var() + " depends on the variable of a loop"
                    + " around it");
        }
        Poly span;
        Poly size;
        // a step that is never negative (s, 2s: free variables are sizes and counts) is taken as at least 1,
        // one never positive (-s) as at most -1: their 0 is the error running reports
        if (step.dominates(Poly.ZERO) || !Poly.ZERO.dominates(step) && sizer.nonEmpty(step, 1)) {
            span = stop.minus(start);
            size = step;
        } else if (Poly.ZERO.dominates(step) || sizer.nonEmpty(step.negate(), 1)) {
            span = start.minus(stop);
            size = step.negate();
        } else {
            throw run.fail(f.pos(), "a range step cannot be zero (" + step + " is 0 here)");
        }
        if (!sizer.nonEmpty(span.plus(Poly.constant(1)), 1)) {
            return;
        }
        Poly count = Poly.symbol("fld(" + span + ", " + size + ")").plus(Poly.constant(1));
        String k = "#" + f.var();
        String first = "#first" + f.var();
        String by = "#step" + f.var();
        run.assign(first, start);
        run.assign(by, step);
        List<SizeStmt> body = new ArrayList<>();
        body.add(new SizeStmt.Let(f.pos(), f.var(), new SizeExpr.Bin("+", new SizeExpr.Var(first),
                new SizeExpr.Bin("*", new SizeExpr.Var(by), new SizeExpr.Var(k)))));
        body.addAll(f.body());
        sizer.loop(f, k, new Piece(k, Poly.ZERO, 1, count), body);
    }

    /**
     * A {@code while} loop: a counted one ({@code k < n} with {@code k += s} in the body, or
     * {@code while true} that breaks on such a counter) is sized as a for loop; one whose condition
     * is known is iterated under the deadline; any other is sized by one iteration, which must give
     * back what it takes.
     */
    void whileLoop(SizeStmt.While w) {
        if (w.condition() instanceof SizeExpr.Flag f && f.value() && !CountedLoop.leaves(w.body())) {
            throw run.fail(w.pos(), "this loop never ends: its condition is always true and nothing in it breaks or"
                    + " returns");
        }
        CountedLoop c = CountedLoop.of(w, run);
        if (c != null) {
            Poly count;
            if (c.bound() == null) {
                count = Poly.constant(Long.MAX_VALUE / 4); // ends by a break
            } else if (c.start().isConstant() && c.bound().isConstant()) {
                long n = Math.floorDiv(c.bound().constantValue() - c.start().constantValue(), c.step()) + 1;
                if (n <= 0) {
                    return;
                }
                count = Poly.constant(n);
            } else {
                Poly span = c.step() > 0 ? c.bound().minus(c.start()) : c.start().minus(c.bound());
                long s = Math.abs(c.step());
                // as a for loop's: the span plus 1 is at least 1 when it runs; fld for a step past 1
                count = s == 1 ? span.plus(Poly.constant(1))
                        : Poly.symbol("fld(" + span + ", " + s + ")").plus(Poly.constant(1));
                if (!sizer.nonEmpty(span.plus(Poly.constant(1)), 1)) {
                    return;
                }
            }
            sizer.loop(w, c.var(), new Piece(c.var(), c.start(), c.step(), count), w.body());
            return;
        }
        sizer.iteration.whileLoop(w);
    }
}
