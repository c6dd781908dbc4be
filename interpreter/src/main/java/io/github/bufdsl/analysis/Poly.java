package io.github.bufdsl.analysis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A polynomial with integer coefficients over symbols (free variables, or opaque terms such as
 * {@code div(n, 2)}), in a canonical form: equal polynomials are {@link #equals equal}. Sizes in
 * the sizing function are polynomials in the script's free variables.
 */
public final class Poly {
    /** Monomial (sorted symbol names, joined by '*'; "" for the constant) to coefficient. */
    private final TreeMap<String, Long> terms;

    private Poly(TreeMap<String, Long> terms) {
        this.terms = terms;
    }

    public static final Poly ZERO = new Poly(new TreeMap<>());

    public static Poly constant(long c) {
        TreeMap<String, Long> t = new TreeMap<>();
        if (c != 0) {
            t.put("", c);
        }
        return new Poly(t);
    }

    public static Poly symbol(String name) {
        TreeMap<String, Long> t = new TreeMap<>();
        t.put(name, 1L);
        return new Poly(t);
    }

    public boolean isConstant() {
        return terms.isEmpty() || (terms.size() == 1 && terms.containsKey(""));
    }

    public long constantValue() {
        return terms.getOrDefault("", 0L);
    }

    public Poly plus(Poly o) {
        TreeMap<String, Long> t = new TreeMap<>(terms);
        o.terms.forEach((m, c) -> add(t, m, c));
        return new Poly(t);
    }

    public Poly negate() {
        TreeMap<String, Long> t = new TreeMap<>();
        terms.forEach((m, c) -> t.put(m, Math.negateExact(c)));
        return new Poly(t);
    }

    public Poly minus(Poly o) {
        return plus(o.negate());
    }

    public Poly times(Poly o) {
        TreeMap<String, Long> t = new TreeMap<>();
        for (Map.Entry<String, Long> a : terms.entrySet()) {
            for (Map.Entry<String, Long> b : o.terms.entrySet()) {
                add(t, multiply(a.getKey(), b.getKey()), Math.multiplyExact(a.getValue(), b.getValue()));
            }
        }
        return new Poly(t);
    }

    private static void add(TreeMap<String, Long> t, String m, long c) {
        long sum = Math.addExact(t.getOrDefault(m, 0L), c);
        if (sum == 0) {
            t.remove(m);
        } else {
            t.put(m, sum);
        }
    }

    private static String multiply(String a, String b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        List<String> syms = new ArrayList<>(List.of(a.split("\\*")));
        syms.addAll(List.of(b.split("\\*")));
        Collections.sort(syms);
        return String.join("*", syms);
    }

    /**
     * True if this is at least {@code o} for every non-negative value of the symbols (every
     * coefficient of the difference is non-negative). Sizes are never negative, so this decides
     * which of two peaks is larger where it can be decided.
     */
    public boolean dominates(Poly o) {
        for (long c : minus(o).terms.values()) {
            if (c < 0) {
                return false;
            }
        }
        return true;
    }

    /** The value for given symbol values; null if a symbol has none. */
    public Long evaluate(Map<String, Long> values) {
        long sum = 0;
        for (Map.Entry<String, Long> e : terms.entrySet()) {
            long v = e.getValue();
            if (!e.getKey().isEmpty()) {
                for (String s : e.getKey().split("\\*")) {
                    Long x = values.get(s);
                    if (x == null) {
                        return null;
                    }
                    v = Math.multiplyExact(v, x);
                }
            }
            sum = Math.addExact(sum, v);
        }
        return sum;
    }

    /** Julia text: highest degree first, {@code ni*nj*na*nb + 2*n + 5}. */
    @Override
    public String toString() {
        if (terms.isEmpty()) {
            return "0";
        }
        List<Map.Entry<String, Long>> list = new ArrayList<>(terms.entrySet());
        list.sort((x, y) -> {
            int dx = degree(x.getKey());
            int dy = degree(y.getKey());
            return dx != dy ? Integer.compare(dy, dx) : x.getKey().compareTo(y.getKey());
        });
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : list) {
            long c = e.getValue();
            String m = e.getKey();
            if (sb.length() == 0) {
                sb.append(c < 0 ? "-" : "");
            } else {
                sb.append(c < 0 ? " - " : " + ");
            }
            long a = Math.abs(c);
            if (m.isEmpty()) {
                sb.append(a);
            } else {
                sb.append(a == 1 ? "" : a + "*").append(powers(m));
            }
        }
        return sb.toString();
    }

    /** {@code no*no*nv} as {@code no^2*nv}. */
    private static String powers(String monomial) {
        StringBuilder sb = new StringBuilder();
        String[] syms = monomial.split("\\*");
        for (int i = 0; i < syms.length; ) {
            int j = i;
            while (j < syms.length && syms[j].equals(syms[i])) {
                j++;
            }
            sb.append(sb.length() > 0 ? "*" : "").append(syms[i]);
            if (j - i > 1) {
                sb.append('^').append(j - i);
            }
            i = j;
        }
        return sb.toString();
    }

    private static int degree(String m) {
        return m.isEmpty() ? 0 : m.split("\\*").length;
    }

    /** True for a single term (no '+' when printed), so that it needs no parentheses in a product. */
    public boolean isSingleTerm() {
        return terms.size() <= 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Poly p && p.terms.equals(terms);
    }

    @Override
    public int hashCode() {
        return terms.hashCode();
    }
}
