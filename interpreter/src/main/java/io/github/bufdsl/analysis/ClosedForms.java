package io.github.bufdsl.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The arithmetic of loops in closed form, over polynomials: sums over an arithmetic progression
 * (Faulhaber's formulas) and the maximum of a polynomial over an integer range. A loop's position
 * is a symbol {@code t} counting iterations from 0; the loop variable is {@code first + step*t}.
 */
final class ClosedForms {
    /** The symbol counting iterations inside these formulas (never a script name: '#' cannot start one). */
    static final String T = "#t";
    /** A non-negative symbol for "how far before the last iteration" in monotonicity checks. */
    private static final String U = "#u";
    /** A placeholder for a count in the cached sums of powers. */
    private static final String N = "#n";

    private static final List<Poly> POWER_SUMS = new ArrayList<>();

    private ClosedForms() {
    }

    /** {@code sum(t^p for t in 0:n-1)} as a polynomial in the placeholder {@link #N}. */
    private static synchronized Poly powerSum(int p) {
        while (POWER_SUMS.size() <= p) {
            int q = POWER_SUMS.size();
            // n^(q+1) = sum_{k=0..q} C(q+1, k) S_k(n)
            Poly s = Poly.symbol(N).pow(q + 1);
            long binom = 1; // C(q+1, 0)
            for (int k = 0; k < q; k++) {
                s = s.minus(POWER_SUMS.get(k).times(Poly.constant(binom)));
                binom = binom * (q + 1 - k) / (k + 1);
            }
            POWER_SUMS.add(s.times(Poly.fraction(1, q + 1)));
        }
        return POWER_SUMS.get(p);
    }

    /**
     * {@code sum(f(t) for t in 0:count-1)}, {@code f} a polynomial in {@link #T}; null when {@code f}
     * is not one (the symbol inside an opaque term).
     */
    static Poly sum(Poly f, Poly count) {
        List<Poly> cs = f.coefficientsIn(T);
        if (cs == null) {
            return null;
        }
        Poly total = Poly.ZERO;
        for (int k = 0; k < cs.size(); k++) {
            if (!cs.get(k).equals(Poly.ZERO)) {
                total = total.plus(cs.get(k).times(powerSum(k).substitute(N, count)));
            }
        }
        return total;
    }

    /** {@code sum(f(u) for u in 0:t-1)} as a polynomial in {@link #T}. */
    static Poly prefixSum(Poly f) {
        return sum(f, Poly.symbol(T));
    }

    /** {@code f} with the loop variable {@code var} written as {@code first + step*t}. */
    static Poly inIterations(Poly f, String var, Poly first, long step) {
        return f.substitute(var, first.plus(Poly.symbol(T).times(Poly.constant(step))));
    }

    /**
     * The largest value of {@code q(t)} over the integers {@code t in 0:count-1} ({@code count >= 1}):
     * the last or the first when {@code q} is monotone there for every value of the other symbols,
     * exactly by its critical points when {@code q} and the count are numbers, else a
     * {@code maximum(t -> q, 0:count-1)} term kept in the formula. Null when {@code q} is not a
     * polynomial in {@code t}.
     */
    static Poly max(Poly q, Poly count) {
        if (!q.mentions(T)) {
            return q;
        }
        List<Poly> cs = q.coefficientsIn(T);
        if (cs == null) {
            return null;
        }
        Poly last = count.minus(Poly.constant(1));
        Poly next = q.substitute(T, Poly.symbol(T).plus(Poly.constant(1)));
        if (next.minus(q).dominates(Poly.ZERO)) {
            return q.substitute(T, last);
        }
        if (q.minus(next).dominates(Poly.ZERO)) {
            return q.substitute(T, Poly.ZERO);
        }
        // monotone on the range only: the step q(t+1) - q(t) at t = count - 2 - u, for every u >= 0
        Poly step = next.minus(q).substitute(T, last.minus(Poly.constant(1)).minus(Poly.symbol(U)));
        if (step.dominates(Poly.ZERO)) {
            return q.substitute(T, last);
        }
        if (Poly.ZERO.dominates(step)) {
            return q.substitute(T, Poly.ZERO);
        }
        boolean separable = count.isConstant(); // q = a(t) + b: a numeric, b free of t
        for (int k = 1; k < cs.size(); k++) {
            separable &= !cs.get(k).mentionsAnySymbol();
        }
        if (separable && cs.get(0).mentionsAnySymbol()) {
            return Poly.constant(numericMax(q.minus(cs.get(0)), count.constantValue())).plus(cs.get(0));
        }
        boolean numeric = count.isConstant();
        for (Poly c : cs) {
            numeric &= !c.mentionsAnySymbol();
        }
        if (numeric) {
            return Poly.constant(numericMax(q, count.constantValue()));
        }
        return Poly.symbol("maximum(t -> " + q.substitute(T, Poly.symbol("t")) + ", 0:" + last + ")");
    }

    /** The exact maximum of a polynomial in {@link #T} alone over {@code 0:count-1}. */
    static long numericMax(Poly q, long count) {
        List<Poly> cs = q.coefficientsIn(T);
        double[] coeffs = new double[cs.size()];
        for (int k = 0; k < cs.size(); k++) {
            coeffs[k] = cs.get(k).approximate();
        }
        TreeSet<Long> candidates = new TreeSet<>();
        candidates.add(0L);
        candidates.add(count - 1);
        for (double r : realRoots(derivative(coeffs), 0, count - 1)) {
            long f = (long) Math.floor(r);
            for (long c = f - 1; c <= f + 2; c++) {
                if (c >= 0 && c <= count - 1) {
                    candidates.add(c);
                }
            }
        }
        long best = Long.MIN_VALUE;
        for (long c : candidates) {
            best = Math.max(best, q.evaluate(Map.of(T, c)));
        }
        return best;
    }

    private static double[] derivative(double[] c) {
        if (c.length <= 1) {
            return new double[0];
        }
        double[] d = new double[c.length - 1];
        for (int k = 1; k < c.length; k++) {
            d[k - 1] = k * c[k];
        }
        return d;
    }

    private static double value(double[] c, double x) {
        double v = 0;
        for (int k = c.length - 1; k >= 0; k--) {
            v = v * x + c[k];
        }
        return v;
    }

    /**
     * The real roots of a polynomial in {@code [lo, hi]}: between consecutive roots of its derivative
     * it is monotone, so each such piece holds at most one root, found by bisection.
     */
    static List<Double> realRoots(double[] c, double lo, double hi) {
        int n = c.length;
        while (n > 0 && c[n - 1] == 0) {
            n--;
        }
        List<Double> roots = new ArrayList<>();
        if (n <= 1) {
            return roots;
        }
        double[] p = java.util.Arrays.copyOf(c, n);
        List<Double> cuts = new ArrayList<>();
        cuts.add(lo);
        for (double r : realRoots(derivative(p), lo, hi)) {
            cuts.add(r);
        }
        cuts.add(hi);
        for (int i = 0; i + 1 < cuts.size(); i++) {
            double a = cuts.get(i);
            double b = cuts.get(i + 1);
            double fa = value(p, a);
            double fb = value(p, b);
            if (fa == 0) {
                roots.add(a);
                continue;
            }
            if (Math.signum(fa) == Math.signum(fb)) {
                continue;
            }
            for (int it = 0; it < 200 && b - a > 1e-9 * Math.max(1, Math.abs(a)); it++) {
                double m = (a + b) / 2;
                if (Math.signum(value(p, m)) == Math.signum(fa)) {
                    a = m;
                } else {
                    b = m;
                }
            }
            roots.add((a + b) / 2);
        }
        return roots;
    }
}
