package io.github.bufdsl.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The maximum of some polynomials, none of which dominates another (an antichain), in a canonical
 * order. A buffer's peak on one path is a Peak: a single polynomial when the sizes compare, else
 * {@code max(a, b)}.
 */
public final class Peak {
    private final List<Poly> candidates;

    private Peak(List<Poly> candidates) {
        this.candidates = candidates;
    }

    public static final Peak ZERO = new Peak(List.of(Poly.ZERO));

    public static Peak of(Poly p) {
        return new Peak(List.of(p));
    }

    /** The larger of this and {@code p}, dropping what is dominated. */
    public Peak max(Poly p) {
        for (Poly c : candidates) {
            if (c.dominates(p)) {
                return this;
            }
        }
        List<Poly> kept = new ArrayList<>();
        for (Poly c : candidates) {
            if (!p.dominates(c)) {
                kept.add(c);
            }
        }
        kept.add(p);
        kept.sort((x, y) -> x.toString().compareTo(y.toString()));
        return new Peak(List.copyOf(kept));
    }

    public Peak max(Peak o) {
        Peak r = this;
        for (Poly p : o.candidates) {
            r = r.max(p);
        }
        return r;
    }

    /** {@code this + o}: sizes are never negative, so max(a, b) + max(c, d) = max(a + c, a + d, b + c, b + d). */
    public Peak plus(Peak o) {
        Peak r = null;
        for (Poly a : candidates) {
            for (Poly b : o.candidates) {
                r = r == null ? of(a.plus(b)) : r.max(a.plus(b));
            }
        }
        return r;
    }

    /** {@code this * o}, distributed as {@link #plus} (sizes are never negative). */
    public Peak times(Peak o) {
        Peak r = null;
        for (Poly a : candidates) {
            for (Poly b : o.candidates) {
                r = r == null ? of(a.times(b)) : r.max(a.times(b));
            }
        }
        return r;
    }

    public List<Poly> candidates() {
        return candidates;
    }

    /** The number, when no symbol is left. */
    public Long constant() {
        return candidates.size() == 1 && candidates.get(0).isConstant() ? candidates.get(0).constantValue() : null;
    }

    @Override
    public String toString() {
        if (candidates.size() == 1) {
            return candidates.get(0).toString();
        }
        return candidates.stream().map(Poly::toString).collect(Collectors.joining(", ", "max(", ")"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Peak p && p.candidates.equals(candidates);
    }

    @Override
    public int hashCode() {
        return candidates.hashCode();
    }
}
