package io.github.bufdsl.analysis;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A while loop that counts: {@code var} from {@code start} by {@code step} up to {@code bound}
 * (null: until a break), sized as a for loop; {@link #leaves} tells whether a loop can end at all.
 */
/** A while loop that counts: {@code var} from {@code start} by {@code step} up to {@code bound} (null: until a break). */
record CountedLoop(String var, Poly start, long step, Poly bound) {
static CountedLoop of(SizeStmt.While w, PathRun run) {
        String var = null;
        long step = 0;
        int increments = 0;
        for (SizeStmt s : w.body()) {
            if (s instanceof SizeStmt.Let l && l.value() instanceof SizeExpr.Bin b
                    && (b.op().equals("+") || b.op().equals("-")) && b.left() instanceof SizeExpr.Var v
                    && v.name().equals(l.name()) && b.right() instanceof SizeExpr.Num n && n.value() != 0) {
                var = l.name();
                step = b.op().equals("+") ? n.value() : -n.value();
                increments++;
            }
        }
        if (increments != 1 || assignsElsewhere(w.body(), var)) {
            return null;
        }
        if (!(run.lookupQuiet(var) instanceof Poly start) || !start.isConstant() && !(w.condition() != null)) {
            return null;
        }
        if (w.condition() instanceof SizeExpr.Flag f && f.value()) {
            return new CountedLoop(var, start, step, null);
        }
        if (w.condition() instanceof SizeExpr.Bin c && c.left() instanceof SizeExpr.Var v && v.name().equals(var)
                && !Pruner.mentions(c.right(), var)) {
            Object limit;
            try {
                limit = run.value(c.right());
            } catch (RuntimeException e) {
                return null;
            }
            Poly b = limit instanceof Poly p ? p : limit instanceof Symbolic.Free fr ? Poly.symbol(fr.name()) : null;
            if (b == null) {
                return null;
            }
            // the last value the loop runs with, for the counter at the start of an iteration
            return switch (c.op()) {
                case "<" -> step > 0 ? new CountedLoop(var, start, step, b.minus(Poly.constant(1))) : null;
                case "<=" -> step > 0 ? new CountedLoop(var, start, step, b) : null;
                case ">" -> step < 0 ? new CountedLoop(var, start, step, b.plus(Poly.constant(1))) : null;
                case ">=" -> step < 0 ? new CountedLoop(var, start, step, b) : null;
                default -> null;
            };
        }
        return null;
    }

    /** Whether {@code var} is assigned in the body other than by its top-level increment. */
    private static boolean assignsElsewhere(List<SizeStmt> body, String var) {
        for (SizeStmt s : body) {
            if (s instanceof SizeStmt.If f) {
                for (SizeStmt.Branch b : f.branches()) {
                    if (assigns(b.body(), var)) {
                        return true;
                    }
                }
                if (f.elseBody() != null && assigns(f.elseBody(), var)) {
                    return true;
                }
            } else if (s instanceof SizeStmt.For f && (f.var().equals(var) || assigns(f.body(), var))) {
                return true;
            } else if (s instanceof SizeStmt.While w && assigns(w.body(), var)) {
                return true;
            } else if (s instanceof SizeStmt.Opaque o && o.name().equals(var)
                    || s instanceof SizeStmt.Alias a && a.name().equals(var)
                    || s instanceof SizeStmt.Alloc a2 && var.equals(a2.target())) {
                return true;
            }
        }
        return false;
    }

    private static boolean assigns(List<SizeStmt> body, String var) {
        Set<String> names = new HashSet<>();
        RepeatingLoops.assignedNames(body, names);
        return names.contains(var);
    }

    /** Whether a break or return in the statements (not in a nested loop's body for break) leaves the loop. */
    static boolean leaves(List<SizeStmt> body) {
        for (SizeStmt s : body) {
            if (s instanceof SizeStmt.Break || s instanceof SizeStmt.Return) {
                return true;
            }
            if (s instanceof SizeStmt.If f && (f.branches().stream().anyMatch(b -> leaves(b.body()))
                    || f.elseBody() != null && leaves(f.elseBody()))) {
                return true;
            }
            if (s instanceof SizeStmt.Call) {
                return true; // a user function may end the script; leave it to the deadline
            }
        }
        return false;
    }
}
