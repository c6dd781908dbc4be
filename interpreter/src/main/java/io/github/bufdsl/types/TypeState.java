package io.github.bufdsl.types;

import io.github.bufdsl.ast.AssignedNames;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.exec.ThreadRules;
import io.github.bufdsl.resolve.Resolution;
import io.github.bufdsl.resolve.Suggestions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The state of the type inference and how it reports: the free variables' uses, the errors with
 * their causes (a second error from the same cause is left out), the path conditions named in them.
 * The layers above it add arithmetic ({@link ArithTypes}), indexing ({@link IndexTypes}), calls
 * ({@link CallTypes}), {@code @tensor} ({@link TensorTypes}), expressions ({@link ExprTypes}), control flow
 * ({@link FlowTypes}) and
 * the statements ({@link TypeChecker}), each in its own file.
 */
abstract class TypeState {
    final Resolution resolution;
    final TypeChecker.Options options;
    final Map<String, Type> bound = new HashMap<>();
    final Set<String> globals = new HashSet<>();
    /** User functions called on some path, in the order found: their bodies are checked. */
    final Set<String> called = new java.util.LinkedHashSet<>();
    final Map<String, Diagnostic> errors = new LinkedHashMap<>();
    /** What holds only for some values of the free variables (never a reason to refuse a script). */
    final Map<String, Diagnostic> warnings = new LinkedHashMap<>();
    final Map<String, List<Use>> uses = new LinkedHashMap<>();
    /** The causes of the errors reported (see {@link #error(Pos, String, String)}). */
    final Set<String> causes = new HashSet<>();
    Map<String, Type> env = new HashMap<>();
    Set<String> locals; // null at the top level
    boolean silent;
    int loopNesting;
    /**
     * The innermost Threads.@threads loop holding the statement, in the function being checked (or at
     * the top level); null outside one.
     */
    Pos threadedAt;
    /**
     * While what a call returns is inferred: the changes its body (or what it calls) makes to the stack
     * of a buffer made before a Threads.@threads loop, which the call reports; else null.
     */
    List<SharedChange> following;
    long work;
    final long workBudget;

    /**
     * A change to the stack of {@code buffer} by {@code what} ("alloc!(buf, n)", ":= of Y") at
     * {@code pos}; {@code loop}: the Threads.@threads loop it is in when that loop is inside the
     * function whose call is followed ({@code buffer} is then named as that function names it), null
     * when the loop holds the call ({@code buffer} is named as the loop does).
     */
    record SharedChange(String buffer, String what, Pos pos, Pos loop) {
    }

    /**
     * {@code what} changes the stack of {@code buffer}, made before a Threads.@threads loop holding it
     * (the rule and words of exec/ThreadRules, {@code lead} as there): an error at {@code pos}; inside
     * a function whose call is being followed, the call reports it.
     */
    void sharedStack(Pos pos, String what, String buffer, String lead) {
        if (following != null) {
            following.add(new SharedChange(buffer, what, pos, threadedAt));
            return;
        }
        error(pos, lead == null ? what + ": " + ThreadRules.sharedStack(buffer, null)
                : ThreadRules.sharedStack(buffer, lead));
    }

    /** A use of a free variable: what it demands there. */
    record Use(Kind kind, Pos pos, String what) {
    }

    /**
     * The conditions that lead to the statement being checked ("small is true"), named in its
     * errors as the path checks name them; only conditions that are a free variable's value.
     */
    final List<String> path = new ArrayList<>();

    TypeState(Resolution resolution, TypeChecker.Options options) {
        this.resolution = resolution;
        this.options = options;
        options.bindings().forEach((k, v) -> bound.put(k, Type.ofJava(v)));
        AssignedNames.collect(resolution.program().body(), true, globals::add);
        this.workBudget = 50L * resolution.program().body().size() + 200_000;
    }

    /** The type of an expression (see {@link ExprTypes}). */
    abstract Type expr(Expr e);

    /** A condition's type, checked to be a Bool. */
    abstract Type condition(Expr e);

    /** What a call of a user function returns (see {@link TypeChecker}). */
    abstract Type returnType(Stmt.Function f, List<Type> args);

    // ------------------------------------------------------------------ diagnostics and free variables

    void error(Pos pos, String message) {
        error(pos, message, null);
    }

    /**
     * An error; {@code cause} names its cause (a variable holding a value of the wrong type, used
     * as something it cannot be): a later error from the same cause is left out.
     */
    void error(Pos pos, String message, String cause) {
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

    /**
     * A warning: what the statement needs holds for some values of the free variables only (two
     * dimensions that must be equal). It never refuses a script; with values that break it, the
     * error is the inference's (with --var) or the run's.
     */
    void warning(Pos pos, String message) {
        if (!path.isEmpty()) {
            message = "when " + String.join(" and ", new java.util.LinkedHashSet<>(path)) + ": " + message;
        }
        if (!silent) {
            warnings.putIfAbsent(pos.line() + ":" + pos.column() + ":" + message, Diagnostic.warning(pos, message));
        }
    }

    /** The free variable an expression names, or null. */
    String freeName(Expr e) {
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
    boolean demand(Expr e, Type t, Kind kind, String what, Pos pos,
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
    static String describe(Expr e, Type t) {
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
    boolean use(Expr e, Kind kind, String what) {
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
    static String hint(String name, Set<String> names) {
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

    Map<String, TypeInfo.FreeVariable> freeVariableTypes() {
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

}
