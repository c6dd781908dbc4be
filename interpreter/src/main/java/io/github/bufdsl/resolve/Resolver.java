package io.github.bufdsl.resolve;

import io.github.bufdsl.builtins.Signature;
import io.github.bufdsl.exec.Builtins;

import io.github.bufdsl.ast.AssignOp;
import io.github.bufdsl.ast.AssignedNames;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Program;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.ast.TensorExpr;
import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
import io.github.bufdsl.diag.Pos;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Name resolution and the static checks that need only names: unknown functions (with a
 * suggestion), wrong numbers of arguments, unknown keyword arguments, {@code return} outside a
 * function, {@code break} outside a loop, functions defined twice or inside blocks. Scopes follow
 * Julia: the script's top level is one global scope; a function has its own locals (parameters and
 * what it assigns) and reads globals.
 */
public final class Resolver {
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private final Map<String, Stmt.Function> functions = new LinkedHashMap<>();
    private final Map<String, Pos> free = new LinkedHashMap<>();
    private final Set<String> globals = new HashSet<>();
    private Set<String> locals; // null at top level
    private int loopDepth;

    private Resolver() {
    }

    /**
     * Resolves a program.
     *
     * @throws DiagnosticException (static) with every error found
     */
    public static Resolution resolve(Program program) {
        Resolver r = new Resolver();
        r.run(program);
        if (!r.diagnostics.isEmpty()) {
            throw new DiagnosticException(Phase.STATIC, r.diagnostics);
        }
        return new Resolution(program, Map.copyOf(r.functions), r.free);
    }

    private void run(Program program) {
        for (Stmt s : program.body()) {
            if (s instanceof Stmt.Function f) {
                boolean builtin = Builtins.signature(f.name()) != null
                        || io.github.bufdsl.ast.IndexFunctions.NAMES.contains(f.name());
                if (functions.containsKey(f.name()) || builtin) {
                    error(f.pos(), "function " + f.name() + " is already defined" + (builtin ? " as a builtin" : ""));
                }
                functions.put(f.name(), f);
            }
        }
        collectAssigned(program.body(), globals);
        statements(program.body(), true);
    }

    /**
     * Every name a script defines, for "did you mean": variables its top level assigns, loop
     * variables, its functions' names and parameters, and the builtins.
     */
    public static Set<String> namesInScope(Resolution resolution) {
        Set<String> names = new TreeSet<>();
        collectAssigned(resolution.program().body(), names);
        for (Stmt.Function f : resolution.functions().values()) {
            names.add(f.name());
            f.params().forEach(p -> names.add(p.name()));
            collectAssigned(f.body(), names);
        }
        names.addAll(io.github.bufdsl.exec.Builtins.functionNames());
        return names;
    }

    private void error(Pos pos, String message) {
        diagnostics.add(Diagnostic.error(pos, message));
    }

    /** Every name a list of statements assigns, not descending into functions. */
    private static void collectAssigned(List<Stmt> body, Set<String> into) {
        AssignedNames.collect(body, true, into::add);
    }

    private void statements(List<Stmt> body, boolean topLevel) {
        for (Stmt s : body) {
            statement(s, topLevel);
        }
    }

    private void statement(Stmt s, boolean topLevel) {
        s.accept(new Stmt.Visitor<Void>() {
            public Void visitExpr(Stmt.ExprStmt s) {
                expr(s.expr());
                return null;
            }

            public Void visitAssign(Stmt.Assign s) {
                expr(s.value());
                for (Expr t : s.targets()) {
                    if (t instanceof Expr.Name n) {
                        if (s.op() != AssignOp.SET) {
                            read(n); // x += 1 reads x
                        }
                        if (functions.containsKey(n.name())) {
                            error(n.pos(), "cannot assign to " + n.name() + ": it is a function");
                        }
                    } else {
                        expr(t);
                    }
                }
                return null;
            }

            public Void visitIf(Stmt.If s) {
                for (Stmt.Branch b : s.branches()) {
                    expr(b.condition());
                    statements(b.body(), false);
                }
                if (s.elseBody() != null) {
                    statements(s.elseBody(), false);
                }
                return null;
            }

            public Void visitFor(Stmt.For s) {
                expr(s.iterable());
                loopDepth++;
                statements(s.body(), false);
                loopDepth--;
                return null;
            }

            public Void visitWhile(Stmt.While s) {
                expr(s.condition());
                loopDepth++;
                statements(s.body(), false);
                loopDepth--;
                return null;
            }

            public Void visitBlock(Stmt.Block s) {
                statements(s.body(), false);
                return null;
            }

            public Void visitFunction(Stmt.Function s) {
                if (!topLevel || locals != null) {
                    error(s.pos(), "functions are defined at the top level of a script, not inside a block");
                    return null;
                }
                Set<String> own = new HashSet<>();
                Set<String> seen = new HashSet<>();
                for (Stmt.Param p : s.params()) {
                    if (!seen.add(p.name())) {
                        error(p.pos(), "parameter " + p.name() + " is given twice");
                    }
                    own.add(p.name());
                }
                collectAssigned(s.body(), own);
                locals = own;
                int outerLoops = loopDepth;
                loopDepth = 0;
                statements(s.body(), false);
                loopDepth = outerLoops;
                locals = null;
                return null;
            }

            public Void visitReturn(Stmt.Return s) {
                if (locals == null) {
                    error(s.pos(), "`return` outside a function");
                }
                if (s.value() != null) {
                    expr(s.value());
                }
                return null;
            }

            public Void visitBreak(Stmt.Break s) {
                if (loopDepth == 0) {
                    error(s.pos(), "`break` outside a loop");
                }
                return null;
            }

            public Void visitContinue(Stmt.Continue s) {
                if (loopDepth == 0) {
                    error(s.pos(), "`continue` outside a loop");
                }
                return null;
            }

            public Void visitUsing(Stmt.Using s) {
                return null;
            }

            public Void visitTensor(Stmt.Tensor s) {
                if (s.op() != AssignOp.DEFINE && !s.scalar()) {
                    expr(s.lhs().tensor());
                }
                tensor(s.rhs());
                if (s.scalar() && s.lhs().tensor() instanceof Expr.Name n && functions.containsKey(n.name())) {
                    error(n.pos(), "cannot assign to " + n.name() + ": it is a function");
                }
                if (s.maxIntermediate() != null) {
                    expr(s.maxIntermediate());
                }
                return null;
            }

            public Void visitShow(Stmt.Show s) {
                expr(s.expr());
                return null;
            }

            public Void visitBufferScope(Stmt.BufferScope s) {
                for (Stmt.ScopedBuffer b : s.buffers()) {
                    if (b.type() != null) {
                        if (!(b.type() instanceof Expr.Name t) || !(t.name().equals("Float64") || t.name().equals("Float32"))) {
                            error(b.type().pos(), "a buffer's element type is Float64 or Float32");
                        }
                    }
                    expr(b.length());
                }
                statements(s.body(), false);
                return null;
            }

            public Void visitPrintBufferUsage(Stmt.PrintBufferUsage s) {
                s.buffers().forEach(Resolver.this::read);
                statements(s.body(), false);
                return null;
            }
        });
    }

    private void tensor(TensorExpr t) {
        if (t instanceof TensorExpr.Ref r) {
            expr(r.tensor());
        } else if (t instanceof TensorExpr.Scalar s) {
            expr(s.value());
        } else if (t instanceof TensorExpr.Binary b) {
            tensor(b.left());
            tensor(b.right());
        } else if (t instanceof TensorExpr.Negate n) {
            tensor(n.operand());
        }
    }

    private void read(Expr.Name n) {
        String name = n.name();
        if ((locals != null && locals.contains(name)) || globals.contains(name) || Builtins.isConstant(name)) {
            return;
        }
        if (functions.containsKey(name) || Builtins.signature(name) != null) {
            error(n.pos(), name + " is a function; call it with ( )");
            return;
        }
        free.putIfAbsent(name, n.pos());
    }

    /**
     * Julia's {@code sum(f, A)}, {@code maximum(f, A)}, {@code minimum(f, A)}: bufdsl has no functions
     * as values, so one error that says so and what to write instead (true when it was one).
     */
    private boolean reducesWithFunction(Expr.Call c) {
        String name = c.calleeName();
        if (!(c.callee() instanceof Expr.Name) || !(name.equals("sum") || name.equals("maximum")
                || name.equals("minimum")) || c.args().size() != 2 || !(c.args().get(0) instanceof Expr.Name f)
                || !(functions.containsKey(f.name()) || Builtins.signature(f.name()) != null)) {
            return false;
        }
        error(c.pos(), name + "(" + f.name() + ", A), a function applied to each element, is not supported in"
                + " bufdsl (functions are not values here); write a loop over the elements, or norm(A, Inf) for"
                + " maximum(abs, A), norm(A, 1) for sum(abs, A)");
        return true;
    }

    private void call(Expr.Call c) {
        String name = c.calleeName();
        if (c.callee() instanceof Expr.Parametric p) {
            if (!p.name().equals("Buffer")) {
                error(p.pos(), "only Buffer takes a type parameter, as Buffer{Float32}(len)");
            }
            for (Expr t : p.params()) {
                if (!(t instanceof Expr.Name n) || !(n.name().equals("Float64") || n.name().equals("Float32"))) {
                    error(t.pos(), "a buffer's element type is Float64 or Float32, as Buffer{Float32}(len)");
                }
            }
        } else if (!(c.callee() instanceof Expr.Name)) {
            error(c.callee().pos(), "only named functions can be called");
            return;
        }
        Stmt.Function user = functions.get(name);
        if (user != null) {
            if (user.params().size() != c.args().size()) {
                error(c.pos(), name + " takes " + count(user.params().size(), "argument") + ", not "
                        + c.args().size());
            }
            if (!c.kwargs().isEmpty()) {
                error(c.kwargs().get(0).pos(), name + " takes no keyword arguments");
            }
            return;
        }
        Signature sig = Builtins.signature(name);
        if (sig == null && (globals.contains(name) || (locals != null && locals.contains(name)))) {
            error(c.pos(), name + " is a variable, not a function; only functions can be called");
            return;
        }
        if (sig == null) {
            Set<String> known = new TreeSet<>(Builtins.functionNames());
            known.addAll(functions.keySet());
            String julia = Suggestions.juliaFunction(name);
            error(c.pos(), julia != null ? julia : "unknown function " + name + Suggestions.hint(name, known));
            return;
        }
        if (!sig.accepts(c.args().size())) {
            String expected = sig.max() < 0 ? "at least " + count(sig.min(), "argument")
                    : sig.min() == sig.max() ? count(sig.min(), "argument")
                    : sig.min() + " to " + sig.max() + " arguments";
            error(c.pos(), name + " takes " + expected + ", not " + c.args().size() + ": " + sig.usage());
        }
        for (Expr.KwArg k : c.kwargs()) {
            if (!sig.keywordNames().contains(k.name())) {
                error(k.pos(), name + " has no keyword argument " + k.name()
                        + (sig.keywordNames().isEmpty() ? "" : Suggestions.hint(k.name(), sig.keywordNames())));
            }
        }
    }

    private static String count(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    private void expr(Expr e) {
        e.accept(new Expr.Visitor<Void>() {
            public Void visitInt(Expr.IntLit e) {
                return null;
            }

            public Void visitFloat(Expr.FloatLit e) {
                return null;
            }

            public Void visitString(Expr.StrLit e) {
                return null;
            }

            public Void visitBool(Expr.BoolLit e) {
                return null;
            }

            public Void visitName(Expr.Name e) {
                read(e);
                return null;
            }

            public Void visitCall(Expr.Call e) {
                if (reducesWithFunction(e)) {
                    return null;
                }
                call(e);
                e.args().forEach(Resolver.this::expr);
                e.kwargs().forEach(k -> expr(k.value()));
                return null;
            }

            public Void visitParametric(Expr.Parametric e) {
                error(e.pos(), e.name() + "{...} must be called, as Buffer{Float32}(len)");
                return null;
            }

            public Void visitIndex(Expr.Index e) {
                expr(e.target());
                e.indices().forEach(Resolver.this::expr);
                return null;
            }

            public Void visitColon(Expr.Colon e) {
                return null;
            }

            public Void visitField(Expr.Field e) {
                error(e.pos(), "fields are not supported: ." + e.field());
                return null;
            }

            public Void visitBinary(Expr.Binary e) {
                expr(e.left());
                expr(e.right());
                return null;
            }

            public Void visitLogical(Expr.Logical e) {
                expr(e.left());
                expr(e.right());
                return null;
            }

            public Void visitUnary(Expr.Unary e) {
                expr(e.operand());
                return null;
            }

            public Void visitRange(Expr.Range e) {
                expr(e.start());
                if (e.step() != null) {
                    expr(e.step());
                }
                expr(e.stop());
                return null;
            }

            public Void visitTuple(Expr.Tuple e) {
                e.items().forEach(Resolver.this::expr);
                return null;
            }

            public Void visitBroadcast(Expr.Broadcast e) {
                if (!e.isOperator()) {
                    call(new Expr.Call(e.pos(), new Expr.Name(e.pos(), e.op()), e.args(), List.of()));
                }
                e.args().forEach(Resolver.this::expr);
                return null;
            }

            public Void visitTernary(Expr.Ternary e) {
                expr(e.condition());
                expr(e.ifTrue());
                expr(e.ifFalse());
                return null;
            }
        });
    }
}
