package io.github.bufdsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The value of a printed formula for given variables: integers, names, {@code + - * ^}, {@code max},
 * {@code div}, comparisons and {@code c ? a : b}, as usage prints peaks and the workspace.
 */
public final class FormulaValue {
    private final String s;
    private final Map<String, Long> vars;
    private int at;

    private FormulaValue(String s, Map<String, Long> vars) {
        this.s = s;
        this.vars = vars;
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
            long a = ternary();
            assertTrue(eat(":"), s);
            long b = ternary();
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
            return -atom();
        }
        if (eat("(")) {
            long v = ternary();
            assertTrue(eat(")"), s);
            return v;
        }
        if (eat("max(") || eat("div(")) {
            boolean max = s.startsWith("max(", at - 4);
            List<Long> args = new ArrayList<>();
            do {
                args.add(ternary());
            } while (eat(","));
            assertTrue(eat(")"), s);
            return max ? args.stream().mapToLong(Long::longValue).max().getAsLong()
                    : Math.floorDiv(args.get(0), args.get(1));
        }
        int from = at;
        if (at < s.length() && Character.isLetter(s.charAt(at))) {
            while (at < s.length() && (Character.isLetterOrDigit(s.charAt(at)) || s.charAt(at) == '_')) {
                at++;
            }
            String name = s.substring(from, at);
            Long v = vars.get(name);
            assertTrue(v != null, "no value for " + name + " in " + s);
            return v;
        }
        while (at < s.length() && Character.isDigit(s.charAt(at))) {
            at++;
        }
        assertTrue(at > from, "unexpected text at " + at + " in " + s);
        return Long.parseLong(s.substring(from, at));
    }
}
