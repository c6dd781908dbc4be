package io.github.bufdsl.analysis;

import io.github.bufdsl.diag.Pos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Questions about the statements of the sizing function that several passes ask, each answered by
 * an exhaustive {@link SizeStmt.Visitor}: a new kind of statement does not compile until each says
 * what it is for that kind. {@link #bodies} is the one place that says which statements hold others.
 */
final class SizeStmts {
    private SizeStmts() {
    }

    /** The statement lists a statement holds (each branch, a loop's body); empty for a simple statement. */
    static List<List<SizeStmt>> bodies(SizeStmt s) {
        return s.accept(BODIES);
    }

    /** Whether a statement in {@code body}, at any depth, satisfies {@code test} (which sees every statement). */
    static boolean any(List<SizeStmt> body, Predicate<SizeStmt> test) {
        for (SizeStmt s : body) {
            if (test.test(s)) {
                return true;
            }
            for (List<SizeStmt> inner : bodies(s)) {
                if (any(inner, test)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static final SizeStmt.Visitor<List<List<SizeStmt>>> BODIES = new SizeStmt.Visitor<>() {
        public List<List<SizeStmt>> visitIf(SizeStmt.If s) {
            List<List<SizeStmt>> all = new ArrayList<>();
            s.branches().forEach(b -> all.add(b.body()));
            if (s.elseBody() != null) {
                all.add(s.elseBody());
            }
            return all;
        }

        public List<List<SizeStmt>> visitFor(SizeStmt.For s) {
            return List.of(s.body());
        }

        public List<List<SizeStmt>> visitWhile(SizeStmt.While s) {
            return List.of(s.body());
        }

        public List<List<SizeStmt>> visitAlloc(SizeStmt.Alloc s) {
            return List.of();
        }

        public List<List<SizeStmt>> visitBefore(SizeStmt.Before s) {
            return List.of();
        }

        public List<List<SizeStmt>> visitReshape(SizeStmt.Reshape s) {
            return List.of();
        }

        public List<List<SizeStmt>> visitDrop(SizeStmt.Drop s) {
            return List.of();
        }

        public List<List<SizeStmt>> visitScopeEnd(SizeStmt.ScopeEnd s) {
            return List.of();
        }

        public List<List<SizeStmt>> visitReset(SizeStmt.Reset s) {
            return List.of();
        }

        public List<List<SizeStmt>> visitBreak(SizeStmt.Break s) {
            return List.of();
        }

        public List<List<SizeStmt>> visitContinue(SizeStmt.Continue s) {
            return List.of();
        }

        public List<List<SizeStmt>> visitTensorOp(SizeStmt.TensorOp s) {
            return List.of();
        }

        public List<List<SizeStmt>> visitLet(SizeStmt.Let s) {
            return List.of();
        }

        public List<List<SizeStmt>> visitCall(SizeStmt.Call s) {
            return List.of(); // the function's body is the function's, not the call's
        }

        public List<List<SizeStmt>> visitReturn(SizeStmt.Return s) {
            return List.of();
        }

        public List<List<SizeStmt>> visitAlias(SizeStmt.Alias s) {
            return List.of();
        }

        public List<List<SizeStmt>> visitOpaque(SizeStmt.Opaque s) {
            return List.of();
        }

        public List<List<SizeStmt>> visitUse(SizeStmt.Use s) {
            return List.of();
        }
    };

    /** True for statements that change a buffer's level (directly or inside). */
    static boolean changesSizes(SizeStmt s) {
        return s.accept(CHANGES_SIZES);
    }

    private static boolean anyChangesSizes(SizeStmt s) {
        return bodies(s).stream().anyMatch(b -> b.stream().anyMatch(SizeStmts::changesSizes));
    }

    private static final SizeStmt.Visitor<Boolean> CHANGES_SIZES = new SizeStmt.Visitor<>() {
        public Boolean visitAlloc(SizeStmt.Alloc s) {
            return true;
        }

        public Boolean visitBefore(SizeStmt.Before s) {
            return false;
        }

        public Boolean visitReshape(SizeStmt.Reshape s) {
            return true;
        }

        public Boolean visitDrop(SizeStmt.Drop s) {
            return true;
        }

        public Boolean visitScopeEnd(SizeStmt.ScopeEnd s) {
            return true;
        }

        public Boolean visitReset(SizeStmt.Reset s) {
            return true;
        }

        public Boolean visitCall(SizeStmt.Call s) {
            return true;
        }

        public Boolean visitIf(SizeStmt.If s) {
            return anyChangesSizes(s);
        }

        public Boolean visitFor(SizeStmt.For s) {
            return anyChangesSizes(s);
        }

        public Boolean visitWhile(SizeStmt.While s) {
            return anyChangesSizes(s);
        }

        public Boolean visitBreak(SizeStmt.Break s) {
            return false;
        }

        public Boolean visitContinue(SizeStmt.Continue s) {
            return false;
        }

        public Boolean visitTensorOp(SizeStmt.TensorOp s) {
            return false; // a := is translated with an Alloc of its own
        }

        public Boolean visitLet(SizeStmt.Let s) {
            return false;
        }

        public Boolean visitReturn(SizeStmt.Return s) {
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
    };

    /** Whether the statements (or the user functions they call) hold an @tensor. */
    static boolean contracts(List<SizeStmt> body, Map<String, SizingFunction.PseudoFunction> functions,
            Set<String> seen) {
        return any(body, s -> s instanceof SizeStmt.TensorOp
                || s instanceof SizeStmt.Call c && seen.add(c.function()) && functions.containsKey(c.function())
                        && contracts(functions.get(c.function()).body(), functions, seen));
    }

    /**
     * Statements whose runs usage does not follow (a loop's body around no allocation, the branches
     * of a condition it cannot know that change no size), as the sizing function keeps them: what
     * they read (for the checks), their contractions (the workspace is the largest one, however often
     * it runs), and every name they assign as a value usage cannot know ({@code s = s + 1} in a while
     * loop: the value before the statements is not the value after them).
     */
    static void unknowable(List<SizeStmt> body, List<SizeStmt> out) {
        for (SizeStmt s : body) {
            if (s instanceof SizeStmt.Use || s instanceof SizeStmt.TensorOp || s instanceof SizeStmt.Opaque
                    || s instanceof SizeStmt.Alias) {
                out.add(s);
            } else if (s instanceof SizeStmt.Let l) {
                out.add(new SizeStmt.Opaque(l.pos(), l.name(), false));
            } else if (s instanceof SizeStmt.For f) {
                out.add(new SizeStmt.Opaque(f.pos(), f.var(), false, false, true));
            } else if (s instanceof SizeStmt.Call c) {
                c.targets().forEach(t -> out.add(new SizeStmt.Opaque(c.pos(), t, false)));
            }
            for (List<SizeStmt> inner : bodies(s)) {
                unknowable(inner, out);
            }
        }
    }

    /**
     * Whether usage must follow a loop with this body iteration by iteration: it changes sizes, or it
     * may return (the statements after it in the function run or not); else see {@link #unfollowed}.
     */
    static boolean mustFollow(List<SizeStmt> body) {
        return body.stream().anyMatch(SizeStmts::changesSizes) || any(body, s -> s instanceof SizeStmt.Return);
    }

    /** A loop whose iterations usage does not follow ({@link #unknowable}), with its variable if it has one. */
    static List<SizeStmt> unfollowed(Pos pos, String var, List<SizeStmt> body) {
        List<SizeStmt> out = new ArrayList<>();
        unknowable(body, out);
        if (var != null) {
            out.add(new SizeStmt.Opaque(pos, var, false, false, true));
        }
        return out;
    }

    /**
     * Whether which of these alternatives runs decides no size, so that a condition usage cannot know
     * may choose between them ({@link #unknowable}): none allocates, contracts, calls a function that
     * sizes, or leaves a function (return) or, unless {@code mayLeaveLoop}, a loop or an iteration
     * (break, continue).
     */
    static boolean decideNoSize(List<List<SizeStmt>> alternatives, boolean mayLeaveLoop) {
        return alternatives.stream().noneMatch(body -> body.stream().anyMatch(SizeStmts::changesSizes)
                || any(body, s -> s instanceof SizeStmt.TensorOp || s instanceof SizeStmt.Return
                        || !mayLeaveLoop && (s instanceof SizeStmt.Break || s instanceof SizeStmt.Continue)));
    }

    /** The names a statement assigns unconditionally (several for {@code A, W = f(...)}), or none. */
    static List<String> targets(SizeStmt s) {
        String one = s.accept(TARGET);
        return s instanceof SizeStmt.Call c ? c.targets() : one == null ? List.of() : List.of(one);
    }

    /** The one name a statement assigns, for all but a call (whose names {@link #targets} gives). */
    private static final SizeStmt.Visitor<String> TARGET = new SizeStmt.Visitor<>() {
        public String visitAlloc(SizeStmt.Alloc s) {
            return s.target();
        }

        public String visitBefore(SizeStmt.Before s) {
            return s.target();
        }

        public String visitReshape(SizeStmt.Reshape s) {
            return s.target();
        }

        public String visitLet(SizeStmt.Let s) {
            return s.name();
        }

        public String visitAlias(SizeStmt.Alias s) {
            return s.name();
        }

        public String visitOpaque(SizeStmt.Opaque s) {
            return s.loopVariable() ? null : s.name(); // a loop's variable: only when none had a value before
        }

        public String visitTensorOp(SizeStmt.TensorOp s) {
            return s.define() ? s.output() : null;
        }

        public String visitDrop(SizeStmt.Drop s) {
            return null;
        }

        public String visitScopeEnd(SizeStmt.ScopeEnd s) {
            return null;
        }

        public String visitReset(SizeStmt.Reset s) {
            return null;
        }

        public String visitIf(SizeStmt.If s) {
            return null; // what a branch assigns is conditional
        }

        public String visitFor(SizeStmt.For s) {
            return null; // the loop variable only when the loop runs
        }

        public String visitWhile(SizeStmt.While s) {
            return null;
        }

        public String visitBreak(SizeStmt.Break s) {
            return null;
        }

        public String visitContinue(SizeStmt.Continue s) {
            return null;
        }

        public String visitCall(SizeStmt.Call s) {
            return null; // its targets, a list
        }

        public String visitReturn(SizeStmt.Return s) {
            return null;
        }

        public String visitUse(SizeStmt.Use s) {
            return null;
        }
    };
}
