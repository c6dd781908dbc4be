package io.github.bufdsl.analysis;

import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
import io.github.bufdsl.diag.Pos;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a sizing function for given values of its free variables, as the user would run the printed
 * Julia: {@code pseudo_alloc!} adds to {@code len[]} and raises {@code peak[]}, {@code pseudo_drop!}
 * subtracts the lengths of the dropped tensors, {@code pseudo_reset!} sets {@code len[]} to zero.
 * Values are Long, Double or Boolean.
 */
public final class SizingEvaluator {
    /** Loop iterations allowed before the evaluation is called runaway. */
    public static final long DEFAULT_MAX_STEPS = 50_000_000L;

    private final Map<String, Object> env = new HashMap<>();
    private final Map<String, Long> len = new LinkedHashMap<>();
    private final Map<String, Long> peak = new LinkedHashMap<>();
    private final long maxSteps;
    private long steps;
    private Pos at = Pos.NONE;

    private SizingEvaluator(Map<String, ?> bindings, long maxSteps) {
        env.putAll(bindings);
        this.maxSteps = maxSteps;
    }

    /**
     * The peak of every buffer of {@code f} in elements, in the function's buffer order.
     *
     * @throws DiagnosticException (static) when a free variable has no value or the arithmetic fails
     */
    public static Map<String, Long> peaks(SizingFunction f, Map<String, ?> bindings) {
        return peaks(f, bindings, DEFAULT_MAX_STEPS);
    }

    public static Map<String, Long> peaks(SizingFunction f, Map<String, ?> bindings, long maxSteps) {
        SizingEvaluator e = new SizingEvaluator(bindings, maxSteps);
        for (String b : f.buffers()) {
            e.len.put(b, 0L);
            e.peak.put(b, 0L);
        }
        e.statements(f.body());
        return e.peak;
    }

    private DiagnosticException error(String message) {
        return new DiagnosticException(Phase.STATIC, at, message);
    }

    private void statements(List<SizeStmt> body) {
        for (SizeStmt s : body) {
            statement(s);
        }
    }

    private void statement(SizeStmt s) {
        if (s instanceof SizeStmt.Alloc a) {
            at = a.pos();
            long n = 1;
            for (SizeExpr d : a.dims()) {
                long v = integer(d, "a dimension");
                if (v < 0) {
                    throw error("negative dimension " + v + " in " + JuliaPrinter.expr(d));
                }
                n = multiply(n, v);
            }
            long now = len.get(a.buffer()) + n;
            len.put(a.buffer(), now);
            peak.put(a.buffer(), Math.max(peak.get(a.buffer()), now));
            if (a.target() != null) {
                env.put(a.target(), n);
            }
        } else if (s instanceof SizeStmt.Drop d) {
            at = d.pos();
            long now = len.get(d.buffer());
            for (String t : d.tensors()) {
                Object v = env.get(t);
                if (!(v instanceof Long n)) {
                    throw error("cannot size drop!: " + t + " was not allocated from " + d.buffer() + " in this block");
                }
                now -= n;
            }
            len.put(d.buffer(), now);
        } else if (s instanceof SizeStmt.Reset r) {
            len.put(r.buffer(), 0L);
        } else if (s instanceof SizeStmt.Let l) {
            at = l.pos();
            env.put(l.name(), value(l.value()));
        } else if (s instanceof SizeStmt.If f) {
            at = f.pos();
            for (SizeStmt.Branch b : f.branches()) {
                if (bool(b.condition())) {
                    statements(b.body());
                    return;
                }
            }
            if (f.elseBody() != null) {
                statements(f.elseBody());
            }
        } else if (s instanceof SizeStmt.For f) {
            at = f.pos();
            long start = integer(f.start(), "a range bound");
            long step = f.step() == null ? 1 : integer(f.step(), "a range step");
            long stop = integer(f.stop(), "a range bound");
            if (step == 0) {
                throw error("a range step cannot be zero");
            }
            for (long i = start; step > 0 ? i <= stop : i >= stop; i += step) {
                if (++steps > maxSteps) {
                    at = f.pos();
                    throw error("sizing the loop over " + f.var() + " takes more than " + maxSteps + " steps");
                }
                env.put(f.var(), i);
                statements(f.body());
                if (i > Long.MAX_VALUE - Math.abs(step) || i < Long.MIN_VALUE + Math.abs(step)) {
                    break;
                }
            }
        }
    }

    private long multiply(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw error("the size overflows 64 bits");
        }
    }

    private long integer(SizeExpr e, String what) {
        Object v = value(e);
        if (v instanceof Long n) {
            return n;
        }
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9e15) {
            return d.longValue();
        }
        throw error(what + " must be an integer, not " + v + " (" + JuliaPrinter.expr(e) + ")");
    }

    private boolean bool(SizeExpr e) {
        Object v = value(e);
        if (v instanceof Boolean b) {
            return b;
        }
        throw error("a condition must be true or false, not " + v + " (" + JuliaPrinter.expr(e) + ")");
    }

    private Object value(SizeExpr e) {
        if (e instanceof SizeExpr.Num n) {
            return n.value();
        }
        if (e instanceof SizeExpr.Real r) {
            return r.value();
        }
        if (e instanceof SizeExpr.Flag f) {
            return f.value();
        }
        if (e instanceof SizeExpr.Var v) {
            Object x = env.get(v.name());
            if (x == null) {
                throw error("the sizing function needs a value for " + v.name() + "; give it with --var "
                        + v.name() + "=...");
            }
            return x;
        }
        if (e instanceof SizeExpr.Logic l) {
            boolean x = bool(l.left());
            if (l.isAnd() ? !x : x) {
                return x;
            }
            return bool(l.right());
        }
        if (e instanceof SizeExpr.Unary u) {
            Object x = value(u.operand());
            if (u.op().equals("!")) {
                if (x instanceof Boolean b) {
                    return !b;
                }
                throw error("! needs true or false, not " + x);
            }
            if (x instanceof Long n) {
                return Math.negateExact(n);
            }
            if (x instanceof Double d) {
                return -d;
            }
            throw error("cannot negate " + x);
        }
        if (e instanceof SizeExpr.Call c) {
            return call(c);
        }
        SizeExpr.Bin b = (SizeExpr.Bin) e;
        return binary(b.op(), value(b.left()), value(b.right()));
    }

    private Object call(SizeExpr.Call c) {
        long[] a = new long[c.args().size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = integer(c.args().get(i), "an argument of " + c.function());
        }
        switch (c.function()) {
            case "min", "max": {
                long r = a[0];
                for (long x : a) {
                    r = c.function().equals("min") ? Math.min(r, x) : Math.max(r, x);
                }
                return r;
            }
            case "abs":
                return Math.abs(a[0]);
            default:
                if (a.length != 2 || a[1] == 0) {
                    throw error(c.function() + " needs two integers, the second not zero");
                }
                return switch (c.function()) {
                    case "div" -> a[0] / a[1];
                    case "mod" -> Math.floorMod(a[0], a[1]);
                    default -> -Math.floorDiv(-a[0], a[1]);
                };
        }
    }

    private Object binary(String op, Object x, Object y) {
        if (op.equals("==") || op.equals("!=")) {
            boolean eq = x instanceof Number a && y instanceof Number b
                    ? a.doubleValue() == b.doubleValue() : x.equals(y);
            return op.equals("==") == eq;
        }
        if (!(x instanceof Number a) || !(y instanceof Number b)) {
            throw error("cannot apply " + op + " to " + x + " and " + y);
        }
        switch (op) {
            case "<":
                return a.doubleValue() < b.doubleValue();
            case "<=":
                return a.doubleValue() <= b.doubleValue();
            case ">":
                return a.doubleValue() > b.doubleValue();
            case ">=":
                return a.doubleValue() >= b.doubleValue();
            default:
                break;
        }
        if (x instanceof Long p && y instanceof Long q && !op.equals("/")) {
            try {
                return switch (op) {
                    case "+" -> Math.addExact(p, q);
                    case "-" -> Math.subtractExact(p, q);
                    case "*" -> Math.multiplyExact(p, q);
                    case "%" -> {
                        if (q == 0) {
                            throw error("integer division by zero");
                        }
                        yield p % q;
                    }
                    default -> {
                        if (q < 0) {
                            throw error("cannot raise an integer to a negative power");
                        }
                        long r = 1;
                        for (long i = 0; i < q && r != 0; i++) {
                            r = Math.multiplyExact(r, p);
                        }
                        yield r;
                    }
                };
            } catch (ArithmeticException ex) {
                throw error("integer overflow in " + p + " " + op + " " + q);
            }
        }
        double p = a.doubleValue();
        double q = b.doubleValue();
        return switch (op) {
            case "+" -> p + q;
            case "-" -> p - q;
            case "*" -> p * q;
            case "/" -> p / q;
            case "%" -> p % q;
            default -> Math.pow(p, q);
        };
    }
}
