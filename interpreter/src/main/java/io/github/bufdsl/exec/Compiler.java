package io.github.bufdsl.exec;

import io.github.bufdsl.ast.AssignOp;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.runtime.BufferException;
import io.github.bufdsl.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns resolved statements and expressions into a tree of small executable nodes, once, before
 * they run: names become slots of a frame, builtins are looked up once per call site, literals
 * are made once. Executing a node does only the work its statement asks for; what an error
 * message needs (printed calls, positions) is computed when the error happens.
 */
final class Compiler extends ExprCompiler {
    Compiler(Interpreter interp, Scope scope) {
        super(interp, scope);
    }

    // ------------------------------------------------------------------ statements

    /** A sequence of statements: each counted against the limits, each error placed at its statement. */
    Code block(List<Stmt> body) {
        Code[] code = new Code[body.size()];
        Stmt[] src = body.toArray(new Stmt[0]);
        for (int i = 0; i < code.length; i++) {
            code[i] = statement(src[i]);
        }
        boolean limited = interp.limited();
        if (code.length == 1 && !limited) { // a loop body of one statement, as most inner loops are
            Code only = code[0];
            Stmt at = src[0];
            return c -> {
                c.steps++;
                try {
                    only.exec(c);
                } catch (ScriptError e) {
                    throw e.at(at.pos());
                } catch (BufferException e) {
                    throw new ScriptError(at.pos(), e.getMessage());
                }
            };
        }
        return c -> {
            for (int i = 0; i < code.length; i++) {
                long steps = ++c.steps;
                if (limited) {
                    interp.checkLimits(c, src[i], steps);
                }
                try {
                    code[i].exec(c);
                } catch (ScriptError e) {
                    throw e.at(src[i].pos());
                } catch (BufferException e) {
                    throw new ScriptError(src[i].pos(), e.getMessage());
                } catch (OutOfMemoryError e) {
                    // the last guard: whatever the budget did not foresee ends as a diagnostic here
                    throw new ScriptError(src[i].pos(), Interpreter.OUT_OF_MEMORY);
                } catch (StackOverflowError e) {
                    throw new ScriptError(src[i].pos(), Interpreter.STACK_OVERFLOW);
                }
            }
        };
    }

    Code statement(Stmt s) {
        return s.accept(statements);
    }

    /** The code of each kind of statement. */
    private final Stmt.Visitor<Code> statements = new Stmt.Visitor<>() {
        public Code visitExpr(Stmt.ExprStmt e) {
            Eval x = expr(e.expr());
            return x::eval;
        }

        public Code visitAssign(Stmt.Assign a) {
            return assign(a);
        }

        public Code visitIf(Stmt.If f) {
            return ifStatement(f);
        }

        public Code visitFor(Stmt.For f) {
            return f.threaded() ? threadedFor(f) : forLoop(f);
        }

        public Code visitWhile(Stmt.While w) {
            return whileLoop(w);
        }

        public Code visitBlock(Stmt.Block b) {
            return b.scoped() ? letBlock(b) : block(b.body());
        }

        public Code visitFunction(Stmt.Function f) {
            return c -> { };
        }

        public Code visitUsing(Stmt.Using u) {
            return c -> { };
        }

        public Code visitReturn(Stmt.Return r) {
            Eval v = r.value() == null ? c -> Value.Nothing.NOTHING : expr(r.value());
            return c -> {
                throw new Interpreter.Return(v.eval(c));
            };
        }

        public Code visitBreak(Stmt.Break b) {
            return c -> {
                throw Interpreter.Break.INSTANCE;
            };
        }

        public Code visitContinue(Stmt.Continue k) {
            return c -> {
                throw Interpreter.Continue.INSTANCE;
            };
        }

        public Code visitTensor(Stmt.Tensor t) {
            return c -> c.tensors.execute(t);
        }

        public Code visitShow(Stmt.Show sh) {
            Eval x = expr(sh.expr());
            return c -> c.out().println(sh.text() + " = " + ValueFormat.show(x.eval(c)));
        }

        public Code visitBufferScope(Stmt.BufferScope b) {
            return bufferScope(b);
        }

        public Code visitPrintBufferUsage(Stmt.PrintBufferUsage p) {
            return printBufferUsage(p);
        }
    };

    private Code whileLoop(Stmt.While w) {
        Eval cond = expr(w.condition());
        Code body = block(w.body());
        boolean limited = interp.limited();
        return c -> {
            c.loops.push(w);
            try {
                while (interp.condition(cond.eval(c), w.condition())) {
                    long steps = ++c.steps; // an empty body is still a step, so a spinning loop times out
                    if (limited) {
                        interp.checkLimits(c, w, steps);
                    }
                    if (!iteration(body, c)) {
                        break;
                    }
                }
            } finally {
                c.loops.pop();
            }
        };
    }

    private Code printBufferUsage(Stmt.PrintBufferUsage p) {
        List<Eval> names = p.buffers().stream().map(this::read).toList();
        Code body = block(p.body());
        return c -> {
            for (int i = 0; i < names.size(); i++) {
                Value v = names.get(i).eval(c);
                if (!(v instanceof Value.BufferValue || v instanceof Value.ThreadsBufferValue)) {
                    Expr.Name n = p.buffers().get(i);
                    throw new ScriptError(n.pos(), "@print_buffer_usage: " + n.name() + " is " + Arith.describe(v)
                            + ", not a buffer or a ThreadsBuffer");
                }
            }
            interp.usageBlockReached(p);
            body.exec(c);
        };
    }

    /**
     * {@code let ... end}: a scope of its own, as in Julia: its bindings are always its own
     * variables; a name its body assigns is the enclosing function's (or let's) when that has it,
     * else the let's own (a global is not replaced).
     */
    private Code letBlock(Stmt.Block b) {
        Scope outer = scope;
        Scope inner = Scope.inside(outer);
        for (Stmt st : b.body()) { // the bindings; the body is the last statement, a block
            if (st instanceof Stmt.Assign a && a.targets().get(0) instanceof Expr.Name n) {
                inner.declare(n.name());
            }
        }
        Scope assigned = Scope.global();
        declareAssigned(b.body(), assigned);
        for (int i = 0; i < assigned.size(); i++) {
            String name = assigned.name(i);
            boolean enclosing = false;
            for (Scope s = outer; s != null && !s.isGlobal(); s = s.parent) {
                enclosing |= s.find(name) >= 0;
            }
            if (!enclosing) {
                inner.declare(name);
            }
        }
        scope = inner;
        Code body;
        try {
            body = block(b.body());
        } finally {
            scope = outer;
        }
        return c -> {
            Frame frame = new Frame(inner, c.frame, inner.size());
            Frame saved = c.frame;
            c.frame = frame;
            try {
                body.exec(c);
            } finally {
                c.frame = saved;
            }
        };
    }

    /** Runs a loop body once; false when it breaks. */
    /**
     * As {@link #iteration}, in a loop of a nest ({@code for i in 1:n, j in 1:m}): a break there
     * leaves the whole nest, as in Julia.
     */
    private static boolean nextIteration(Code body, Ctx c, boolean nested) {
        if (iteration(body, c)) {
            return true;
        }
        if (nested) {
            throw Interpreter.Break.INSTANCE;
        }
        return false;
    }

    static boolean iteration(Code body, Ctx c) {
        try {
            body.exec(c);
        } catch (Interpreter.Break b) {
            return false;
        } catch (Interpreter.Continue k) {
            return true;
        }
        return true;
    }

    private Code assign(Stmt.Assign s) {
        Eval value = s.op() == AssignOp.BROADCAST ? null : expr(s.value());
        if (s.targets().size() > 1) {
            List<Store> targets = s.targets().stream().map(this::target).toList();
            return c -> {
                Value v = value.eval(c);
                if (!(v instanceof Value.Tuple t) || t.items().size() != targets.size()) {
                    throw new ScriptError(s.pos(), "cannot assign " + Arith.describe(v) + " to "
                            + targets.size() + " variables; the right side must be a tuple of that length");
                }
                for (int i = 0; i < targets.size(); i++) {
                    targets.get(i).store(c, t.items().get(i));
                }
            };
        }
        Expr targetExpr = s.targets().get(0);
        Store target = target(targetExpr);
        if (s.op() == AssignOp.BROADCAST) {
            Eval dst = expr(targetExpr);
            Broadcasts.Kernel kernel = Broadcasts.compile(this, interp, s.value());
            return c -> Broadcasts.assign(kernel, targetExpr, dst.eval(c), c);
        }
        if (s.op() == AssignOp.SET) {
            if (targetExpr instanceof Expr.Name n && !callFree(s.value())) {
                String hint = n.name();
                return c -> {
                    c.nameHint = hint;
                    Value v;
                    try {
                        v = value.eval(c);
                    } finally {
                        c.nameHint = null;
                    }
                    target.store(c, v);
                };
            }
            return c -> target.store(c, value.eval(c));
        }
        Expr.BinOp op = switch (s.op()) {
            case ADD -> Expr.BinOp.ADD;
            case SUB -> Expr.BinOp.SUB;
            case MUL -> Expr.BinOp.MUL;
            default -> Expr.BinOp.DIV;
        };
        Eval old = expr(targetExpr);
        return c -> {
            Value before = old.eval(c);
            target.store(c, Arith.binary(op, before, value.eval(c)));
        };
    }

    /**
     * Whether an expression calls nothing (literals, names, operators): then no builtin can take the
     * assigned name as the name of what it makes, and the assignment sets no hint.
     */
    private static boolean callFree(Expr e) {
        if (e instanceof Expr.IntLit || e instanceof Expr.FloatLit || e instanceof Expr.BoolLit
                || e instanceof Expr.StrLit || e instanceof Expr.Name) {
            return true;
        }
        if (e instanceof Expr.Binary b) {
            return callFree(b.left()) && callFree(b.right());
        }
        if (e instanceof Expr.Unary u) {
            return callFree(u.operand());
        }
        if (e instanceof Expr.Logical l) {
            return callFree(l.left()) && callFree(l.right());
        }
        return false;
    }

    /** Where an assignment stores: a variable, an element of a tensor, a Ref. */
    private Store target(Expr target) {
        if (target instanceof Expr.Name n) {
            Store var = write(n.name());
            String name = n.name();
            return (c, v) -> {
                if (v instanceof Value.BufferValue b && b.buffer().name().equals("buffer")) {
                    b.buffer().setName(name);
                }
                var.store(c, v);
            };
        }
        Expr.Index ix = (Expr.Index) target;
        Eval container = expr(ix.target());
        Eval[] indices = exprs(ix.indices());
        return (c, v) -> {
            Value holder = container.eval(c);
            if (holder instanceof Value.Ref r) {
                if (indices.length > 0) {
                    throw new ScriptError(ix.pos(), "a Ref is written with r[] = value");
                }
                r.set(v);
                return;
            }
            if (holder instanceof Value.TensorValue t) {
                if (!Arith.isNumber(v)) {
                    throw new ScriptError(ix.pos(), "cannot store " + Arith.describe(v) + " in a tensor element");
                }
                Tensor tensor = t.tensor();
                int[] idx = Indexing.indices(ix, Indexing.indexValues(ix, indices, c), tensor);
                double x = TensorElements.stored(tensor, v);
                if (idx.length == 1 && tensor.rank() != 1) {
                    tensor.setLinear(idx[0], x);
                } else {
                    tensor.set(x, idx);
                }
                return;
            }
            throw new ScriptError(ix.pos(), "cannot assign into " + Arith.describe(holder));
        };
    }

    private Code ifStatement(Stmt.If s) {
        Eval[] conditions = new Eval[s.branches().size()];
        Code[] bodies = new Code[conditions.length];
        for (int i = 0; i < conditions.length; i++) {
            conditions[i] = expr(s.branches().get(i).condition());
            bodies[i] = block(s.branches().get(i).body());
        }
        Code otherwise = s.elseBody() == null ? null : block(s.elseBody());
        return c -> {
            for (int i = 0; i < conditions.length; i++) {
                if (interp.condition(conditions[i].eval(c), s.branches().get(i).condition())) {
                    bodies[i].exec(c);
                    return;
                }
            }
            if (otherwise != null) {
                otherwise.exec(c);
            }
        };
    }

    private Code forLoop(Stmt.For s) {
        Eval iterable = expr(s.iterable());
        Store var = write(s.var());
        Eval outer = stored(s.var());
        Code body = block(s.body());
        boolean nested = s.nested();
        return c -> {
            Value it = iterable.eval(c);
            // as in Julia, the loop's variable is its own: a variable of that name keeps its value
            Value before = outer.eval(c);
            c.loops.push(s);
            try {
                if (it instanceof Value.Range r) {
                    long n = r.length();
                    for (long k = 0; k < n; k++) {
                        var.store(c, new Value.Int(r.start() + k * r.step()));
                        if (!nextIteration(body, c, nested)) {
                            break;
                        }
                    }
                } else if (it instanceof Value.Tuple t) {
                    for (Value v : t.items()) {
                        var.store(c, v);
                        if (!nextIteration(body, c, nested)) {
                            break;
                        }
                    }
                } else if (it instanceof Value.TensorValue t) {
                    // its elements in column-major order, as Julia iterates an array (read as the loop reaches them)
                    Tensor tensor = t.tensor();
                    long n = tensor.length();
                    for (long k = 0; k < n; k++) {
                        double x;
                        try {
                            x = tensor.getLinear(k);
                        } catch (BufferException err) {
                            throw new ScriptError(s.iterable().pos(), err.getMessage());
                        }
                        var.store(c, TensorElements.read(tensor, x));
                        if (!nextIteration(body, c, nested)) {
                            break;
                        }
                    }
                } else {
                    throw new ScriptError(s.iterable().pos(), "cannot loop over " + Arith.describe(it)
                            + "; loop over a range (1:n), a tuple or a tensor");
                }
            } finally {
                c.loops.pop();
                if (before != null) {
                    var.store(c, before);
                }
            }
        };
    }

    /** {@code Threads.@threads for}: the body has a scope of its own; iterations run on the pool. */
    private Code threadedFor(Stmt.For s) {
        Eval iterable = expr(s.iterable());
        Scope outer = scope;
        Scope body = Scope.inside(outer);
        int var = body.declare(s.var());
        declareAssigned(s.body(), body);
        scope = body;
        Code code;
        try {
            code = block(s.body());
        } finally {
            scope = outer;
        }
        return c -> interp.threaded.threadedLoop(c, s, iterable.eval(c), body, var, code);
    }

    private Code bufferScope(Stmt.BufferScope s) {
        List<Eval> lengths = s.buffers().stream().map(b -> expr(b.length())).toList();
        List<Store> stores = new ArrayList<>();
        List<Eval> reads = new ArrayList<>();
        for (Stmt.ScopedBuffer b : s.buffers()) {
            stores.add(write(b.name()));
            reads.add(peek(b.name()));
        }
        Code body = block(s.body());
        return c -> interp.threaded.bufferScope(c, s, lengths, stores, reads, body);
    }

    /** Reads a variable of the current scope without failing when it has no value (null then). */
    private Eval peek(String name) {
        int local = scope.find(name);
        if (local < 0 && !scope.isGlobal()) {
            int slot = interp.globalSlot(name);
            return c -> interp.globalFrame().slots[slot];
        }
        int slot = local >= 0 ? local : scope.declare(name);
        return c -> c.frame.slots[slot];
    }
}
