package io.github.bufdsl.types;

import io.github.bufdsl.ast.AssignOp;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.resolve.Resolution;
import io.github.bufdsl.runtime.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The static types and shapes of a program, inferred after name resolution and before anything
 * runs: every variable's type at every statement (flow-sensitive: a variable may hold an Int, then
 * a tensor), tensors with their rank and dimensions (numbers where constant, free variables by
 * name), scalars with their value where it is a constant. It reports what must fail when the
 * statement runs: a builtin's argument of the wrong type, a wrong number of indices, a constant
 * index or slice bound outside a known dimension, sizes past the largest buffer, a free variable
 * used as something {@code --var} cannot give. Its warnings say what holds for some values of the
 * free variables only ({@code @tensor} dimensions {@code m} and {@code p} that must be equal).
 *
 * <p>It never reports what it is unsure of: a value it cannot type is {@link Type#UNKNOWN} and
 * passes every check. Branches on constant conditions that are false are not followed; the others
 * all are (an error on a path some values of the free variables take is an error). Loops are
 * followed until the types of what they assign settle (constants widened away), functions with
 * their parameters unknown.
 */
public final class TypeChecker extends FlowTypes {
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

    private TypeChecker(Resolution resolution, Options options) {
        super(resolution, options);
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
        return new TypeInfo(inOrder(c.errors.values()), inOrder(c.warnings.values()), c.freeVariableTypes());
    }

    private static List<Diagnostic> inOrder(java.util.Collection<Diagnostic> found) {
        List<Diagnostic> out = new ArrayList<>(found);
        out.sort((a, b) -> a.pos().line() != b.pos().line() ? Integer.compare(a.pos().line(), b.pos().line())
                : Integer.compare(a.pos().column(), b.pos().column()));
        return List.copyOf(out);
    }

    // ------------------------------------------------------------------ statements

    void statements(List<Stmt> body) {
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
        io.github.bufdsl.diag.Pos savedThreaded = threadedAt;
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
        threadedAt = null;
        returned = false;
        elementwise = false;
        try {
            body.run();
        } finally {
            env = savedEnv;
            locals = savedLocals;
            loopNesting = savedNesting;
            threadedAt = savedThreaded;
            returned = savedReturned;
            elementwise = savedElementwise;
            truncate(mark);
        }
    }

    /** The functions whose return type is being inferred, innermost last: a call of one of them is recursion. */
    private final List<String> inferring = new ArrayList<>();
    /** The types of the return statements met while a return type is inferred (null otherwise). */
    private List<Type> returns;
    private final Map<String, Type> returnTypes = new HashMap<>();
    /** By the same key: the changes such a call makes to shared buffers' stacks ({@link #following}). */
    private final Map<String, List<SharedChange>> callChanges = new HashMap<>();
    /** Calls inferred inside one another at most this deep; deeper ones return an unknown value. */
    private static final int MAX_CALL_DEPTH = 8;

    /**
     * The type of what a call of {@code f} with arguments of these types returns: its body checked
     * silently with its parameters of those types, the join of its return statements (and
     * {@code nothing} where it ends without one, as the run returns). A recursive call returns an
     * unknown value, so a recursive function's type is what its other returns agree on, never an error.
     */
    Type returnType(Stmt.Function f, List<Type> args) {
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
        List<SharedChange> savedFollowing = following;
        List<SharedChange> changes = new ArrayList<>();
        silent = true;
        returns = new ArrayList<>();
        following = changes;
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
            following = savedFollowing;
        }
        result = result == null ? Type.UNKNOWN : result;
        returnTypes.put(key, result);
        callChanges.put(key, List.copyOf(new java.util.LinkedHashSet<>(changes)));
        return result;
    }

    List<SharedChange> sharedChanges(Stmt.Function f, List<Type> args) {
        return f == null ? List.of() : callChanges.getOrDefault(f.name() + args, List.of());
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

}
