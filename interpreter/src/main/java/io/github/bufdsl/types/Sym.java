package io.github.bufdsl.types;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An integer known as a polynomial with integer coefficients in the free variables: {@code n},
 * {@code 2n}, {@code n + 1}, {@code n*m}. What the inference knows of a dimension or an Int that
 * the free variables fix ({@code alloc!(buf, n, n + 1)}, {@code size(A, 1) + 2}). Two of them are
 * compared only through their difference: when it is a constant, the comparison is decided for
 * every value of the free variables. Arithmetic that would overflow gives null (nothing known).
 */
public final class Sym {
    /** Monomial (its variables sorted, repeated for powers, joined by '*'; "" for the constant) to coefficient. */
    private final Map<String, Long> terms;

    private Sym(Map<String, Long> terms) {
        this.terms = Collections.unmodifiableMap(terms);
    }

    public static Sym constant(long c) {
        Map<String, Long> t = new TreeMap<>();
        if (c != 0) {
            t.put("", c);
        }
        return new Sym(t);
    }

    public static Sym variable(String name) {
        Map<String, Long> t = new TreeMap<>();
        t.put(name, 1L);
        return new Sym(t);
    }

    /** The value when it does not depend on any variable, else null. */
    public Long constantValue() {
        if (terms.isEmpty()) {
            return 0L;
        }
        return terms.size() == 1 && terms.containsKey("") ? terms.get("") : null;
    }

    public boolean isConstant() {
        return constantValue() != null;
    }

    public static Sym add(Sym a, Sym b) {
        if (a == null || b == null) {
            return null;
        }
        Map<String, Long> t = new TreeMap<>(a.terms);
        try {
            for (Map.Entry<String, Long> e : b.terms.entrySet()) {
                long v = Math.addExact(t.getOrDefault(e.getKey(), 0L), e.getValue());
                if (v == 0) {
                    t.remove(e.getKey());
                } else {
                    t.put(e.getKey(), v);
                }
            }
        } catch (ArithmeticException e) {
            return null;
        }
        return new Sym(t);
    }

    public static Sym negate(Sym a) {
        return mul(a, constant(-1));
    }

    public static Sym sub(Sym a, Sym b) {
        return add(a, negate(b));
    }

    public static Sym mul(Sym a, Sym b) {
        if (a == null || b == null) {
            return null;
        }
        Map<String, Long> t = new TreeMap<>();
        try {
            for (Map.Entry<String, Long> x : a.terms.entrySet()) {
                for (Map.Entry<String, Long> y : b.terms.entrySet()) {
                    String m = monomial(x.getKey(), y.getKey());
                    long v = Math.addExact(t.getOrDefault(m, 0L), Math.multiplyExact(x.getValue(), y.getValue()));
                    if (v == 0) {
                        t.remove(m);
                    } else {
                        t.put(m, v);
                    }
                }
            }
        } catch (ArithmeticException e) {
            return null;
        }
        return new Sym(t);
    }

    private static String monomial(String a, String b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        List<String> vars = new ArrayList<>(List.of(a.split("\\*")));
        vars.addAll(List.of(b.split("\\*")));
        Collections.sort(vars);
        return String.join("*", vars);
    }

    /** {@code a - b} when it is a constant (the same for every value of the variables), else null. */
    public static Long difference(Sym a, Sym b) {
        Sym d = sub(a, b);
        return d == null ? null : d.constantValue();
    }

    /** As Julia prints it: {@code 2n + 1}, {@code n*m - 3}, {@code n^2}. */
    @Override
    public String toString() {
        if (terms.isEmpty()) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        List<Map.Entry<String, Long>> list = new ArrayList<>(terms.entrySet());
        // highest degree first, the constant last, as people write it
        list.sort((x, y) -> degree(x.getKey()) != degree(y.getKey()) ? degree(y.getKey()) - degree(x.getKey())
                : x.getKey().compareTo(y.getKey()));
        for (Map.Entry<String, Long> e : list) {
            long c = e.getValue();
            String m = power(e.getKey());
            if (sb.isEmpty()) {
                sb.append(c < 0 ? "-" : "");
            } else {
                sb.append(c < 0 ? " - " : " + ");
            }
            long abs = Math.abs(c);
            if (m.isEmpty()) {
                sb.append(abs);
            } else {
                sb.append(abs == 1 ? "" : abs + (m.contains("*") || m.contains("^") ? "*" : "")).append(m);
            }
        }
        return sb.toString();
    }

    private static int degree(String monomial) {
        return monomial.isEmpty() ? 0 : monomial.split("\\*").length;
    }

    private static String power(String monomial) {
        if (monomial.isEmpty()) {
            return "";
        }
        List<String> out = new ArrayList<>();
        String[] vars = monomial.split("\\*");
        for (int i = 0; i < vars.length;) {
            int j = i;
            while (j < vars.length && vars[j].equals(vars[i])) {
                j++;
            }
            out.add(j - i == 1 ? vars[i] : vars[i] + "^" + (j - i));
            i = j;
        }
        return String.join("*", out);
    }

    /** Whether it is more than a number or a name: shown in parentheses inside a shape ({@code n×(n + 1)}). */
    boolean compound() {
        return terms.size() > 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sym s && s.terms.equals(terms);
    }

    @Override
    public int hashCode() {
        return terms.hashCode();
    }
}
