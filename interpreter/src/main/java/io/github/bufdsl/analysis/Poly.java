package io.github.bufdsl.analysis;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A polynomial over symbols (free variables, loop variables, or opaque terms such as
 * {@code div(n, 2)}) with rational coefficients kept over one positive common denominator, in a
 * canonical form: equal polynomials are {@link #equals equal}. Sizes in the sizing function are
 * polynomials in the script's free variables; sums over loops (Faulhaber's formulas) bring in the
 * denominators, which cancel for every integer value ({@code (n^2 + n)/2}).
 */
public final class Poly {
    /** Monomial (sorted symbol names, joined by '*'; "" for the constant) to numerator coefficient. */
    private final TreeMap<String, Long> terms;
    /** The common denominator, positive, coprime with the coefficients. */
    private final long den;

    private Poly(TreeMap<String, Long> terms, long den) {
        long g = den;
        for (long c : terms.values()) {
            g = gcd(g, c);
        }
        if (g > 1) {
            TreeMap<String, Long> t = new TreeMap<>();
            final long d = g;
            terms.forEach((m, c) -> t.put(m, c / d));
            terms = t;
            den /= g;
        }
        this.terms = terms;
        this.den = terms.isEmpty() ? 1 : den;
        if (terms.size() > MAX_TERMS || terms.size() == 1 && terms.firstKey().length() > MAX_TEXT) {
            // formulas are kept in memory and printed: past this, values are needed
            throw new Signals.NotClosed("a formula grows past " + MAX_TERMS + " terms or " + MAX_TEXT + " characters");
        }
    }

    /** At most this many terms in a formula. */
    static final int MAX_TERMS = 2000;
    /** At most this many characters in one term (an opaque term holds formulas in its text). */
    static final int MAX_TEXT = 4000;

    private Poly(TreeMap<String, Long> terms) {
        this(terms, 1);
    }

    public static final Poly ZERO = new Poly(new TreeMap<>());

    public static Poly constant(long c) {
        TreeMap<String, Long> t = new TreeMap<>();
        if (c != 0) {
            t.put("", c);
        }
        return new Poly(t);
    }

    /** The fraction {@code num / den}, {@code den > 0}. */
    public static Poly fraction(long num, long den) {
        if (den <= 0) {
            throw new IllegalArgumentException("denominator " + den);
        }
        TreeMap<String, Long> t = new TreeMap<>();
        if (num != 0) {
            t.put("", num);
        }
        return new Poly(t, den);
    }

    public static Poly symbol(String name) {
        TreeMap<String, Long> t = new TreeMap<>();
        t.put(name, 1L);
        return new Poly(t);
    }

    /** An integer constant (no symbol, no denominator). */
    public boolean isConstant() {
        return den == 1 && (terms.isEmpty() || (terms.size() == 1 && terms.containsKey("")));
    }

    /** The constant term (a whole number when the denominator is 1; else rounded toward zero). */
    public long constantTerm() {
        return terms.getOrDefault("", 0L) / den;
    }

    public long constantValue() {
        return terms.getOrDefault("", 0L) / den;
    }

    public Poly plus(Poly o) {
        if (o.terms.isEmpty()) {
            return this;
        }
        if (terms.isEmpty()) {
            return o;
        }
        long l = lcm(den, o.den);
        long a = l / den;
        long b = l / o.den;
        TreeMap<String, Long> t = new TreeMap<>();
        terms.forEach((m, c) -> add(t, m, Math.multiplyExact(c, a)));
        o.terms.forEach((m, c) -> add(t, m, Math.multiplyExact(c, b)));
        return new Poly(t, l);
    }

    public Poly negate() {
        TreeMap<String, Long> t = new TreeMap<>();
        terms.forEach((m, c) -> t.put(m, Math.negateExact(c)));
        return new Poly(t, den);
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
        return new Poly(t, Math.multiplyExact(den, o.den));
    }

    /** This to the power {@code k >= 0}. */
    public Poly pow(int k) {
        Poly r = constant(1);
        for (int i = 0; i < k; i++) {
            r = r.times(this);
        }
        return r;
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
        List<String> syms = symbolsOf(a);
        syms.addAll(symbolsOf(b));
        Collections.sort(syms);
        return String.join("*", syms);
    }

    /** The symbols of a monomial, split at the '*' outside parentheses (opaque terms hold their own). */
    private static List<String> symbolsOf(String monomial) {
        List<String> out = new ArrayList<>();
        if (monomial.isEmpty()) {
            return out;
        }
        int depth = 0;
        int from = 0;
        for (int i = 0; i < monomial.length(); i++) {
            char c = monomial.charAt(i);
            if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                depth--;
            } else if (c == '*' && depth == 0) {
                out.add(monomial.substring(from, i));
                from = i + 1;
            }
        }
        out.add(monomial.substring(from));
        return out;
    }

    /**
     * True if this is at least {@code o} for every non-negative value of the symbols (every
     * coefficient of the difference is non-negative). Sizes are never negative, so this decides
     * which of two peaks is larger where it can be decided.
     */
    public boolean dominates(Poly o) {
        for (Map.Entry<String, Long> e : minus(o).terms.entrySet()) {
            if (e.getValue() < 0 || e.getValue() != 0 && mayBeNegative(e.getKey())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a monomial holds a term that may be negative although the free variables are not:
     * a floored quotient ({@code fld(n - 4, 4)}; a stepped trip count {@code fld(n - 1, 2) + 1}).
     */
    private static boolean mayBeNegative(String monomial) {
        for (String s : symbolsOf(monomial)) {
            if (s.startsWith("fld(") || s.startsWith("cld(")) {
                return true;
            }
        }
        return false;
    }

    /** The value for given symbol values; null if a symbol has none. */
    public Long evaluate(Map<String, Long> values) {
        BigInteger sum = BigInteger.ZERO;
        for (Map.Entry<String, Long> e : terms.entrySet()) {
            BigInteger v = BigInteger.valueOf(e.getValue());
            for (String s : symbolsOf(e.getKey())) {
                Long x = values.get(s);
                if (x == null) {
                    return null;
                }
                v = v.multiply(BigInteger.valueOf(x));
            }
            sum = sum.add(v);
        }
        return sum.divide(BigInteger.valueOf(den)).longValueExact();
    }

    /** Whether any symbol occurs (a number, possibly a fraction, otherwise). */
    public boolean mentionsAnySymbol() {
        return terms.size() > (terms.containsKey("") ? 1 : 0);
    }

    /** The value of a number (possibly a fraction) as a double; symbols count as 0. */
    public double approximate() {
        return (double) terms.getOrDefault("", 0L) / den;
    }

    /** Whether the symbol occurs, alone or inside an opaque term's text. */
    public boolean mentions(String symbol) {
        for (String m : terms.keySet()) {
            for (String s : symbolsOf(m)) {
                if (s.equals(symbol) || (s.length() > symbol.length() && containsWord(s, symbol))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean containsWord(String text, String word) {
        int i = text.indexOf(word);
        while (i >= 0) {
            boolean before = i == 0 || !Character.isJavaIdentifierPart(text.charAt(i - 1));
            int end = i + word.length();
            boolean after = end == text.length() || !(Character.isJavaIdentifierPart(text.charAt(end))
                    || text.charAt(end) == '!');
            if (before && after) {
                return true;
            }
            i = text.indexOf(word, i + 1);
        }
        return false;
    }

    /**
     * The coefficients of this as a polynomial in {@code symbol}: element k multiplies
     * {@code symbol^k}. Null when the symbol occurs inside an opaque term (not a polynomial in it).
     */
    public List<Poly> coefficientsIn(String symbol) {
        List<TreeMap<String, Long>> by = new ArrayList<>();
        for (Map.Entry<String, Long> e : terms.entrySet()) {
            int k = 0;
            List<String> rest = new ArrayList<>();
            for (String s : symbolsOf(e.getKey())) {
                if (s.equals(symbol)) {
                    k++;
                } else if (containsWord(s, symbol)) {
                    return null;
                } else {
                    rest.add(s);
                }
            }
            while (by.size() <= k) {
                by.add(new TreeMap<>());
            }
            by.get(k).put(String.join("*", rest), e.getValue());
        }
        List<Poly> out = new ArrayList<>();
        for (TreeMap<String, Long> t : by) {
            out.add(new Poly(t, den));
        }
        return out;
    }

    /** This with {@code value} in place of {@code symbol}; null when the symbol is inside an opaque term. */
    public Poly substitute(String symbol, Poly value) {
        List<Poly> cs = coefficientsIn(symbol);
        if (cs == null) {
            return null;
        }
        Poly r = ZERO;
        for (int k = cs.size() - 1; k >= 0; k--) {
            r = r.times(value).plus(cs.get(k));
        }
        return r;
    }

    /** Julia text: highest degree first, {@code ni*nj*na*nb + 2*n + 5}; {@code div(n^2 + n, 2)} with a denominator. */
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
        return den == 1 ? sb.toString() : "div(" + sb + ", " + den + ")";
    }

    /** {@code no*no*nv} as {@code no^2*nv}. */
    private static String powers(String monomial) {
        StringBuilder sb = new StringBuilder();
        List<String> syms = symbolsOf(monomial);
        for (int i = 0; i < syms.size(); ) {
            int j = i;
            while (j < syms.size() && syms.get(j).equals(syms.get(i))) {
                j++;
            }
            sb.append(sb.length() > 0 ? "*" : "").append(syms.get(i));
            if (j - i > 1) {
                sb.append('^').append(j - i);
            }
            i = j;
        }
        return sb.toString();
    }

    private static int degree(String m) {
        return symbolsOf(m).size();
    }

    /**
     * The symbols of each term but the constant one, a symbol once per power ({@code 2*n^2*m + 3}:
     * {@code [[m, n, n]]}); opaque terms are symbols.
     */
    public List<List<String>> termSymbols() {
        List<List<String>> out = new ArrayList<>();
        for (String m : terms.keySet()) {
            if (!m.isEmpty()) {
                out.add(symbolsOf(m));
            }
        }
        return out;
    }

    /** True for a single term (no '+' when printed), so that it needs no parentheses in a product. */
    public boolean isSingleTerm() {
        return terms.size() <= 1 && den == 1;
    }

    private static long gcd(long a, long b) {
        a = Math.abs(a);
        b = Math.abs(b);
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    private static long lcm(long a, long b) {
        return Math.multiplyExact(a / gcd(a, b), b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Poly p && p.den == den && p.terms.equals(terms);
    }

    @Override
    public int hashCode() {
        return terms.hashCode() * 31 + Long.hashCode(den);
    }
}
