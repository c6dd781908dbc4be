package io.github.bufdsl.exec;

import io.github.bufdsl.ast.AssignOp;
import io.github.bufdsl.ast.AssignedNames;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.ExprPrinter;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.runtime.BufferException;
import io.github.bufdsl.runtime.BufferRules;
import io.github.bufdsl.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns resolved statements and expressions into a tree of small executable nodes, once, before
 * they run: names become slots of a frame, builtins are looked up once per call site, literals
 * are made once. Executing a node does only the work its statement asks for; what an error
 * message needs (printed calls, positions) is computed when the error happens.
 */
final class Compiler {
    /** A compiled expression. */
    interface Eval {
        Value eval(Ctx c);
    }

    /** A compiled statement. */
    interface Code {
        void exec(Ctx c);
    }

    private final Interpreter interp;
    private Scope scope;

    Compiler(Interpreter interp, Scope scope) {
        this.interp = interp;
        this.scope = scope;
    }

    // ------------------------------------------------------------------ scopes

    /**
     * Declares in {@code into} every name {@code body} assigns: targets, loop variables, scoped
     * buffers, {@code :=} outputs. Threaded loops and functions have scopes of their own and are
     * not entered.
     */
    static void declareAssigned(List<Stmt> body, Scope into) {
        AssignedNames.collect(body, false, into::declare);
    }

    /** Where a variable is read from: the innermost scope declaring it, then outward; the globals last. */
    private Eval read(Expr.Name e) {
        List<int[]> places = new ArrayList<>();
        int depth = 0;
        for (Scope s = scope; s != null; s = s.parent, depth++) {
            int slot = s.isGlobal() ? s.declare(e.name()) : s.find(e.name());
            if (slot >= 0) {
                places.add(new int[] {depth, slot});
            }
        }
        String name = e.name();
        if (places.size() == 1 && places.get(0)[0] == 0) {
            int slot = places.get(0)[1];
            return c -> {
                Value v = c.frame.slots[slot];
                return v != null ? v : interp.undefined(e);
            };
        }
        int[] depths = places.stream().mapToInt(p -> p[0]).toArray();
        int[] slots = places.stream().mapToInt(p -> p[1]).toArray();
        return c -> {
            for (int i = 0; i < depths.length; i++) {
                Value v = c.frame.up(depths[i]).slots[slots[i]];
                if (v != null) {
                    return v;
                }
            }
            return interp.undefined(e);
        };
    }

    /** Writes a variable of the current scope (declared there beforehand, or global). */
    interface Store {
        void store(Ctx c, Value v);
    }

    private Store write(String name) {
        Place p = place(name);
        int slot = p.slot();
        if (p.global()) {
            return (c, v) -> interp.globalFrame().slots[slot] = v;
        }
        int up = p.up();
        return up == 0 ? (c, v) -> c.frame.slots[slot] = v : (c, v) -> c.frame.up(up).slots[slot] = v;
    }

    /** Where an assignment here stores: a slot of the global frame, or of the frame {@code up} levels out. */
    private record Place(boolean global, int up, int slot) {
    }

    private Place place(String name) {
        int local = scope.find(name);
        if (local < 0 && !scope.isGlobal()) {
            int depth = 1;
            for (Scope s = scope.parent; s != null && !s.isGlobal(); s = s.parent, depth++) {
                int slot = s.find(name);
                if (slot >= 0) { // a variable of an enclosing local scope (a let inside a function)
                    return new Place(false, depth, slot);
                }
            }
            return new Place(true, 0, interp.globalSlot(name));
        }
        return new Place(false, 0, local >= 0 ? local : scope.declare(name));
    }

    /** What {@link #write} stores into, read without failing when it has no value (null then). */
    private Eval stored(String name) {
        Place p = place(name);
        int slot = p.slot();
        int up = p.up();
        if (p.global()) {
            return c -> interp.globalFrame().slots[slot];
        }
        return up == 0 ? c -> c.frame.slots[slot] : c -> c.frame.up(up).slots[slot];
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
                if (!(v instanceof Value.BufferValue)) {
                    Expr.Name n = p.buffers().get(i);
                    throw new ScriptError(n.pos(), "@print_buffer_usage: " + n.name() + " is " + Arith.describe(v)
                            + ", not a buffer");
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
                int[] idx = interp.indices(ix, interp.indexValues(ix, indices, c), tensor);
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
                        if (!iteration(body, c)) {
                            if (nested) {
                                throw Interpreter.Break.INSTANCE; // leaves the whole nest, as in Julia
                            }
                            break;
                        }
                    }
                } else if (it instanceof Value.Tuple t) {
                    for (Value v : t.items()) {
                        var.store(c, v);
                        if (!iteration(body, c)) {
                            if (nested) {
                                throw Interpreter.Break.INSTANCE;
                            }
                            break;
                        }
                    }
                } else {
                    throw new ScriptError(s.iterable().pos(), "cannot loop over " + Arith.describe(it)
                            + "; loop over a range (1:n) or a tuple");
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
        return c -> interp.threadedLoop(c, s, iterable.eval(c), body, var, code);
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
        return c -> interp.bufferScope(c, s, lengths, stores, reads, body);
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

    // ------------------------------------------------------------------ expressions

    Eval[] exprs(List<Expr> list) {
        Eval[] out = new Eval[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = expr(list.get(i));
        }
        return out;
    }

    Eval expr(Expr e) {
        if (e instanceof Expr.IntLit i) {
            Value v = new Value.Int(i.value());
            return c -> v;
        }
        if (e instanceof Expr.FloatLit f) {
            Value v = f.single() ? new Value.Float32((float) f.value()) : new Value.Float(f.value());
            return c -> v;
        }
        if (e instanceof Expr.StrLit s) {
            Value v = new Value.Str(s.value());
            return c -> v;
        }
        if (e instanceof Expr.BoolLit b) {
            Value v = Value.Bool.of(b.value());
            return c -> v;
        }
        if (e instanceof Expr.Name n) {
            return read(n);
        }
        if (e instanceof Expr.Call call) {
            return call(call);
        }
        if (e instanceof Expr.Binary b) {
            return binary(b);
        }
        if (e instanceof Expr.Logical l) {
            Eval left = expr(l.left());
            Eval right = expr(l.right());
            boolean and = l.isAnd();
            return c -> {
                boolean x = interp.condition(left.eval(c), l.left());
                if (and ? !x : x) {
                    return Value.Bool.of(x);
                }
                return Value.Bool.of(interp.condition(right.eval(c), l.right()));
            };
        }
        if (e instanceof Expr.Unary u) {
            Eval operand = expr(u.operand());
            return c -> Interpreter.unary(u, operand.eval(c));
        }
        if (e instanceof Expr.Index ix) {
            Eval target = expr(ix.target());
            Eval[] indices = exprs(ix.indices());
            return c -> interp.index(ix, target.eval(c), indices, c);
        }
        if (e instanceof Expr.Range r) {
            Eval start = expr(r.start());
            Eval step = r.step() == null ? null : expr(r.step());
            Eval stop = expr(r.stop());
            return c -> {
                long a = Interpreter.integer(start.eval(c), r.start().pos(), "a range bound");
                long d = step == null ? 1 : Interpreter.integer(step.eval(c), r.step().pos(), "a range step");
                long b = Interpreter.integer(stop.eval(c), r.stop().pos(), "a range bound");
                if (d == 0) {
                    throw new ScriptError(r.step().pos(), "a range step cannot be zero");
                }
                return new Value.Range(a, d, b);
            };
        }
        if (e instanceof Expr.Tuple t) {
            Eval[] items = exprs(t.items());
            return c -> {
                Value[] vs = new Value[items.length];
                for (int i = 0; i < vs.length; i++) {
                    vs[i] = items[i].eval(c);
                }
                return new Value.Tuple(List.of(vs));
            };
        }
        if (e instanceof Expr.Broadcast) {
            Broadcasts.Kernel kernel = Broadcasts.compile(this, interp, e);
            return c -> Broadcasts.value(kernel, c);
        }
        if (e instanceof Expr.Ternary t) {
            Eval cond = expr(t.condition());
            Eval yes = expr(t.ifTrue());
            Eval no = expr(t.ifFalse());
            return c -> interp.condition(cond.eval(c), t.condition()) ? yes.eval(c) : no.eval(c);
        }
        if (e instanceof Expr.Parametric p) {
            return c -> {
                throw new ScriptError(p.pos(), p.name() + "{...} must be called");
            };
        }
        if (e instanceof Expr.Colon) {
            return c -> {
                throw new ScriptError(e.pos(), "`:` is only allowed in an index");
            };
        }
        return c -> {
            throw new ScriptError(e.pos(), "fields are not supported");
        };
    }

    /**
     * A binary operator, specialised by operator at compile time: + - * / and the comparisons on
     * Int and Float64 operands are computed in place (Int + Int only while it does not overflow,
     * comparisons of two Float64s by IEEE rules, as Julia's); everything else (Float32 operands among
     * it), and every error, goes through {@link Arith#binary}, which has the full rules.
     */
    private Eval binary(Expr.Binary e) {
        Eval left = expr(e.left());
        Eval right = expr(e.right());
        Expr.BinOp op = e.op();
        Pos pos = e.pos();
        return switch (op) {
            case ADD -> c -> {
                Value l = left.eval(c);
                Value r = right.eval(c);
                if (l instanceof Value.Float a) {
                    if (r instanceof Value.Float b) {
                        return new Value.Float(a.value() + b.value());
                    }
                    if (r instanceof Value.Int b) {
                        return new Value.Float(a.value() + b.value());
                    }
                } else if (l instanceof Value.Int a) {
                    if (r instanceof Value.Int b) {
                        long x = a.value();
                        long y = b.value();
                        long z = x + y;
                        if (((x ^ z) & (y ^ z)) >= 0) {
                            return new Value.Int(z);
                        }
                    } else if (r instanceof Value.Float b) {
                        return new Value.Float(a.value() + b.value());
                    }
                }
                return slow(op, l, r, pos);
            };
            case SUB -> c -> {
                Value l = left.eval(c);
                Value r = right.eval(c);
                if (l instanceof Value.Float a) {
                    if (r instanceof Value.Float b) {
                        return new Value.Float(a.value() - b.value());
                    }
                    if (r instanceof Value.Int b) {
                        return new Value.Float(a.value() - b.value());
                    }
                } else if (l instanceof Value.Int a) {
                    if (r instanceof Value.Int b) {
                        long x = a.value();
                        long y = b.value();
                        long z = x - y;
                        if (((x ^ y) & (x ^ z)) >= 0) {
                            return new Value.Int(z);
                        }
                    } else if (r instanceof Value.Float b) {
                        return new Value.Float(a.value() - b.value());
                    }
                }
                return slow(op, l, r, pos);
            };
            case MUL -> c -> {
                Value l = left.eval(c);
                Value r = right.eval(c);
                if (l instanceof Value.Float a) {
                    if (r instanceof Value.Float b) {
                        return new Value.Float(a.value() * b.value());
                    }
                    if (r instanceof Value.Int b) {
                        return new Value.Float(a.value() * b.value());
                    }
                } else if (l instanceof Value.Int a && r instanceof Value.Float b) {
                    return new Value.Float(a.value() * b.value());
                }
                return slow(op, l, r, pos); // Int * Int checks for overflow there
            };
            case DIV -> c -> {
                Value l = left.eval(c);
                Value r = right.eval(c);
                if ((l instanceof Value.Float || l instanceof Value.Int)
                        && (r instanceof Value.Float || r instanceof Value.Int)) {
                    return new Value.Float(number(l) / number(r));
                }
                return slow(op, l, r, pos);
            };
            case LT, LE, GT, GE -> c -> {
                Value l = left.eval(c);
                Value r = right.eval(c);
                if (l instanceof Value.Int a && r instanceof Value.Int b) {
                    return Value.Bool.of(compare(op, Long.compare(a.value(), b.value())));
                }
                if (l instanceof Value.Float a) {
                    if (r instanceof Value.Float b) {
                        return Value.Bool.of(Arith.compareFloats(op, a.value(), b.value()));
                    }
                    if (r instanceof Value.Int b && Arith.exactDouble(b.value())) {
                        return Value.Bool.of(Arith.compareFloats(op, a.value(), b.value()));
                    }
                } else if (l instanceof Value.Int a && r instanceof Value.Float b && Arith.exactDouble(a.value())) {
                    return Value.Bool.of(Arith.compareFloats(op, a.value(), b.value()));
                }
                return slow(op, l, r, pos); // Float32, and Int64s beyond 2^53, compare exactly there
            };
            case EQ, NE -> c -> {
                Value l = left.eval(c);
                Value r = right.eval(c);
                if (l instanceof Value.Int a && r instanceof Value.Int b) {
                    return Value.Bool.of((a.value() == b.value()) == (op == Expr.BinOp.EQ));
                }
                return slow(op, l, r, pos);
            };
            default -> c -> slow(op, left.eval(c), right.eval(c), pos);
        };
    }

    private static boolean compare(Expr.BinOp op, int c) {
        return switch (op) {
            case LT -> c < 0;
            case LE -> c <= 0;
            case GT -> c > 0;
            default -> c >= 0;
        };
    }

    /** An Int or Float64 as a double. */
    private static double number(Value v) {
        return v instanceof Value.Float f ? f.value() : ((Value.Int) v).value();
    }

    private static Value slow(Expr.BinOp op, Value l, Value r, Pos pos) {
        try {
            return Arith.binary(op, l, r);
        } catch (ScriptError err) {
            throw err.at(pos);
        }
    }

    /** A call site: a user function (looked up when called, so a REPL may redefine it) or a builtin. */
    private Eval call(Expr.Call e) {
        Eval[] args = exprs(e.args());
        String name = e.calleeName();
        if (interp.isUserFunction(name)) {
            return c -> {
                Value[] values = new Value[args.length];
                for (int i = 0; i < values.length; i++) {
                    values[i] = args[i].eval(c);
                }
                try {
                    return interp.callUser(c, name, values, e.pos());
                } catch (ScriptError err) {
                    throw err.pos() != null ? err : new ScriptError(e.pos(), callText(e) + ": " + err.getMessage());
                }
            };
        }
        CallSite site = new CallSite(e, interp.builtin(name));
        String[] kwNames = e.kwargs().stream().map(Expr.KwArg::name).toArray(String[]::new);
        Eval[] kwValues = exprs(e.kwargs().stream().map(Expr.KwArg::value).toList());
        Eval[] params = e.callee() instanceof Expr.Parametric p ? exprs(p.params()) : new Eval[0];
        return c -> {
            Value[] values = new Value[args.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = args[i].eval(c);
            }
            try {
                Map<String, Value> kwargs = Map.of();
                if (kwNames.length > 0) {
                    kwargs = new LinkedHashMap<>();
                    for (int i = 0; i < kwNames.length; i++) {
                        kwargs.put(kwNames[i], kwValues[i].eval(c));
                    }
                }
                List<Value> typeParams = List.of();
                if (params.length > 0) {
                    Value[] ps = new Value[params.length];
                    for (int i = 0; i < ps.length; i++) {
                        ps[i] = params[i].eval(c);
                    }
                    typeParams = Arrays.asList(ps);
                }
                return site.impl().call(new Builtin.Call(c, site, Arrays.asList(values), kwargs, typeParams));
            } catch (ScriptError err) {
                throw err.pos() != null ? err : new ScriptError(e.pos(), callText(e) + ": " + err.getMessage());
            } catch (BufferException err) {
                // a tensor used after it was given back is named by the message itself, as wherever it is used
                throw new ScriptError(e.pos(), err.violation() instanceof BufferRules.Violation.UsedAfterGivenBack
                        ? err.getMessage() : callText(e) + ": " + err.getMessage());
            }
        };
    }

    static String callText(Expr.Call e) {
        String text = ExprPrinter.print(e);
        return text.length() > 60 ? e.calleeName() + "(...)" : text;
    }

    /**
     * A builtin's call site: its implementation, found once, and the text that names the call in
     * messages ("drop!(buf, A) at line 7"), made the first time one needs it.
     */
    static final class CallSite {
        private final Expr.Call node;
        private final Builtin.Impl impl;
        private volatile String site;

        CallSite(Expr.Call node, Builtin.Impl impl) {
            this.node = node;
            this.impl = impl;
        }

        Expr.Call node() {
            return node;
        }

        Builtin.Impl impl() {
            return impl;
        }

        String site() {
            String s = site;
            if (s == null) {
                s = callText(node) + " at line " + node.pos().line();
                site = s;
            }
            return s;
        }
    }
}
