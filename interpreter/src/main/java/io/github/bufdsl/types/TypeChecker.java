package io.github.bufdsl.types;

import io.github.bufdsl.ast.AssignOp;
import io.github.bufdsl.ast.AssignedNames;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.ExprPrinter;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.ast.TensorExpr;
import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.resolve.Resolution;
import io.github.bufdsl.resolve.Suggestions;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.BufferRules;
import io.github.bufdsl.runtime.TensorRules;
import io.github.bufdsl.types.Type.Dim;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The static types and shapes of a program, inferred after name resolution and before anything
 * runs: every variable's type at every statement (flow-sensitive: a variable may hold an Int, then
 * a tensor), tensors with their rank and dimensions (numbers where constant, free variables by
 * name), scalars with their value where it is a constant. It reports what must fail when the
 * statement runs: a builtin's argument of the wrong type, a wrong number of indices, a constant
 * index or slice bound outside a known dimension, sizes past the largest buffer, a free variable
 * used as something {@code --var} cannot give.
 *
 * <p>It never reports what it is unsure of: a value it cannot type is {@link Type#UNKNOWN} and
 * passes every check. Branches on constant conditions that are false are not followed; the others
 * all are (an error on a path some values of the free variables take is an error). Loops are
 * followed until the types of what they assign settle (constants widened away), functions with
 * their parameters unknown.
 */
public final class TypeChecker {
    /**
     * What the inference knows before it starts: the values bound to free variables (Boolean,
     * Long, Double, String, a runtime Buffer or Tensor), and whether only {@code --var} can bind
     * them (the command line), so that a free variable used as a buffer or a tensor is an error;
     * for a run, what its buffers may take in all ({@code --max-memory}), else 0.
     */
    public record Options(Map<String, ?> bindings, boolean commandLine, long maxMemoryBytes) {
        public static final Options NONE = new Options(Map.of(), false);

        /** Without a memory limit (check, usage): only the largest buffer bounds sizes. */
        public Options(Map<String, ?> bindings, boolean commandLine) {
            this(bindings, commandLine, 0);
        }
    }

    /** Loops nested deeper than this are not iterated to a fixed point: what they assign becomes unknown. */
    private static final int MAX_ITERATED_NESTING = 3;
    /** Passes over a loop's body before what it assigns is taken as unknown. */
    private static final int MAX_PASSES = 2;

    private final Resolution resolution;
    private final Options options;
    private final Map<String, Type> bound = new HashMap<>();
    private final Set<String> globals = new HashSet<>();
    /** User functions called on some path, in the order found: their bodies are checked. */
    private final Set<String> called = new java.util.LinkedHashSet<>();
    private final Map<String, Diagnostic> errors = new LinkedHashMap<>();
    private final Map<String, List<Use>> uses = new LinkedHashMap<>();
    /** The causes of the errors reported (see {@link #error(Pos, String, String)}). */
    private final Set<String> causes = new HashSet<>();
    private Map<String, Type> env = new HashMap<>();
    private Set<String> locals; // null at the top level
    private boolean silent;
    private int loopNesting;
    private long work;
    private final long workBudget;

    /** A use of a free variable: what it demands there. */
    private record Use(Kind kind, Pos pos, String what) {
    }

    private TypeChecker(Resolution resolution, Options options) {
        this.resolution = resolution;
        this.options = options;
        options.bindings().forEach((k, v) -> bound.put(k, ofJava(v)));
        collectAssigned(resolution.program().body(), globals);
        this.workBudget = 50L * resolution.program().body().size() + 200_000;
    }

    /** Infers the types of a resolved program under the given bindings. */
    public static TypeInfo infer(Resolution resolution, Options options) {
        TypeChecker c = new TypeChecker(resolution, options);
        c.statements(resolution.program().body());
        Set<String> checked = new HashSet<>();
        boolean more = true;
        while (more) {
            more = false;
            for (String name : List.copyOf(c.called)) {
                if (checked.add(name)) {
                    c.function(resolution.functions().get(name));
                    more = true;
                }
            }
        }
        List<Diagnostic> errors = new ArrayList<>(c.errors.values());
        errors.sort((a, b) -> a.pos().line() != b.pos().line() ? Integer.compare(a.pos().line(), b.pos().line())
                : Integer.compare(a.pos().column(), b.pos().column()));
        return new TypeInfo(List.copyOf(errors), c.freeVariableTypes());
    }

    /** The type of a binding's Java value. */
    static Type ofJava(Object v) {
        if (v instanceof Boolean b) {
            return new Type.BoolT(b);
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return new Type.IntT(((Number) v).longValue());
        }
        if (v instanceof Double || v instanceof Float) {
            return new Type.FloatT(((Number) v).doubleValue());
        }
        if (v instanceof String s) {
            return new Type.StrT(s);
        }
        if (v instanceof Buffer b) {
            return new Type.BufferT(b.elementBytes(), false);
        }
        if (v instanceof io.github.bufdsl.runtime.Tensor t) {
            List<Dim> dims = new ArrayList<>();
            for (int d : t.dims()) {
                dims.add(Dim.of(d));
            }
            return new Type.TensorT(List.copyOf(dims));
        }
        return Type.UNKNOWN;
    }

    // ------------------------------------------------------------------ diagnostics and free variables

    private void error(Pos pos, String message) {
        error(pos, message, null);
    }

    /**
     * An error; {@code cause} names its cause (a variable holding a value of the wrong type, used
     * as something it cannot be): a later error from the same cause is left out.
     */
    private void error(Pos pos, String message, String cause) {
        if (cause != null && !silent && !causes.add(cause)) {
            return; // reported where the cause first showed
        }
        if (!path.isEmpty()) {
            message = "when " + String.join(" and ", new java.util.LinkedHashSet<>(path)) + ": " + message;
        }
        if (!silent) {
            errors.putIfAbsent(pos.line() + ":" + pos.column() + ":" + message, Diagnostic.error(pos, message));
        }
    }

    /** The free variable an expression names, or null. */
    private String freeName(Expr e) {
        if (e instanceof Expr.Name n && resolution.freeVariables().containsKey(n.name())
                && (locals == null || !locals.contains(n.name()))) {
            return n.name();
        }
        return null;
    }

    /**
     * Checks that a value of type {@code t} (of expression {@code e}) can be used as {@code kind};
     * records the demand on a free variable. {@code message} makes the error from the type.
     */
    private boolean demand(Expr e, Type t, Kind kind, String what, Pos pos,
            java.util.function.Function<String, String> message) {
        if (!use(e, kind, what)) {
            return false;
        }
        if (!kind.admits(t)) {
            // a variable of the wrong type is one mistake, however often it is used so
            String cause = e instanceof Expr.Name n && freeName(e) == null ? "variable " + n.name() + ": " + t
                    : null;
            error(pos, message.apply(describe(e, t)), cause);
            return false;
        }
        return true;
    }

    /** How a message names the value of {@code e}: "Int64 3", "the buffer buf". */
    private static String describe(Expr e, Type t) {
        if (e instanceof Expr.Name n && t instanceof Type.BufferT) {
            return "the buffer " + n.name();
        }
        if (e instanceof Expr.Name n && t instanceof Type.ThreadsBufferT) {
            return "the ThreadsBuffer " + n.name();
        }
        return t.describe();
    }

    /**
     * Records what a use demands of a free variable; false when it is one {@code --var} cannot give
     * (reported on the command line).
     */
    private boolean use(Expr e, Kind kind, String what) {
        String free = freeName(e);
        if (free == null || kind == Kind.ANY) {
            return true;
        }
        uses.computeIfAbsent(free, k -> new ArrayList<>()).add(new Use(kind, e.pos(), what));
        if (options.commandLine() && !kind.givenByVar() && !bound.containsKey(free)) {
            Set<String> names = new TreeSet<>(globals);
            names.addAll(resolution.functions().keySet());
            error(e.pos(), free + " is not defined; it is used as " + kind.words() + " here, which --var cannot give"
                    + hint(free, names), "undefined " + free);
            return false;
        }
        return true;
    }

    /** "; did you mean `buf`?" for a near name, counting two swapped letters ({@code bfu}) as near. */
    private static String hint(String name, Set<String> names) {
        String h = Suggestions.hint(name, names);
        if (!h.isEmpty()) {
            return h;
        }
        for (String c : names) {
            if (c.length() == name.length() && c.length() > 1) {
                int first = -1;
                int diffs = 0;
                for (int i = 0; i < c.length() && diffs <= 2; i++) {
                    if (c.charAt(i) != name.charAt(i)) {
                        first = diffs == 0 ? i : first;
                        diffs++;
                    }
                }
                if (diffs == 2 && first + 1 < c.length() && c.charAt(first) == name.charAt(first + 1)
                        && c.charAt(first + 1) == name.charAt(first)) {
                    return "; did you mean `" + c + "`?";
                }
            }
        }
        return "";
    }

    private Map<String, TypeInfo.FreeVariable> freeVariableTypes() {
        Map<String, TypeInfo.FreeVariable> out = new LinkedHashMap<>();
        for (Map.Entry<String, Pos> f : resolution.freeVariables().entrySet()) {
            String name = f.getKey();
            List<Use> list = uses.getOrDefault(name, List.of());
            Use chosen = null;
            String type = "Any";
            for (Use u : list) {
                if (!u.kind().givenByVar()) {
                    chosen = u;
                    type = u.kind().typeName();
                    break;
                }
            }
            if (chosen == null) {
                Use bool = null;
                Use integer = null;
                Use number = null;
                for (Use u : list) {
                    if (u.kind() == Kind.BOOL && bool == null) {
                        bool = u;
                    } else if (u.kind() == Kind.INT && integer == null) {
                        integer = u;
                    } else if ((u.kind() == Kind.NUMBER || u.kind() == Kind.INDEX) && number == null) {
                        number = u;
                    }
                }
                if (bool != null && integer != null) {
                    chosen = null; // used both ways: leave it to the run
                } else if (bool != null) {
                    chosen = bool;
                    type = "Bool";
                } else if (integer != null) {
                    chosen = integer;
                    type = "Int";
                } else if (number != null) {
                    chosen = number;
                    type = "Number";
                }
            }
            out.put(name, new TypeInfo.FreeVariable(name, type, chosen == null ? f.getValue() : chosen.pos(),
                    chosen == null ? null : chosen.what()));
        }
        return out;
    }

    // ------------------------------------------------------------------ names assigned and called

    /** Every name a list of statements assigns, not descending into functions. */
    static void collectAssigned(List<Stmt> body, Set<String> into) {
        AssignedNames.collect(body, true, into::add);
    }

    // ------------------------------------------------------------------ statements

    private void statements(List<Stmt> body) {
        for (Stmt s : body) {
            work++;
            statement(s);
            if (returned || s instanceof Stmt.Break || s instanceof Stmt.Continue) {
                return; // what follows never runs
            }
        }
    }

    /** A function's body, reported on, with its parameters of any type. */
    private void function(Stmt.Function f) {
        List<Type> any = f.params().stream().map(p -> (Type) Type.UNKNOWN).toList();
        inside(f, any, () -> statements(f.body()));
    }

    /** Runs {@code body} in the scope of a call of {@code f} with arguments of these types. */
    private void inside(Stmt.Function f, List<Type> args, Runnable body) {
        Map<String, Type> savedEnv = env;
        Set<String> savedLocals = locals;
        int savedNesting = loopNesting;
        boolean savedReturned = returned;
        boolean savedElementwise = elementwise;
        int mark = path.size();
        env = new HashMap<>();
        locals = new HashSet<>();
        for (int i = 0; i < f.params().size(); i++) {
            locals.add(f.params().get(i).name());
            env.put(f.params().get(i).name(), i < args.size() ? args.get(i) : Type.UNKNOWN);
        }
        collectAssigned(f.body(), locals);
        loopNesting = 0;
        returned = false;
        elementwise = false;
        try {
            body.run();
        } finally {
            env = savedEnv;
            locals = savedLocals;
            loopNesting = savedNesting;
            returned = savedReturned;
            elementwise = savedElementwise;
            truncate(mark);
        }
    }

    /** The functions whose return type is being inferred, innermost last: a call of one of them is recursion. */
    private final List<String> inferring = new ArrayList<>();
    /** The types of the return statements met while a return type is inferred (null otherwise). */
    private List<Type> returns;
    /** True when the statement just checked returns on every path (what follows it never runs). */
    private boolean returned;
    private final Map<String, Type> returnTypes = new HashMap<>();
    /** Calls inferred inside one another at most this deep; deeper ones return an unknown value. */
    private static final int MAX_CALL_DEPTH = 8;

    /**
     * The type of what a call of {@code f} with arguments of these types returns: its body checked
     * silently with its parameters of those types, the join of its return statements (and
     * {@code nothing} where it ends without one, as the run returns). A recursive call returns an
     * unknown value, so a recursive function's type is what its other returns agree on, never an error.
     */
    private Type returnType(Stmt.Function f, List<Type> args) {
        if (f == null || inferring.contains(f.name()) || inferring.size() >= MAX_CALL_DEPTH || work > workBudget
                || args.size() != f.params().size()) {
            return Type.UNKNOWN;
        }
        String key = f.name() + args;
        Type known = returnTypes.get(key);
        if (known != null) {
            return known;
        }
        boolean wasSilent = silent;
        List<Type> savedReturns = returns;
        silent = true;
        returns = new ArrayList<>();
        inferring.add(f.name());
        Type result = null;
        try {
            List<Type> found = returns;
            boolean[] fallsOff = new boolean[1];
            inside(f, args, () -> {
                statements(f.body());
                fallsOff[0] = !returned;
            });
            for (Type t : found) {
                result = Type.join(result, t);
            }
            if (fallsOff[0]) {
                result = Type.join(result, new Type.NothingT());
            }
        } finally {
            inferring.remove(inferring.size() - 1);
            silent = wasSilent;
            returns = savedReturns;
        }
        result = result == null ? Type.UNKNOWN : result;
        returnTypes.put(key, result);
        return result;
    }

    private void statement(Stmt s) {
        s.accept(statements);
    }

    private final Stmt.Visitor<Void> statements = new Stmt.Visitor<Void>() {
            public Void visitExpr(Stmt.ExprStmt s) {
                expr(s.expr());
                return null;
            }

            public Void visitAssign(Stmt.Assign s) {
                assign(s);
                return null;
            }

            public Void visitIf(Stmt.If s) {
                ifStatement(s);
                return null;
            }

            public Void visitFor(Stmt.For s) {
                forLoop(s);
                return null;
            }

            public Void visitWhile(Stmt.While s) {
                Type c = condition(s.condition());
                if (c instanceof Type.BoolT b && Boolean.FALSE.equals(b.value())) {
                    return null;
                }
                loop(s.body(), Set.of(), () -> condition(s.condition()));
                return null;
            }

            public Void visitBlock(Stmt.Block s) {
                if (!s.scoped()) {
                    statements(s.body());
                    return null;
                }
                // let: its names are its own; after it, each may be what it was before or what the
                // block left (the scope rules decide), so both
                Map<String, Type> before = new HashMap<>(env);
                statements(s.body());
                Set<String> assigned = new HashSet<>();
                collectAssigned(s.body(), assigned);
                for (String v : assigned) {
                    env.put(v, Type.join(before.get(v), env.get(v)));
                }
                return null;
            }

            public Void visitFunction(Stmt.Function s) {
                return null; // checked after the top level, when called
            }

            public Void visitReturn(Stmt.Return s) {
                Type t = s.value() != null ? expr(s.value()) : new Type.NothingT();
                if (returns != null) {
                    returns.add(t);
                }
                returned = true;
                return null;
            }

            public Void visitBreak(Stmt.Break s) {
                return null;
            }

            public Void visitContinue(Stmt.Continue s) {
                return null;
            }

            public Void visitUsing(Stmt.Using s) {
                return null;
            }

            public Void visitTensor(Stmt.Tensor s) {
                tensor(s);
                return null;
            }

            public Void visitShow(Stmt.Show s) {
                expr(s.expr());
                return null;
            }

            public Void visitPrintBufferUsage(Stmt.PrintBufferUsage s) {
                for (Expr.Name n : s.buffers()) {
                    Type t = expr(n);
                    demand(n, t, Kind.BUFFER, "a buffer of @print_buffer_usage", n.pos(),
                            x -> "@print_buffer_usage: " + n.name() + " is " + x + ", not a buffer");
                }
                statements(s.body());
                return null;
            }

            public Void visitBufferScope(Stmt.BufferScope s) {
                Map<String, Type> before = new HashMap<>();
                for (Stmt.ScopedBuffer b : s.buffers()) {
                    Type len = expr(b.length());
                    demand(b.length(), len, Kind.INT, "the length of a buffer", b.length().pos(),
                            x -> (s.threads() ? "@threadsbuffer " : "@buffer ") + b.name()
                                    + ": the length must be an integer, not " + x);
                    lengthLimit(b.length().pos(), len, () -> (s.threads() ? "@threadsbuffer " : "@buffer ") + b.name());
                    before.put(b.name(), env.get(b.name()));
                    int bytes = b.type() instanceof Expr.Name t && t.name().equals("Float32") ? 4 : 8;
                    if (!s.threads()) {
                        memoryLimit(b.length().pos(), integerValue(len), bytes, () -> "@buffer " + b.name());
                    }
                    env.put(b.name(), s.threads() ? new Type.ThreadsBufferT() : new Type.BufferT(bytes, true));
                }
                statements(s.body());
                for (Stmt.ScopedBuffer b : s.buffers()) {
                    env.put(b.name(), Type.UNKNOWN); // closed at end: using it is the run's error
                }
                return null;
            }
        };

    private Type condition(Expr e) {
        Type t = expr(e);
        demand(e, t, Kind.BOOL, "a condition", e.pos(),
                x -> "a condition must be true or false, not " + x);
        return t;
    }

    private void ifStatement(Stmt.If s) {
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

    /**
     * The conditions that lead to the statement being checked ("small is true"), named in its
     * errors as the path checks name them; only conditions that are a free variable's value.
     */
    private final List<String> path = new ArrayList<>();

    private void onPath(boolean named, List<String> before, String now) {
        if (named) {
            path.addAll(before);
            if (now != null) {
                path.add(now);
            }
        }
    }

    private void truncate(int size) {
        while (path.size() > size) {
            path.remove(path.size() - 1);
        }
    }

    /** For a condition that is an unbound free variable (or its negation): what true and false say. */
    private String[] pathCondition(Expr c) {
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

    private static Map<String, Type> join(Map<String, Type> a, Map<String, Type> b) {
        Map<String, Type> out = new HashMap<>(a);
        for (Map.Entry<String, Type> e : b.entrySet()) {
            out.put(e.getKey(), Type.join(a.get(e.getKey()), e.getValue()));
        }
        return out;
    }

    private void forLoop(Stmt.For s) {
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
        } else if (it instanceof Type.Unknown) {
            var = Type.UNKNOWN;
        } else {
            error(s.iterable().pos(), "cannot loop over " + describe(s.iterable(), it) + "; loop over a range (1:n) or a tuple");
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
            own.forEach(v -> env.put(v, Type.UNKNOWN));
            env.put(s.var(), var);
            loopNesting++;
            statements(s.body());
            returned = false; // a loop may end without running its return
            loopNesting--;
            env = outer;
            return;
        }
        Type loopVar = var;
        loop(s.body(), Set.of(s.var()), () -> env.put(s.var(), loopVar));
    }

    /**
     * A loop: the body runs from a state where what it assigns has the types that settle after
     * some passes (silently), then once more reporting; after it, any number of passes may have run.
     */
    private void loop(List<Stmt> body, Set<String> alsoAssigned, Runnable head) {
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

    // ------------------------------------------------------------------ assignments

    private void assign(Stmt.Assign s) {
        Type value = s.op() == AssignOp.BROADCAST ? elementwise(s.value()) : expr(s.value());
        if (s.targets().size() > 1) {
            List<Type> items = null;
            if (value instanceof Type.TupleT t && t.items() != null) {
                if (t.items().size() != s.targets().size()) {
                    error(s.pos(), "cannot assign " + value.describe() + " to " + s.targets().size()
                            + " variables; the right side must be a tuple of that length");
                } else {
                    items = t.items();
                }
            } else if (!(value instanceof Type.Unknown || value instanceof Type.TupleT)) {
                error(s.pos(), "cannot assign " + value.describe() + " to " + s.targets().size()
                        + " variables; the right side must be a tuple of that length");
            }
            for (int i = 0; i < s.targets().size(); i++) {
                store(s.targets().get(i), items == null ? Type.UNKNOWN : items.get(i));
            }
            return;
        }
        Expr target = s.targets().get(0);
        switch (s.op()) {
            case SET, DEFINE -> store(target, value);
            case BROADCAST -> broadcast(target, value);
            case ADD, SUB, MUL, DIV -> {
                Type old = expr(target);
                Expr.BinOp op = switch (s.op()) {
                    case ADD -> Expr.BinOp.ADD;
                    case SUB -> Expr.BinOp.SUB;
                    case MUL -> Expr.BinOp.MUL;
                    default -> Expr.BinOp.DIV;
                };
                store(target, arithmetic(op, s.pos(), target, old, s.value(), value));
            }
        }
    }

    private void store(Expr target, Type value) {
        if (target instanceof Expr.Name n) {
            env.put(n.name(), value);
            return;
        }
        if (!(target instanceof Expr.Index ix)) {
            return;
        }
        Type holder = expr(ix.target());
        if (holder instanceof Type.RefT) {
            if (!ix.indices().isEmpty()) {
                error(ix.pos(), "a Ref is written with r[] = value");
            }
            ix.indices().forEach(this::expr);
            return;
        }
        if (holder instanceof Type.TensorT t) {
            if (!Kind.NUMBER.admits(value)) {
                error(ix.pos(), "cannot store " + value.describe() + " in a tensor element");
            }
            indexTensor(ix, t);
            return;
        }
        ix.indices().forEach(this::expr);
        if (use(ix.target(), Kind.TENSOR, "an indexed target") && !(holder instanceof Type.Unknown)) {
            error(ix.pos(), "cannot assign into " + describe(ix.target(), holder));
        }
    }

    private void broadcast(Expr target, Type value) {
        Type dst = expr(target);
        if (!demand(target, dst, Kind.TENSOR, "the left of .=", target.pos(),
                x -> "`.=` assigns into a tensor, not " + x)) {
            return;
        }
        if (value instanceof Type.TensorT src && dst instanceof Type.TensorT d && src.allKnown() && d.allKnown()) {
            // Julia's rule: each dimension of the source is the destination's or 1 (missing ones are 1)
            boolean fits = true;
            for (int k = 0; k < Math.max(src.dims().size(), d.dims().size()); k++) {
                long a = k < src.dims().size() ? src.dims().get(k).value() : 1;
                long b = k < d.dims().size() ? d.dims().get(k).value() : 1;
                fits &= a == b || a == 1;
            }
            if (!fits) {
                error(target.pos(), "`.=` needs the right side to fit the size of the left: " + d.shape() + " and "
                        + src.shape());
            }
        } else if (!(value instanceof Type.TensorT || Kind.NUMBER.admits(value))) {
            error(target.pos(), "cannot broadcast " + value.describe() + " into a tensor");
        }
    }

    // ------------------------------------------------------------------ @tensor

    private void tensor(Stmt.Tensor s) {
        TensorExpr.Ref lhs = s.lhs();
        Map<TensorExpr.Ref, Type> operands = new HashMap<>();
        if (s.op() != AssignOp.DEFINE) {
            Type out = expr(lhs.tensor());
            operands.put(lhs, out);
            String free = freeName(lhs.tensor());
            if (free != null && options.commandLine() && !bound.containsKey(free)) {
                // an output never assigned: it is created with :=
                error(lhs.tensor().pos(), io.github.bufdsl.diag.Placement.defineHint(free, lhs.indices()),
                        "undefined " + free);
                return;
            }
            demand(lhs.tensor(), out, Kind.TENSOR, "the output of @tensor", lhs.tensor().pos(),
                    x -> "the left of @tensor must be a tensor, not " + x + "; use := to create a new tensor");
        }
        Map<String, Dim> dims = new HashMap<>();
        tensorRhs(s, s.rhs(), dims, operands);
        if (!indexRules(s, operands)) {
            return;
        }
        if (s.maxIntermediate() != null) {
            expr(s.maxIntermediate());
        }
        if (s.op() == AssignOp.DEFINE && lhs.tensor() instanceof Expr.Name n) {
            List<Dim> out = new ArrayList<>();
            for (String label : lhs.indices()) {
                out.add(dims.getOrDefault(label, Dim.UNKNOWN));
            }
            env.put(n.name(), new Type.TensorT(List.copyOf(out)));
        }
    }

    /**
     * The index rules of {@code @tensor} on each term (the runtime's {@link TensorRules}, with the
     * dimensions that are numbers here), each error at the index it concerns. False when one failed.
     */
    private boolean indexRules(Stmt.Tensor s, Map<TensorExpr.Ref, Type> operands) {
        TensorExpr.Ref lhs = s.lhs();
        String outName = ExprPrinter.print(lhs.tensor());
        Type out = s.op() == AssignOp.DEFINE ? Type.UNKNOWN : operands.getOrDefault(lhs, Type.UNKNOWN);
        TensorRules.Ref outRef = new TensorRules.Ref(outName, lhs.indices(), numbers(out));
        for (List<TensorExpr.Ref> term : terms(s.rhs())) {
            if (term.isEmpty()) {
                continue;
            }
            List<TensorRules.Ref> refs = new ArrayList<>();
            List<io.github.bufdsl.diag.Placement.Operand> places = new ArrayList<>();
            for (TensorExpr.Ref r : term) {
                String name = ExprPrinter.print(r.tensor());
                refs.add(new TensorRules.Ref(name, r.indices(), numbers(operands.getOrDefault(r, Type.UNKNOWN))));
                places.add(new io.github.bufdsl.diag.Placement.Operand(name, r));
            }
            TensorRules.Violation v = TensorRules.term(outRef, refs);
            if (v != null) {
                boolean onOutput = outRef.dims() != null && outRef.dims().length != lhs.indices().size();
                if (onOutput && v instanceof TensorRules.Violation.IndexCount c) { // the rules check the output first
                    error(lhs.pos(), new TensorRules.Violation.IndexCount("the output " + outName, c.rank(), c.labels())
                            .message());
                } else {
                    error(io.github.bufdsl.diag.Placement.tensorIndex(v, new io.github.bufdsl.diag.Placement.Operand(
                            outName, lhs), places, s.pos()), v.message()); // the runtime's rule and words
                }
                return false;
            }
        }
        return true;
    }

    /** A tensor's dimensions for the index rules: numbers, {@link TensorRules#UNKNOWN} elsewhere; null for no rank. */
    private static long[] numbers(Type t) {
        if (!(t instanceof Type.TensorT tt) || tt.dims() == null) {
            return null;
        }
        long[] d = new long[tt.dims().size()];
        for (int k = 0; k < d.length; k++) {
            Long v = tt.dims().get(k).value();
            d[k] = v == null ? TensorRules.UNKNOWN : v;
        }
        return d;
    }

    /** The terms of an @tensor right side, each the list of its indexed factors (scalars left out). */
    private static List<List<TensorExpr.Ref>> terms(TensorExpr e) {
        if (e instanceof TensorExpr.Ref r) {
            return List.of(List.of(r));
        }
        if (e instanceof TensorExpr.Negate n) {
            return terms(n.operand());
        }
        if (e instanceof TensorExpr.Binary b) {
            List<List<TensorExpr.Ref>> l = terms(b.left());
            List<List<TensorExpr.Ref>> r = terms(b.right());
            List<List<TensorExpr.Ref>> out = new ArrayList<>();
            if (b.op() == '+' || b.op() == '-') {
                out.addAll(l);
                out.addAll(r);
            } else {
                for (List<TensorExpr.Ref> x : l) {
                    for (List<TensorExpr.Ref> y : r) {
                        List<TensorExpr.Ref> p = new ArrayList<>(x);
                        p.addAll(y);
                        out.add(p);
                    }
                }
            }
            return out;
        }
        return List.of(List.of()); // a scalar
    }

    private void tensorRhs(Stmt.Tensor s, TensorExpr e, Map<String, Dim> dims, Map<TensorExpr.Ref, Type> operands) {
        if (e instanceof TensorExpr.Ref r) {
            Type t = expr(r.tensor());
            if (demand(r.tensor(), t, Kind.TENSOR, "an operand of @tensor", r.pos(),
                    x -> "an indexed operand of @tensor must be a tensor, not " + x)) {
                operands.put(r, t);
                if (t instanceof Type.TensorT tt && tt.dims() != null && tt.dims().size() == r.indices().size()) {
                    for (int k = 0; k < r.indices().size(); k++) {
                        dims.putIfAbsent(r.indices().get(k), tt.dims().get(k));
                    }
                }
            }
        } else if (e instanceof TensorExpr.Scalar sc) {
            Type t = expr(sc.value());
            demand(sc.value(), t, Kind.NUMBER, "a factor of @tensor", sc.pos(),
                    x -> "a factor of @tensor without indices must be a number, not " + x);
        } else if (e instanceof TensorExpr.Binary b) {
            tensorRhs(s, b.left(), dims, operands);
            tensorRhs(s, b.right(), dims, operands);
        } else if (e instanceof TensorExpr.Negate n) {
            tensorRhs(s, n.operand(), dims, operands);
        }
    }

    // ------------------------------------------------------------------ expressions

    private Type read(Expr.Name n) {
        String name = n.name();
        if (locals != null && locals.contains(name)) {
            return env.getOrDefault(name, Type.UNKNOWN);
        }
        if (resolution.freeVariables().containsKey(name)) {
            return bound.containsKey(name) ? bound.get(name) : new Type.Unknown(Sym.variable(name), false);
        }
        if (globals.contains(name)) {
            return locals != null ? Type.UNKNOWN : env.getOrDefault(name, Type.UNKNOWN);
        }
        return switch (name) {
            case "nothing" -> new Type.NothingT();
            case "pi" -> new Type.FloatT(Math.PI);
            case "Inf" -> new Type.FloatT(Double.POSITIVE_INFINITY);
            case "NaN" -> new Type.FloatT(Double.NaN);
            case "Float64", "Float32" -> new Type.TypeT(name);
            default -> resolution.functions().containsKey(name) ? new Type.FunctionT(name) : Type.UNKNOWN;
        };
    }

    /**
     * True while the operands of an elementwise expression are read (the right of {@code .=}, the
     * arguments of {@code .+} or {@code f.(x)}): there {@code +}, {@code *}, ... and unary minus
     * apply to tensors element by element, as the run's broadcast does.
     */
    private boolean elementwise;

    private static boolean isElementwise(Expr e) {
        return e instanceof Expr.Broadcast || (e instanceof Expr.Unary u && u.op() == Expr.UnOp.NEG)
                || (e instanceof Expr.Binary b && switch (b.op()) {
                    case ADD, SUB, MUL, DIV, REM, POW -> true;
                    case EQ, NE, LT, LE, GT, GE -> false;
                });
    }

    /** The type of an expression read elementwise (see {@link #elementwise}). */
    private Type elementwise(Expr e) {
        boolean saved = elementwise;
        elementwise = true;
        try {
            return expr(e);
        } finally {
            elementwise = saved;
        }
    }

    private Type expr(Expr e) {
        if (elementwise && !isElementwise(e)) {
            elementwise = false;
            try {
                return typeOf(e);
            } finally {
                elementwise = true;
            }
        }
        return typeOf(e);
    }

    private Type typeOf(Expr e) {
        return e.accept(types);
    }

    private final Expr.Visitor<Type> types = new Expr.Visitor<Type>() {
            public Type visitInt(Expr.IntLit e) {
                return new Type.IntT(e.value());
            }

            public Type visitFloat(Expr.FloatLit e) {
                return new Type.FloatT(e.value());
            }

            public Type visitString(Expr.StrLit e) {
                return new Type.StrT(e.value());
            }

            public Type visitBool(Expr.BoolLit e) {
                return new Type.BoolT(e.value());
            }

            public Type visitName(Expr.Name e) {
                return read(e);
            }

            public Type visitCall(Expr.Call e) {
                return call(e);
            }

            public Type visitParametric(Expr.Parametric e) {
                return Type.UNKNOWN;
            }

            public Type visitIndex(Expr.Index e) {
                return index(e);
            }

            public Type visitColon(Expr.Colon e) {
                return Type.UNKNOWN;
            }

            public Type visitField(Expr.Field e) {
                return Type.UNKNOWN;
            }

            public Type visitBinary(Expr.Binary e) {
                Type l = expr(e.left());
                Type r = expr(e.right());
                if (elementwise && (l instanceof Type.TensorT || r instanceof Type.TensorT)) {
                    return Type.UNKNOWN; // element by element; the run checks the shapes
                }
                return binary(e, l, r);
            }

            public Type visitLogical(Expr.Logical e) {
                Type l = condition(e.left());
                Type r = condition(e.right());
                if (l instanceof Type.BoolT a && a.value() != null && a.value() != e.isAnd()) {
                    return a; // false && x, true || x
                }
                if (l instanceof Type.BoolT a && a.value() != null && r instanceof Type.BoolT b) {
                    return b;
                }
                return new Type.BoolT(null);
            }

            public Type visitUnary(Expr.Unary e) {
                Type t = expr(e.operand());
                if (elementwise && t instanceof Type.TensorT) {
                    return Type.UNKNOWN;
                }
                return switch (e.op()) {
                    case NOT -> {
                        if (!demand(e.operand(), t, Kind.BOOL, "the operand of !", e.pos(),
                                x -> "! needs true or false, not " + x)) {
                            yield Type.ERROR;
                        }
                        yield t instanceof Type.BoolT b && b.value() != null ? new Type.BoolT(!b.value())
                                : new Type.BoolT(null);
                    }
                    case NEG -> {
                        if (!demand(e.operand(), t, Kind.NUMBER, "an operand of -", e.pos(),
                                x -> "cannot negate " + x)) {
                            yield Type.ERROR;
                        }
                        yield t instanceof Type.IntT i ? (i.value() == null ? Type.IntT.of(Sym.negate(i.poly()))
                                : new Type.IntT(i.value() == Long.MIN_VALUE ? null : -i.value()))
                                : t instanceof Type.FloatT f ? new Type.FloatT(f.value() == null ? null : -f.value())
                                : t instanceof Type.Unknown u && u.sym() != null ? new Type.Unknown(Sym.negate(u.sym()), false)
                                : t instanceof Type.Unknown u && u.error() ? t
                                : Type.UNKNOWN;
                    }
                    case PLUS -> {
                        demand(e.operand(), t, Kind.NUMBER, "an operand of +", e.pos(),
                                x -> "unary + needs a number, not " + x);
                        yield t;
                    }
                };
            }

            public Type visitRange(Expr.Range e) {
                Type ta = bound(e.start());
                Long d = e.step() == null ? Long.valueOf(1) : integerValue(bound(e.step()));
                Type tb = bound(e.stop());
                return new Type.RangeT(integerValue(ta), d, integerValue(tb), symOrValue(ta), symOrValue(tb));
            }

            public Type visitTuple(Expr.Tuple e) {
                List<Type> items = new ArrayList<>();
                for (Expr x : e.items()) {
                    items.add(expr(x));
                }
                return new Type.TupleT(List.copyOf(items));
            }

            public Type visitBroadcast(Expr.Broadcast e) {
                for (Expr x : e.args()) {
                    elementwise(x);
                }
                return Type.UNKNOWN; // elementwise into the destination of .=, or a number
            }

            public Type visitTernary(Expr.Ternary e) {
                Type c = condition(e.condition());
                if (c instanceof Type.BoolT b && b.value() != null) {
                    return expr(b.value() ? e.ifTrue() : e.ifFalse());
                }
                return Type.join(expr(e.ifTrue()), expr(e.ifFalse()));
            }
        };

    /** A range bound or step: an integer (or a whole Float64). */
    private Type bound(Expr e) {
        Type t = expr(e);
        demand(e, t, Kind.INDEX, "a range bound", e.pos(), x -> "a range bound must be an integer, not " + x);
        return t;
    }

    private static Long integerValue(Type t) {
        if (t instanceof Type.IntT i) {
            return i.value();
        }
        if (t instanceof Type.FloatT f && f.value() != null && f.value() == Math.rint(f.value())
                && Math.abs(f.value()) < 9e15) {
            return (long) (double) f.value();
        }
        return null;
    }

    private Type binary(Expr.Binary e, Type l, Type r) {
        Expr.BinOp op = e.op();
        return switch (op) {
            case EQ, NE -> {
                if (l instanceof Type.IntT a && r instanceof Type.IntT b && a.value() != null && b.value() != null) {
                    yield new Type.BoolT(a.value().equals(b.value()) == (op == Expr.BinOp.EQ));
                }
                if (l instanceof Type.BoolT a && r instanceof Type.BoolT b && a.value() != null && b.value() != null) {
                    yield new Type.BoolT(a.value().equals(b.value()) == (op == Expr.BinOp.EQ));
                }
                yield new Type.BoolT(null);
            }
            case LT, LE, GT, GE -> {
                numbers(e, l, r);
                if (l instanceof Type.IntT a && r instanceof Type.IntT b && a.value() != null && b.value() != null) {
                    int c = Long.compare(a.value(), b.value());
                    yield new Type.BoolT(switch (op) {
                        case LT -> c < 0;
                        case LE -> c <= 0;
                        case GT -> c > 0;
                        default -> c >= 0;
                    });
                }
                yield new Type.BoolT(null);
            }
            case ADD, SUB, MUL, DIV, REM, POW -> arithmetic(op, e.pos(), e.left(), l, e.right(), r);
        };
    }

    /** Both operands of an arithmetic operator or comparison must be numbers; false if one cannot be. */
    private boolean numbers(Expr.Binary e, Type l, Type r) {
        return numbers(e.op(), e.pos(), e.left(), l, e.right(), r);
    }

    private boolean numbers(Expr.BinOp op, Pos pos, Expr left, Type l, Expr right, Type r) {
        String message = "cannot apply " + op.symbol() + " to " + describe(left, l) + " and " + describe(right, r);
        boolean ok = demand(left, l, Kind.NUMBER, "an operand of " + op.symbol(), pos, x -> message);
        return demand(right, r, Kind.NUMBER, "an operand of " + op.symbol(), pos, x -> message) && ok;
    }

    private Type arithmetic(Expr.BinOp op, Pos pos, Expr left, Type l, Expr right, Type r) {
        // Julia's string operators: "ab" * "cd" joins, "ab" ^ 3 repeats (their length is checked while running)
        if (l instanceof Type.StrT && (op == Expr.BinOp.MUL && r instanceof Type.StrT
                || op == Expr.BinOp.POW && (r instanceof Type.IntT || r instanceof Type.BoolT))) {
            return new Type.StrT(null);
        }
        if (!numbers(op, pos, left, l, right, r)) {
            return Type.ERROR;
        }
        boolean li = l instanceof Type.IntT || l instanceof Type.BoolT;
        boolean ri = r instanceof Type.IntT || r instanceof Type.BoolT;
        Sym poly = symbolic(op, symOf(l), symOf(r));
        if (li && ri && op != Expr.BinOp.DIV) {
            Long a = l instanceof Type.IntT x ? x.value() : ((Type.BoolT) l).value() == null ? null
                    : ((Type.BoolT) l).value() ? 1L : 0L;
            Long b = r instanceof Type.IntT x ? x.value() : ((Type.BoolT) r).value() == null ? null
                    : ((Type.BoolT) r).value() ? 1L : 0L;
            return a == null || b == null ? Type.IntT.of(poly) : new Type.IntT(fold(op, a, b));
        }
        if ((l instanceof Type.FloatT && (r instanceof Type.FloatT || ri))
                || (r instanceof Type.FloatT && li) || (li && ri)) {
            return new Type.FloatT(null);
        }
        if (poly != null && !(l instanceof Type.FloatT || r instanceof Type.FloatT)) {
            return new Type.Unknown(poly, false); // n + 1 with n free: an Int or a Float64, of that value
        }
        return Type.UNKNOWN;
    }

    /** As {@link #symOf}, a whole Float64 constant (a range bound may be one) as its integer. */
    private static Sym symOrValue(Type t) {
        Sym p = symOf(t);
        Long v = integerValue(t);
        return p != null ? p : v != null ? Sym.constant(v) : null;
    }

    /** An integer's value as a polynomial of free variables (a constant, n, 2n + 1), or null. */
    static Sym symOf(Type t) {
        if (t instanceof Type.IntT i) {
            return i.asSym();
        }
        if (t instanceof Type.Unknown u) {
            return u.sym();
        }
        if (t instanceof Type.BoolT b && b.value() != null) {
            return Sym.constant(b.value() ? 1 : 0);
        }
        return null; // a Float64 is not followed: its arithmetic rounds
    }

    /** {@code a op b} on polynomials, for +, -, * and small constant powers; else null. */
    private static Sym symbolic(Expr.BinOp op, Sym a, Sym b) {
        if (a == null || b == null) {
            return null;
        }
        return switch (op) {
            case ADD -> Sym.add(a, b);
            case SUB -> Sym.sub(a, b);
            case MUL -> Sym.mul(a, b);
            case POW -> {
                Long k = b.constantValue();
                if (k == null || k < 0 || k > 8) {
                    yield null;
                }
                Sym p = Sym.constant(1);
                for (long i = 0; i < k && p != null; i++) {
                    p = Sym.mul(p, a);
                }
                yield p;
            }
            default -> null;
        };
    }

    /** Int arithmetic on constants, or null where it would fail or overflow (the run reports that). */
    private static Long fold(Expr.BinOp op, long a, long b) {
        try {
            return switch (op) {
                case ADD -> Math.addExact(a, b);
                case SUB -> Math.subtractExact(a, b);
                case MUL -> Math.multiplyExact(a, b);
                case REM -> {
                    if (b == 0) {
                        yield null;
                    }
                    yield a % b;
                }
                case POW -> {
                    if (b < 0 || b > 64) {
                        Long big = null; // if statements, not ?: (a conditional of long and Long unboxes a null)
                        if (b >= 0 && (a == 0 || a == 1)) {
                            big = a;
                        } else if (b >= 0 && a == -1) {
                            big = b % 2 == 0 ? 1L : -1L;
                        }
                        yield big;
                    }
                    long p = 1;
                    for (long i = 0; i < b; i++) {
                        p = Math.multiplyExact(p, a);
                    }
                    yield p;
                }
                default -> null;
            };
        } catch (ArithmeticException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ indexing

    private Type index(Expr.Index e) {
        Type target = expr(e.target());
        if (target instanceof Type.RefT) {
            if (!e.indices().isEmpty()) {
                error(e.pos(), "a Ref is read with r[]");
            }
            e.indices().forEach(this::expr);
            return Type.UNKNOWN;
        }
        if (target instanceof Type.TensorT t) {
            return indexTensor(e, t);
        }
        if (target instanceof Type.TupleT t) {
            List<Type> idx = e.indices().stream().map(this::expr).toList();
            if (idx.size() != 1) {
                error(e.pos(), "a tuple takes one index");
                return Type.UNKNOWN;
            }
            Expr ie = e.indices().get(0);
            demand(ie, idx.get(0), Kind.INDEX, "a tuple index", ie.pos(),
                    x -> "a tuple index must be an integer, not " + x);
            Long i = integerValue(idx.get(0));
            if (t.items() == null) {
                return Type.UNKNOWN;
            }
            if (i != null) {
                if (i < 1 || i > t.items().size()) {
                    error(e.pos(), "index " + i + " is out of bounds 1:" + t.items().size() + " of the tuple");
                    return Type.UNKNOWN;
                }
                return t.items().get((int) (i - 1));
            }
            Type joined = null;
            for (Type item : t.items()) {
                joined = Type.join(joined, item);
            }
            return joined == null ? Type.UNKNOWN : joined;
        }
        e.indices().forEach(this::expr);
        if (use(e.target(), Kind.TENSOR, "an indexed value") && !(target instanceof Type.Unknown)) {
            error(e.pos(), "cannot index " + describe(e.target(), target));
        }
        return Type.UNKNOWN;
    }

    /**
     * {@code A[i, j]} or a slice {@code A[:, k]}, {@code A[2:3, :]}: the count of indices, and each
     * index or slice bound against its dimension where that is decided: both numbers, or their
     * difference a number ({@code A[n + 2, 1]} of an {@code n×(n + 1)} tensor is past its end for
     * every n).
     */
    private Type indexTensor(Expr.Index e, Type.TensorT t) {
        int n = e.indices().size();
        boolean slice = e.indices().stream().anyMatch(i -> i instanceof Expr.Colon || i instanceof Expr.Range);
        List<Dim> dims = t.dims();
        Integer rank = dims == null ? null : dims.size();
        boolean countOk = rank == null || n == rank || (n == 1 && !(e.indices().get(0) instanceof Expr.Colon));
        if (!countOk) {
            error(e.pos(), "a tensor of " + (dims.stream().allMatch(d -> d.poly() != null) ? "size " + t.shape()
                    : rank + " dimension" + (rank == 1 ? "" : "s"))
                    + " takes " + rank + " ind" + (rank == 1 ? "ex" : "ices") + ", not " + n);
        }
        boolean wrong = !countOk;
        List<Dim> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            Expr ie = e.indices().get(k);
            Sym bound = null;
            if (countOk && dims != null) {
                if (n == 1 && rank != 1) {
                    bound = Sym.constant(1);
                    for (Dim d : dims) {
                        bound = Sym.mul(bound, d.poly());
                    }
                } else {
                    bound = dims.get(k).poly();
                }
            }
            if (ie instanceof Expr.Colon) {
                out.add(countOk && dims != null && n == rank ? dims.get(k) : Dim.UNKNOWN);
                continue;
            }
            Type it = expr(ie);
            if (it instanceof Type.RangeT r) {
                out.add(sliceLength(r));
                wrong |= !rangeBounds(ie, k, n, t, r, bound);
                continue;
            }
            if (!demand(ie, it, Kind.INDEX, "an index", ie.pos(), x -> "an index must be an integer, not "
                    + x)) {
                wrong = true;
                continue;
            }
            Sym i = symOf(it);
            if (i != null) {
                wrong |= !checkBound(ie, k, n, t, i, bound);
            }
        }
        if (wrong) {
            return Type.ERROR;
        }
        return slice ? new Type.TensorT(rank != null && countOk && n == rank ? List.copyOf(out) : null)
                : new Type.FloatT(null);
    }

    /** How many indices a range takes: a number, or a formula when its step is 1 or -1. */
    private static Dim sliceLength(Type.RangeT r) {
        if (r.start() != null && r.step() != null && r.stop() != null && r.step() != 0) {
            return Dim.of(r.knownEmpty() ? 0 : (r.stop() - r.start()) / r.step() + 1);
        }
        if (r.step() != null && Math.abs(r.step()) == 1) {
            Sym span = r.step() == 1 ? Sym.sub(r.stopSym(), r.startSym()) : Sym.sub(r.startSym(), r.stopSym());
            return new Dim(Sym.add(span, Sym.constant(1))); // a negative count is an empty range: past no end
        }
        return Dim.UNKNOWN;
    }

    /**
     * A range's bounds against its dimension, when the range is certainly not empty: its first
     * and last index from 1 to the dimension. False when an error was reported.
     */
    private boolean rangeBounds(Expr ie, int k, int n, Type.TensorT t, Type.RangeT r, Sym bound) {
        Long step = r.step();
        if (step == null || step == 0 || r.startSym() == null || r.stopSym() == null) {
            return true;
        }
        Long span = Sym.difference(r.stopSym(), r.startSym());
        boolean nonEmpty = span != null && (step > 0 ? span >= 0 : span <= 0);
        if (!nonEmpty) {
            return true; // an empty range is in bounds anywhere; one that may be empty is left to the run
        }
        String text = r.startSym() + (step == 1 ? "" : ":" + step) + ":" + r.stopSym();
        // the smallest and largest index the range takes (a backwards one, 3:-1:1, from its end)
        Sym lo = step > 0 ? r.startSym() : Sym.add(r.stopSym(), Sym.constant(Math.floorMod(-span, -step)));
        Sym hi = step > 0 ? Sym.sub(r.stopSym(), Sym.constant(Math.floorMod(span, step))) : r.startSym();
        Long low = lo.constantValue();
        Long past = bound == null || hi == null ? null : Sym.difference(hi, bound);
        if ((low != null && low < 1) || (past != null && past > 0)) {
            error(start(ie), "index " + text + " is out of bounds" + (bound == null ? ": indices count from 1"
                    : " 1:" + bound + (n == 1 ? "" : " in dimension " + (k + 1)) + sizeOf(t)));
            return false;
        }
        return true;
    }

    private static String sizeOf(Type.TensorT t) {
        return t.dims() != null && t.dims().stream().allMatch(d -> d.poly() != null)
                ? " of a tensor of size " + t.shape() : "";
    }

    /** A scalar index against its dimension; false when an error was reported. */
    private boolean checkBound(Expr ie, int k, int n, Type.TensorT t, Sym i, Sym bound) {
        Long low = i.constantValue();
        Long past = bound == null ? null : Sym.difference(i, bound);
        if ((low == null || low >= 1) && (past == null || past <= 0)) {
            return true;
        }
        String size = sizeOf(t);
        if (bound != null) {
            error(start(ie), "index " + i + " is out of bounds 1:" + bound + (n == 1 ? "" : " in dimension " + (k + 1))
                    + size);
        } else {
            error(start(ie), "index " + i + " is out of bounds: indices count from 1"
                    + (n == 1 ? "" : " (dimension " + (k + 1) + ")"));
        }
        return false;
    }

    /** Where an expression begins: {@code n + 2} at n, not at its operator. */
    static Pos start(Expr e) {
        if (e instanceof Expr.Binary b) {
            return start(b.left());
        }
        if (e instanceof Expr.Range r) {
            return start(r.start());
        }
        if (e instanceof Expr.Logical l) {
            return start(l.left());
        }
        if (e instanceof Expr.Index ix) {
            return start(ix.target());
        }
        return e.pos();
    }

    // ------------------------------------------------------------------ calls

    private Type call(Expr.Call c) {
        String name = c.calleeName();
        List<Type> types = new ArrayList<>();
        for (Expr a : c.args()) {
            types.add(expr(a));
        }
        Map<String, Type> kw = new HashMap<>();
        for (Expr.KwArg k : c.kwargs()) {
            kw.put(k.name(), expr(k.value()));
        }
        if (name != null && resolution.functions().containsKey(name)) {
            called.add(name);
            return returnType(resolution.functions().get(name), types);
        }
        if (name == null) {
            return Type.UNKNOWN;
        }
        io.github.bufdsl.builtins.Signature sig = BuiltinTypes.signature(name);
        if (sig == null) {
            return Type.UNKNOWN;
        }
        boolean sized = name.equals("alloc!") || name.equals("reshape_buf!");
        List<Dim> dims = new ArrayList<>();
        boolean wrong = false;
        for (int i = 0; i < types.size(); i++) {
            Expr a = c.args().get(i);
            Type t = types.get(i);
            int number = i + 1;
            String what = freeName(a) == null ? null // only a free variable's use is recorded
                    : sized && i > 0 ? "dimension " + i + " of " + name : "argument " + number + " of " + name;
            Kind kind = BuiltinTypes.param(sig, i);
            wrong |= t instanceof Type.Unknown u && u.error();
            wrong |= !demand(a, t, kind, what, c.pos(), x -> callText(c) + ": " + (sized && number > 1
                    ? "dimension " + (number - 1) + " must be an integer, not " + x
                    : "argument " + number + " must be " + kind.words() + ", not " + x));
            dims.add(new Dim(symOf(t)));
        }
        for (Expr.KwArg k : c.kwargs()) {
            Kind kind = BuiltinTypes.keyword(sig, k.name());
            if (kind != Kind.ANY) {
                wrong |= !demand(k.value(), kw.get(k.name()), kind, k.name() + " of " + name, k.pos(),
                        x -> callText(c) + ": " + k.name() + " must be " + kind.words() + ", not " + x);
            }
        }
        BuiltinTypes.Args args = new BuiltinTypes.Args(types, dims);
        if (wrong) {
            return Type.ERROR; // its error is said: nothing follows from its value
        }
        if (sized) {
            sizeLimit(c, args);
        }
        if (name.equals("Buffer") && !types.isEmpty()) {
            lengthLimit(c.pos(), types.get(0), () -> callText(c));
            boolean float32 = c.callee() instanceof Expr.Parametric p && p.params().size() == 1
                    && p.params().get(0) instanceof Expr.Name t && t.name().equals("Float32");
            memoryLimit(c.pos(), args.constant(0), float32 ? 4 : 8, () -> callText(c) + ": the buffer");
        }
        if (name.equals("ThreadsBuffer") && !types.isEmpty()) {
            lengthLimit(c.pos(), types.get(0), () -> callText(c));
            Long n = args.constant(1);
            if (n != null && (n < 1 || n > 1024)) {
                error(c.pos(), callText(c) + ": a ThreadsBuffer has 1 to 1024 buffers, not " + n);
            }
        }
        if (name.equals("size") && types.size() == 2) {
            Long k = args.constant(1);
            if (k != null && k < 1) {
                error(c.pos(), callText(c) + ": dimension " + k + " does not exist; dimensions count from 1");
            }
        }
        Type result = BuiltinTypes.result(sig, args);
        if (name.equals("Buffer") && c.callee() instanceof Expr.Parametric p && p.params().size() == 1
                && p.params().get(0) instanceof Expr.Name t && t.name().equals("Float32")) {
            result = new Type.BufferT(4, true);
        }
        return result;
    }

    /** A buffer's length, when constant: not negative, not past the largest buffer. */
    private void lengthLimit(Pos pos, Type len, java.util.function.Supplier<String> where) {
        if (len instanceof Type.IntT n && n.value() != null) {
            if (n.value() < 0) {
                error(pos, BufferRules.length(where.get(), n.value()).message()); // the runtime's rule and words
            } else if (n.value() > Buffer.MAX_LENGTH) {
                error(pos, where.get() + ": length " + n.value() + " is larger than the largest buffer (" + Buffer.MAX_LENGTH
                        + " elements)");
            }
        }
    }

    /** The dimensions of alloc! and reshape_buf!, where constant: not negative, not past the largest buffer. */
    private void sizeLimit(Expr.Call c, BuiltinTypes.Args args) {
        long length = 1;
        boolean allKnown = true;
        boolean overflow = false;
        boolean zero = false;
        for (int i = 1; i < args.types().size(); i++) {
            Long d = args.constant(i);
            if (d == null) {
                allKnown = false;
                continue;
            }
            if (d < 0) {
                error(c.pos(), callText(c) + ": " + BufferRules.dimension(d, i).message()); // the runtime's rule and words
                return;
            }
            if (d > Buffer.MAX_LENGTH) {
                error(c.pos(), callText(c) + ": dimension " + d + " is larger than the largest buffer (" + Buffer.MAX_LENGTH
                        + " elements)");
                return;
            }
            zero |= d == 0;
            if (d != 0 && length > Long.MAX_VALUE / d) {
                overflow = true;
            } else {
                length *= d;
            }
        }
        if (!allKnown || zero) {
            return;
        }
        if (overflow) {
            error(c.pos(), callText(c) + ": the dimensions multiply to more than 64 bits hold");
        } else if (length > Buffer.MAX_LENGTH) {
            error(c.pos(), callText(c) + ": a tensor of " + length + " elements is larger than the largest buffer ("
                    + Buffer.MAX_LENGTH + " elements)");
        } else if (c.calleeName().equals("alloc!")) {
            Type b = args.get(0);
            if (b instanceof Type.BufferT bt && bt.own()) {
                long n = length;
                memoryLimit(c.pos(), n, bt.elementBytes(), () -> callText(c) + ": a tensor of " + n + " elements");
            } else if (b instanceof Type.ThreadsBufferT) {
                long n = length;
                memoryLimit(c.pos(), n, 8, () -> callText(c) + ": a tensor of " + n + " elements");
            }
        }
    }

    /**
     * In a run, a buffer or tensor of a constant size whose bytes alone are more than all buffers may
     * take ({@code --max-memory}) cannot be made.
     */
    private void memoryLimit(Pos pos, Long elements, int bytesPerElement, java.util.function.Supplier<String> what) {
        long max = options.maxMemoryBytes();
        if (max <= 0 || elements == null || elements < 0 || elements > Buffer.MAX_LENGTH) {
            return;
        }
        long bytes = elements * bytesPerElement;
        if (bytes > max) {
            error(pos, what.get() + " needs " + io.github.bufdsl.runtime.MemoryBudget.format(bytes)
                    + ", but buffers may take " + io.github.bufdsl.runtime.MemoryBudget.format(max)
                    + " in all (raise --max-memory, or the JVM's heap with -Xmx, if the machine has the memory)");
        }
    }

    static String callText(Expr.Call e) {
        String text = ExprPrinter.print(e);
        return text.length() > 60 ? e.calleeName() + "(...)" : text;
    }
}
