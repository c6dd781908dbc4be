package io.github.bufdsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The value of a printed formula for given variables, read as Julia reads it: integers, names,
 * {@code + - * ^} ({@code -t^2} is {@code -(t^2)}), {@code max}, {@code min}, {@code div}
 * (truncating), {@code fld}, {@code cld}, comparisons, {@code c ? a : b} (the branch not taken is
 * only read) and {@code maximum(t -> ..., a:b)}, as usage prints peaks and the workspace.
 */
public final class FormulaValue {
    private final String s;
    private final Map<String, Long> vars;
    private int at;
    /** Inside a branch not taken: read, not evaluated. */
    private int dead;

    private FormulaValue(String s, Map<String, Long> vars) {
        this.s = s;
        this.vars = new HashMap<>(vars);
    }

    /** The formula's value; the test fails on text it cannot read or a name without a value. */
    public static long of(String formula, Map<String, Long> vars) {
        FormulaValue f = new FormulaValue(formula.replace(" ", ""), vars);
        long v = f.ternary();
        assertEquals(f.s.length(), f.at, "unparsed rest of " + formula);
        return v;
    }

    private boolean eat(String t) {
        if (s.startsWith(t, at)) {
            at += t.length();
            return true;
        }
        return false;
    }

    private long ternary() {
        long c = comparison();
        if (eat("?")) {
            dead += c != 0 ? 0 : 1;
            long a = ternary();
            dead -= c != 0 ? 0 : 1;
            assertTrue(eat(":"), s);
            dead += c != 0 ? 1 : 0;
            long b = ternary();
            dead -= c != 0 ? 1 : 0;
            return c != 0 ? a : b;
        }
        return c;
    }

    private long comparison() {
        long a = sum();
        for (String op : new String[] {">=", "<=", "==", "!=", ">", "<"}) {
            if (eat(op)) {
                long b = sum();
                boolean r = switch (op) {
                    case ">=" -> a >= b;
                    case "<=" -> a <= b;
                    case "==" -> a == b;
                    case "!=" -> a != b;
                    case ">" -> a > b;
                    default -> a < b;
                };
                return r ? 1 : 0;
            }
        }
        return a;
    }

    private long sum() {
        long v = product();
        while (true) {
            if (eat("+")) {
                v += product();
            } else if (eat("-")) {
                v -= product();
            } else {
                return v;
            }
        }
    }

    private long product() {
        long v = power();
        while (eat("*")) {
            v *= power();
        }
        return v;
    }

    private long power() {
        long v = atom();
        if (eat("^")) {
            long e = power();
            long r = 1;
            for (long k = 0; k < e; k++) {
                r *= v;
            }
            return r;
        }
        return v;
    }

    private long atom() {
        if (eat("-")) {
            return -power();
        }
        if (eat("(")) {
            long v = ternary();
            assertTrue(eat(")"), s);
            return v;
        }
        if (eat("maximum(")) {
            return maximum();
        }
        for (String fn : new String[] {"max(", "min(", "div(", "fld(", "cld("}) {
            if (eat(fn)) {
                List<Long> args = new ArrayList<>();
                do {
                    args.add(ternary());
                } while (eat(","));
                assertTrue(eat(")"), s);
                if (dead > 0) {
                    return 0;
                }
                return switch (fn) {
                    case "max(" -> args.stream().mapToLong(Long::longValue).max().getAsLong();
                    case "min(" -> args.stream().mapToLong(Long::longValue).min().getAsLong();
                    case "div(" -> args.get(0) / args.get(1);
                    case "fld(" -> Math.floorDiv(args.get(0), args.get(1));
                    default -> -Math.floorDiv(-args.get(0), args.get(1));
                };
            }
        }
        int from = at;
        if (at < s.length() && Character.isLetter(s.charAt(at))) {
            while (at < s.length() && (Character.isLetterOrDigit(s.charAt(at)) || s.charAt(at) == '_')) {
                at++;
            }
            String name = s.substring(from, at);
            Long v = vars.get(name);
            assertTrue(v != null || dead > 0, "no value for " + name + " in " + s);
            return v == null ? 0 : v;
        }
        while (at < s.length() && Character.isDigit(s.charAt(at))) {
            at++;
        }
        assertTrue(at > from, "unexpected text at " + at + " in " + s);
        return Long.parseLong(s.substring(from, at));
    }

    /** {@code maximum(t -> body, from:to)}, after its opening: the body evaluated for each t. */
    private long maximum() {
        int nameFrom = at;
        while (at < s.length() && Character.isLetterOrDigit(s.charAt(at))) {
            at++;
        }
        String var = s.substring(nameFrom, at);
        assertTrue(eat("->"), s);
        Long outer = vars.get(var);
        vars.put(var, 0L);
        int body = at;
        dead++;
        ternary(); // read to its end
        dead--;
        assertTrue(eat(","), s);
        long from = sum();
        assertTrue(eat(":"), s);
        long to = sum();
        assertTrue(eat(")"), s);
        int end = at;
        long best = 0;
        if (dead == 0) {
            assertTrue(from <= to, "maximum over an empty range in " + s);
            best = Long.MIN_VALUE;
            for (long t = from; t <= to; t++) {
                vars.put(var, t);
                at = body;
                best = Math.max(best, ternary());
            }
            at = end;
        }
        if (outer == null) {
            vars.remove(var);
        } else {
            vars.put(var, outer);
        }
        return best;
    }
}
