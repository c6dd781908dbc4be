package io.github.bufdsl.types;

import io.github.bufdsl.ast.AssignedNames;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.resolve.Resolution;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Control flow: conditions, branches (joined where they meet, those that return left out, the path
 * conditions named in errors), for and while loops followed until what they assign settles.
 */
abstract class FlowTypes extends ExprTypes {
    FlowTypes(Resolution resolution, TypeChecker.Options options) {
        super(resolution, options);
    }

    /** Checks statements in order, up to one that leaves (see {@link TypeChecker}). */
    abstract void statements(List<Stmt> body);

    /** Loops nested deeper than this are not iterated to a fixed point: what they assign becomes unknown. */
    static final int MAX_ITERATED_NESTING = 3;
    /** Passes over a loop's body before what it assigns is taken as unknown. */
    static final int MAX_PASSES = 2;

    /** True when the statement just checked returns on every path (what follows it never runs). */
    boolean returned;

    // ------------------------------------------------------------------ names assigned and called

    /** Every name a list of statements assigns, not descending into functions. */
    static void collectAssigned(List<Stmt> body, Set<String> into) {
        AssignedNames.collect(body, true, into::add);
    }


    Type condition(Expr e) {
        Type t = expr(e);
        demand(e, t, Kind.BOOL, "a condition", e.pos(),
                x -> "a condition must be true or false, not " + x);
        return t;
    }

    void ifStatement(Stmt.If s) {
        List<Map<String, Type>> outcomes = new ArrayList<>();
        Map<String, Type> start = env;
        boolean decided = false;
        int mark = path.size();
        List<String> before = new ArrayList<>(); // the earlier conditions, false here
        boolean named = true; // every earlier condition is a free variable's value
        for (Stmt.Branch b : s.branches()) {
            env = start;
            Type c = condition(b.condition());
            String[] says = pathCondition(b.condition());
            if (c instanceof Type.BoolT bt && bt.value() != null) {
                if (!bt.value()) {
                    continue; // never taken
                }
                env = new HashMap<>(start);
                onPath(named, before, null);
                returned = false;
                statements(b.body());
                truncate(mark);
                if (!returned) {
                    outcomes.add(env);
                }
                decided = true;
                break;
            }
            env = new HashMap<>(start);
            onPath(named, before, says == null ? null : says[0]);
            returned = false;
            statements(b.body());
            truncate(mark);
            if (!returned) {
                outcomes.add(env); // a branch that returns does not reach what follows
            }
            named &= says != null;
            if (says != null) {
                before.add(says[1]);
            }
        }
        if (!decided) {
            env = new HashMap<>(start);
            returned = false;
            if (s.elseBody() != null) {
                onPath(named, before, null);
                statements(s.elseBody());
                truncate(mark);
            }
            if (!returned) {
                outcomes.add(env);
            }
        }
        returned = outcomes.isEmpty(); // every way through returns
        if (returned) {
            env = new HashMap<>(start);
            return;
        }
        Map<String, Type> joined = outcomes.get(0);
        for (int i = 1; i < outcomes.size(); i++) {
            joined = join(joined, outcomes.get(i));
        }
        env = joined;
    }


    void onPath(boolean named, List<String> before, String now) {
        if (named) {
            path.addAll(before);
            if (now != null) {
                path.add(now);
            }
        }
    }

    void truncate(int size) {
        while (path.size() > size) {
            path.remove(path.size() - 1);
        }
    }

    /** For a condition that is an unbound free variable (or its negation): what true and false say. */
    String[] pathCondition(Expr c) {
        boolean not = false;
        if (c instanceof Expr.Unary u && u.op() == Expr.UnOp.NOT) {
            c = u.operand();
            not = true;
        }
        String free = freeName(c);
        if (free == null || bound.containsKey(free)) {
            return null;
        }
        return not ? new String[] {free + " is false", free + " is true"}
                : new String[] {free + " is true", free + " is false"};
    }

    static Map<String, Type> join(Map<String, Type> a, Map<String, Type> b) {
        Map<String, Type> out = new HashMap<>(a);
        for (Map.Entry<String, Type> e : b.entrySet()) {
            out.put(e.getKey(), Type.join(a.get(e.getKey()), e.getValue()));
        }
        return out;
    }

    void forLoop(Stmt.For s) {
        Type it = expr(s.iterable());
        Type var;
        if (s.threaded()) {
            if (!(it instanceof Type.RangeT || it instanceof Type.Unknown)) {
                error(s.iterable().pos(), "a Threads.@threads loop runs over a range (1:n), not " + describe(s.iterable(), it));
            }
            var = new Type.IntT(null);
        } else if (it instanceof Type.RangeT) {
            var = new Type.IntT(null);
        } else if (it instanceof Type.TupleT t) {
            Type joined = null;
            if (t.items() != null) {
                for (Type item : t.items()) {
                    joined = Type.join(joined, item);
                }
            }
            var = joined == null ? Type.UNKNOWN : joined;
        } else if (it instanceof Type.TensorT) {
            var = Type.FloatT.of(null); // an element: a Float64, or a Float32 of a Float32 buffer
        } else if (it instanceof Type.Unknown) {
            var = Type.UNKNOWN;
        } else {
            error(s.iterable().pos(), "cannot loop over " + describe(s.iterable(), it)
                    + "; loop over a range (1:n), a tuple or a tensor");
            var = Type.UNKNOWN;
        }
        if (it instanceof Type.RangeT r && r.knownEmpty()) {
            return; // the body never runs
        }
        if (it instanceof Type.TupleT t && t.items() != null && t.items().isEmpty()) {
            return;
        }
        if (s.threaded()) {
            // each iteration has variables of its own; outer ones are read, not replaced
            Map<String, Type> outer = env;
            env = new HashMap<>(outer);
            Set<String> own = new HashSet<>();
            collectAssigned(s.body(), own);
            // buffers made before the loop, and tensors in them, are shared by its iterations
            outer.forEach((name, t) -> env.put(name, madeBefore(name, t)));
            own.forEach(v -> env.put(v, Type.UNKNOWN));
            env.put(s.var(), var);
            loopNesting++;
            io.github.bufdsl.diag.Pos savedLoop = threadedAt;
            threadedAt = s.pos();
            try {
                statements(s.body());
            } finally {
                threadedAt = savedLoop;
            }
            returned = false; // a loop may end without running its return
            loopNesting--;
            env = outer;
            return;
        }
        Type loopVar = var;
        loop(s.body(), Set.of(s.var()), () -> env.put(s.var(), loopVar));
    }

    /**
     * The type of variable {@code name} inside a Threads.@threads loop made after its value: a Buffer
     * shared by the iterations, or a tensor in one (whose := would take from it; exec/ThreadRules).
     */
    static Type madeBefore(String name, Type t) {
        if (t instanceof Type.BufferT b && b.shared() == null) {
            return new Type.BufferT(b.elementBytes(), b.own(), name);
        }
        if (t instanceof Type.TensorT x && x.home() != null && !x.home().shared()) {
            return new Type.TensorT(x.dims(), new Type.Home(x.home().buffer(), true));
        }
        return t;
    }

    /**
     * A loop: the body runs from a state where what it assigns has the types that settle after
     * some passes (silently), then once more reporting; after it, any number of passes may have run.
     */
    void loop(List<Stmt> body, Set<String> alsoAssigned, Runnable head) {
        Set<String> assigned = new HashSet<>(alsoAssigned);
        collectAssigned(body, assigned);
        if (locals != null) {
            assigned.retainAll(locals);
        }
        if (loopNesting < MAX_ITERATED_NESTING && work < workBudget) {
            boolean wasSilent = silent;
            silent = true;
            for (String v : assigned) {
                Type t = env.get(v);
                if (t != null) {
                    env.put(v, Type.widen(t));
                }
            }
            boolean stable = false;
            loopNesting++;
            for (int pass = 0; pass < MAX_PASSES && !stable; pass++) {
                Map<String, Type> headState = new HashMap<>(env);
                head.run();
                statements(body);
                returned = false; // a loop may end without running its return
                Map<String, Type> joined = join(headState, env);
                stable = joined.equals(headState);
                env = joined;
            }
            loopNesting--;
            silent = wasSilent;
            if (!stable) {
                assigned.forEach(v -> env.put(v, Type.UNKNOWN));
            }
        } else {
            assigned.forEach(v -> env.put(v, Type.UNKNOWN));
        }
        Map<String, Type> headState = new HashMap<>(env);
        loopNesting++;
        head.run();
        statements(body);
        returned = false; // a loop may end without running its return
        loopNesting--;
        env = join(headState, env);
    }

}
