package io.github.bufdsl.analysis;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A while loop that counts: {@code var} from {@code start} by {@code step} up to {@code bound}
 * (null: until a break), sized as a for loop; {@link #leaves} tells whether a loop can end at all.
 */
record CountedLoop(String var, Poly start, long step, Poly bound) {
    static CountedLoop of(SizeStmt.While w, PathRun run) {
        String var = null;
        long step = 0;
        int increments = 0;
        SizeStmt increment = null;
        for (SizeStmt s : w.body()) {
            if (s instanceof SizeStmt.Let l && l.value() instanceof SizeExpr.Bin b
                    && (b.op().equals("+") || b.op().equals("-")) && b.left() instanceof SizeExpr.Var v
                    && v.name().equals(l.name()) && b.right() instanceof SizeExpr.Num n && n.value() != 0) {
                var = l.name();
                step = b.op().equals("+") ? n.value() : -n.value();
                increments++;
                increment = s;
            }
        }
        if (increments != 1 || assignsElsewhere(w.body(), var, increment)) {
            return null;
        }
        Object initial = run.lookupQuiet(var);
        Poly start = initial instanceof Symbolic.Free f ? Poly.symbol(f.name()) : initial instanceof Poly p ? p : null;
        if (start == null || !start.isConstant() && w.condition() == null) {
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

    /** Whether {@code var} is assigned in the body other than by its top-level {@code increment}. */
    private static boolean assignsElsewhere(List<SizeStmt> body, String var, SizeStmt increment) {
        for (SizeStmt s : body) {
            if (s != increment && (SizeStmts.targets(s).contains(var)
                    || s instanceof SizeStmt.For f && f.var().equals(var)
                    || SizeStmts.bodies(s).stream().anyMatch(b -> assigns(b, var)))) {
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

    /**
     * Whether the statements can leave the loop they are in: a break (not one of a nested loop), a
     * return, or a call (a user function may end the script; that is left to the deadline).
     */
    static boolean leaves(List<SizeStmt> body) {
        return leaves(body, false);
    }

    private static boolean leaves(List<SizeStmt> body, boolean nested) {
        Leaves v = new Leaves(nested);
        return body.stream().anyMatch(s -> s.accept(v));
    }

    /** Whether a statement leaves the loop around it; {@code nested} inside a loop of its own, where a break stays. */
    private record Leaves(boolean nested) implements SizeStmt.Visitor<Boolean> {
        public Boolean visitBreak(SizeStmt.Break s) {
            return !nested;
        }

        public Boolean visitReturn(SizeStmt.Return s) {
            return true;
        }

        public Boolean visitCall(SizeStmt.Call s) {
            return true;
        }

        public Boolean visitIf(SizeStmt.If s) {
            return SizeStmts.bodies(s).stream().anyMatch(b -> leaves(b, nested));
        }

        public Boolean visitFor(SizeStmt.For s) {
            return leaves(s.body(), true);
        }

        public Boolean visitWhile(SizeStmt.While s) {
            return leaves(s.body(), true);
        }

        public Boolean visitContinue(SizeStmt.Continue s) {
            return false;
        }

        public Boolean visitAlloc(SizeStmt.Alloc s) {
            return false;
        }

        public Boolean visitBefore(SizeStmt.Before s) {
            return false;
        }

        public Boolean visitReshape(SizeStmt.Reshape s) {
            return false;
        }

        public Boolean visitDrop(SizeStmt.Drop s) {
            return false;
        }

        public Boolean visitScopeEnd(SizeStmt.ScopeEnd s) {
            return false;
        }

        public Boolean visitReset(SizeStmt.Reset s) {
            return false;
        }

        public Boolean visitTensorOp(SizeStmt.TensorOp s) {
            return false;
        }

        public Boolean visitLet(SizeStmt.Let s) {
            return false;
        }

        public Boolean visitAlias(SizeStmt.Alias s) {
            return false;
        }

        public Boolean visitOpaque(SizeStmt.Opaque s) {
            return false;
        }

        public Boolean visitUse(SizeStmt.Use s) {
            return false;
        }
    }
}
