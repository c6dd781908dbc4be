package io.github.bufdsl.exec;

import io.github.bufdsl.ast.AssignOp;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.ExprPrinter;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.resolve.Resolution;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.BufferException;
import io.github.bufdsl.runtime.Contractor;
import io.github.bufdsl.runtime.ElementType;
import io.github.bufdsl.runtime.MemoryBudget;
import io.github.bufdsl.runtime.Tensor;
import io.github.bufdsl.runtime.ThreadsBuffer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Executes a resolved program over real buffers: a tree-walking interpreter (statements and
 * expressions are visited). Each run has its own state; one instance runs once.
 */
public final class Interpreter implements Stmt.Visitor<Void>, Expr.Visitor<Value> {
    /** Called when a {@code @print_buffer_usage} block is reached, before it runs. */
    public interface UsageHook {
        void blockReached(Stmt.PrintBufferUsage block);
    }

    /** How to run: where output goes, the free variables' values, the random seed (null: random). */
    public record Options(PrintStream out, Map<String, Value> variables, Long seed, UsageHook usageHook,
            Limits limits) {
        public Options {
            variables = Map.copyOf(variables);
        }

        public Options(PrintStream out, Map<String, Value> variables, Long seed, UsageHook usageHook) {
            this(out, variables, seed, usageHook, Limits.NONE);
        }
    }

    /**
     * What a run may use: statements executed (0: no limit), wall time in milliseconds (0: none),
     * nesting of calls, and the memory budget that buffers take from.
     */
    public record Limits(long maxSteps, long timeoutMillis, int maxCallDepth, MemoryBudget memory, int threads,
            java.nio.file.Path ioRoot) {
        public static final Limits NONE = new Limits(0, 0, 2000, MemoryBudget.UNLIMITED, 0, null);

        public Limits(long maxSteps, long timeoutMillis, int maxCallDepth, MemoryBudget memory) {
            this(maxSteps, timeoutMillis, maxCallDepth, memory, 0, null);
        }
    }

    /**
     * A file a script may read or write: only below the folder {@code --allow-io} gives.
     *
     * @throws ScriptError when file access is off or the path leaves that folder
     */
    java.nio.file.Path file(String path) {
        java.nio.file.Path root = options.limits().ioRoot();
        if (root == null) {
            throw new ScriptError("file access is off; run with --allow-io DIR to read and write .npy files below DIR");
        }
        java.nio.file.Path base = root.toAbsolutePath().normalize();
        java.nio.file.Path p = base.resolve(path).normalize();
        if (!p.startsWith(base)) {
            throw new ScriptError(path + " is outside the folder --allow-io gives; name files below it");
        }
        return p;
    }

    /** Buffers a ThreadsBuffer has by default: --threads, or one per processor. */
    int threads() {
        int t = options.limits().threads();
        return t > 0 ? t : Runtime.getRuntime().availableProcessors();
    }

    private Resolution resolution;
    private final Options options;
    private final Map<String, Value> globals = new HashMap<>();
    private Map<String, Value> locals;
    private final List<Buffer> buffers = new ArrayList<>();
    private final List<ThreadsBuffer> threadsBuffers = new ArrayList<>();
    private final Contractor contractor = new Contractor();
    private final RandomGenerator random;
    private final Builtin.Table builtins = Builtin.table();
    private final TensorEval tensors;
    private int callDepth;
    private String nameHint;
    private long steps;
    private final long deadline;
    private final java.util.ArrayDeque<Stmt> loops = new java.util.ArrayDeque<>();

    public Interpreter(Resolution resolution, Options options) {
        this.resolution = resolution;
        this.options = options;
        this.random = options.seed() == null ? new SplittableRandom() : new SplittableRandom(options.seed());
        this.tensors = new TensorEval(this, contractor);
        globals.putAll(options.variables());
        this.deadline = options.limits().timeoutMillis() > 0
                ? System.nanoTime() + options.limits().timeoutMillis() * 1_000_000L : 0;
    }

    /**
     * Runs the program.
     *
     * @throws DiagnosticException (runtime) at the statement that failed
     */
    public void run() {
        try {
            execute(resolution.program().body());
        } catch (ScriptError e) {
            throw new DiagnosticException(Phase.RUNTIME, e.pos() == null ? Pos.NONE : e.pos(), e.getMessage());
        } catch (StackOverflowError e) {
            throw new DiagnosticException(Phase.RUNTIME, Pos.NONE, "the script recursed too deeply");
        }
    }

    /**
     * Runs more statements in this run's state, as a REPL does: {@code next} resolves the whole
     * session so far (its functions are known), and only {@code statements} (the new ones) run.
     *
     * @throws DiagnosticException (runtime) at the statement that failed; what ran before stays done
     */
    public void runMore(Resolution next, List<Stmt> statements) {
        this.resolution = next;
        try {
            execute(statements);
        } catch (ScriptError e) {
            throw new DiagnosticException(Phase.RUNTIME, e.pos() == null ? Pos.NONE : e.pos(), e.getMessage());
        } catch (StackOverflowError e) {
            throw new DiagnosticException(Phase.RUNTIME, Pos.NONE, "the script recursed too deeply");
        }
    }

    /** The buffers the script created, in order. */
    public List<Buffer> buffers() {
        return List.copyOf(buffers);
    }

    /** The script's global variables after the run. */
    public Map<String, Value> globals() {
        return new LinkedHashMap<>(globals);
    }

    /** The contraction engine (for its workspace figures). */
    public Contractor contractor() {
        return contractor;
    }

    /**
     * Elements of workspace @tensor took at most: the contraction engine's permuted copies and the
     * intermediates of products of three or more tensors.
     */
    public long workspaceHighWater() {
        return contractor.workspaceHighWater() + tensors.scratchHighWater();
    }

    PrintStream out() {
        return options.out();
    }

    RandomGenerator random() {
        return random;
    }

    MemoryBudget memory() {
        return options.limits().memory();
    }

    void registerBuffer(Buffer b) {
        buffers.add(b);
    }

    void registerThreadsBuffer(ThreadsBuffer t) {
        threadsBuffers.add(t);
    }

    /** Sets a variable in the current scope. */
    void setVariable(String name, Value v) {
        (locals != null ? locals : globals).put(name, v);
    }

    /** The variable an allocation is being assigned to, for error messages, or null. */
    String nameHint() {
        return nameHint;
    }

    // ------------------------------------------------------------------ statements

    void execute(List<Stmt> body) {
        for (Stmt s : body) {
            steps++;
            if (options.limits().maxSteps() > 0 || (deadline != 0 && (steps & 1023) == 0)) {
                checkLimits(s);
            }
            try {
                s.accept(this);
            } catch (ScriptError e) {
                throw e.at(s.pos());
            } catch (BufferException e) {
                throw new ScriptError(s.pos(), e.getMessage());
            }
        }
    }

    private void checkLimits(Stmt at) {
        Limits l = options.limits();
        if (l.maxSteps() > 0 && steps > l.maxSteps()) {
            throw new ScriptError(where(at), "the run passed --max-steps " + l.maxSteps() + " (statements executed)"
                    + inLoop());
        }
        if (deadline != 0 && System.nanoTime() - deadline > 0) {
            throw new ScriptError(where(at), "the run passed --timeout " + l.timeoutMillis() / 1000.0 + " s" + inLoop());
        }
    }

    private Pos where(Stmt at) {
        return loops.isEmpty() ? at.pos() : loops.peek().pos();
    }

    private String inLoop() {
        if (loops.isEmpty()) {
            return "";
        }
        Stmt loop = loops.peek();
        return loop instanceof Stmt.For f ? " in the loop over " + f.var() + "; is it endless?"
                : " in this while loop; is it endless?";
    }

    private static final class Return extends RuntimeException {
        final Value value;

        Return(Value value) {
            super(null, null, false, false);
            this.value = value;
        }
    }

    private static final class Break extends RuntimeException {
        static final Break INSTANCE = new Break();

        Break() {
            super(null, null, false, false);
        }
    }

    private static final class Continue extends RuntimeException {
        static final Continue INSTANCE = new Continue();

        Continue() {
            super(null, null, false, false);
        }
    }

    @Override
    public Void visitExpr(Stmt.ExprStmt s) {
        eval(s.expr());
        return null;
    }

    @Override
    public Void visitAssign(Stmt.Assign s) {
        if (s.targets().size() > 1) {
            Value v = eval(s.value());
            if (!(v instanceof Value.Tuple t) || t.items().size() != s.targets().size()) {
                throw new ScriptError(s.pos(), "cannot assign " + Arith.describe(v) + " to "
                        + s.targets().size() + " variables; the right side must be a tuple of that length");
            }
            for (int i = 0; i < t.items().size(); i++) {
                assign(s.targets().get(i), t.items().get(i));
            }
            return null;
        }
        Expr target = s.targets().get(0);
        if (s.op() == AssignOp.BROADCAST) {
            broadcast(target, eval(s.value()));
            return null;
        }
        if (s.op() == AssignOp.SET) {
            Value v;
            if (target instanceof Expr.Name n) {
                nameHint = n.name();
                try {
                    v = eval(s.value());
                } finally {
                    nameHint = null;
                }
            } else {
                v = eval(s.value());
            }
            assign(target, v);
            return null;
        }
        Expr.BinOp op = switch (s.op()) {
            case ADD -> Expr.BinOp.ADD;
            case SUB -> Expr.BinOp.SUB;
            case MUL -> Expr.BinOp.MUL;
            default -> Expr.BinOp.DIV;
        };
        Value old = eval(target);
        assign(target, Arith.binary(op, old, eval(s.value())));
        return null;
    }

    private void assign(Expr target, Value v) {
        if (target instanceof Expr.Name n) {
            if (v instanceof Value.BufferValue b && b.buffer().name().equals("buffer")) {
                b.buffer().setName(n.name());
            }
            (locals != null ? locals : globals).put(n.name(), v);
            return;
        }
        Expr.Index ix = (Expr.Index) target;
        Value container = eval(ix.target());
        if (container instanceof Value.Ref r) {
            if (!ix.indices().isEmpty()) {
                throw new ScriptError(ix.pos(), "a Ref is written with r[] = value");
            }
            r.set(v);
            return;
        }
        if (container instanceof Value.TensorValue t) {
            if (!Arith.isNumber(v)) {
                throw new ScriptError(ix.pos(), "cannot store " + Arith.describe(v) + " in a tensor element");
            }
            Tensor tensor = t.tensor();
            int[] idx = indices(ix, tensor);
            if (idx.length == 1 && tensor.rank() != 1) {
                tensor.setLinear(idx[0], Arith.asDouble(v));
            } else {
                tensor.set(Arith.asDouble(v), idx);
            }
            return;
        }
        throw new ScriptError(ix.pos(), "cannot assign into " + Arith.describe(container));
    }

    private void broadcast(Expr target, Value v) {
        Value t = eval(target);
        if (!(t instanceof Value.TensorValue tv)) {
            throw new ScriptError(target.pos(), "`.=` assigns into a tensor, not " + Arith.describe(t));
        }
        Tensor dst = tv.tensor();
        if (Arith.isNumber(v)) {
            dst.fill(Arith.asDouble(v));
        } else if (v instanceof Value.TensorValue src) {
            if (!java.util.Arrays.equals(src.tensor().dims(), dst.dims())) {
                throw new ScriptError(target.pos(), "`.=` needs the same size on both sides: "
                        + dst.shapeString() + " and " + src.tensor().shapeString());
            }
            double[] values = src.tensor().toArray();
            for (int i = 0; i < values.length; i++) {
                dst.setLinear(i, values[i]);
            }
        } else {
            throw new ScriptError(target.pos(), "cannot broadcast " + Arith.describe(v) + " into a tensor");
        }
    }

    @Override
    public Void visitIf(Stmt.If s) {
        for (Stmt.Branch b : s.branches()) {
            if (condition(b.condition())) {
                execute(b.body());
                return null;
            }
        }
        if (s.elseBody() != null) {
            execute(s.elseBody());
        }
        return null;
    }

    boolean condition(Expr e) {
        Value v = eval(e);
        if (v instanceof Value.Bool b) {
            return b.value();
        }
        throw new ScriptError(e.pos(), "a condition must be true or false, not " + Arith.describe(v));
    }

    @Override
    public Void visitFor(Stmt.For s) {
        loops.push(s);
        try {
            loop(s);
        } finally {
            loops.pop();
        }
        return null;
    }

    private void loop(Stmt.For s) {
        Value it = eval(s.iterable());
        Map<String, Value> scope = locals != null ? locals : globals;
        if (it instanceof Value.Range r) {
            long n = r.length();
            for (long k = 0; k < n; k++) {
                scope.put(s.var(), new Value.Int(r.start() + k * r.step()));
                boolean more = iteration(s.body());
                if (s.threaded()) {
                    checkBuffersReturned(s);
                }
                if (!more) {
                    break;
                }
            }
        } else if (it instanceof Value.Tuple t) {
            for (Value v : t.items()) {
                scope.put(s.var(), v);
                if (!iteration(s.body())) {
                    break;
                }
            }
        } else {
            throw new ScriptError(s.iterable().pos(), "cannot loop over " + Arith.describe(it)
                    + "; loop over a range (1:n) or a tuple");
        }
    }

    /** After an iteration of a threaded loop: every ThreadsBuffer's buffer must be back in its pool. */
    private void checkBuffersReturned(Stmt.For s) {
        for (ThreadsBuffer t : threadsBuffers) {
            try {
                t.checkReturned("the Threads.@threads loop at line " + s.pos().line());
            } catch (BufferException e) {
                throw new ScriptError(s.pos(), e.getMessage());
            }
        }
    }

    /** Runs a loop body once; false when it breaks. */
    private boolean iteration(List<Stmt> body) {
        try {
            execute(body);
        } catch (Break b) {
            return false;
        } catch (Continue c) {
            return true;
        }
        return true;
    }

    @Override
    public Void visitWhile(Stmt.While s) {
        loops.push(s);
        try {
            while (condition(s.condition())) {
                if (!iteration(s.body())) {
                    break;
                }
            }
        } finally {
            loops.pop();
        }
        return null;
    }

    @Override
    public Void visitBlock(Stmt.Block s) {
        execute(s.body());
        return null;
    }

    @Override
    public Void visitFunction(Stmt.Function s) {
        return null; // defined by the resolver
    }

    @Override
    public Void visitReturn(Stmt.Return s) {
        throw new Return(s.value() == null ? Value.Nothing.NOTHING : eval(s.value()));
    }

    @Override
    public Void visitBreak(Stmt.Break s) {
        throw Break.INSTANCE;
    }

    @Override
    public Void visitContinue(Stmt.Continue s) {
        throw Continue.INSTANCE;
    }

    @Override
    public Void visitUsing(Stmt.Using s) {
        return null;
    }

    @Override
    public Void visitTensor(Stmt.Tensor s) {
        tensors.execute(s);
        return null;
    }

    @Override
    public Void visitShow(Stmt.Show s) {
        out().println(s.text() + " = " + ValueFormat.show(eval(s.expr())));
        return null;
    }

    /**
     * {@code @buffer}: fixed-size buffers that exist for the block; at its end (also when it fails)
     * every tensor of them is given back, their memory is released, and the names are gone.
     */
    @Override
    public Void visitBufferScope(Stmt.BufferScope s) {
        Map<String, Value> scope = locals != null ? locals : globals;
        Map<String, Value> shadowed = new HashMap<>();
        List<AutoCloseable> made = new ArrayList<>();
        try {
            for (Stmt.ScopedBuffer sb : s.buffers()) {
                if (s.threads()) {
                    long len = integer(eval(sb.length()), sb.length().pos(), "a buffer length");
                    ThreadsBuffer t;
                    try {
                        t = new ThreadsBuffer(len, threads(), true, memory(), sb.name());
                    } catch (BufferException e) {
                        throw new ScriptError(sb.pos(), "@threadsbuffer " + sb.name() + ": " + e.getMessage());
                    }
                    made.add(t);
                    registerThreadsBuffer(t);
                    Value old = scope.put(sb.name(), new Value.ThreadsBufferValue(t));
                    if (old != null) {
                        shadowed.put(sb.name(), old);
                    }
                    continue;
                }
                ElementType type = sb.type() instanceof Expr.Name t && t.name().equals("Float32")
                        ? ElementType.FLOAT32 : ElementType.FLOAT64;
                long len = integer(eval(sb.length()), sb.length().pos(), "a buffer length");
                Buffer b;
                try {
                    b = new Buffer(len, false, memory(), sb.name(), type);
                } catch (BufferException e) {
                    throw new ScriptError(sb.pos(), "@buffer " + sb.name() + ": " + e.getMessage());
                }
                made.add(b);
                registerBuffer(b);
                Value old = scope.put(sb.name(), new Value.BufferValue(b));
                if (old != null) {
                    shadowed.put(sb.name(), old);
                }
            }
            execute(s.body());
        } finally {
            String site = "the end of the @buffer block at line " + s.pos().line();
            for (AutoCloseable b : made) {
                if (b instanceof Buffer buffer) {
                    buffer.close(site);
                } else {
                    ((ThreadsBuffer) b).close();
                }
            }
            for (Stmt.ScopedBuffer sb : s.buffers()) {
                scope.remove(sb.name());
            }
            scope.putAll(shadowed);
        }
        return null;
    }

    @Override
    public Void visitPrintBufferUsage(Stmt.PrintBufferUsage s) {
        for (Expr.Name n : s.buffers()) {
            Value v = eval(n);
            if (!(v instanceof Value.BufferValue)) {
                throw new ScriptError(n.pos(), "@print_buffer_usage: " + n.name() + " is " + Arith.describe(v)
                        + ", not a buffer");
            }
        }
        if (options.usageHook() != null) {
            options.usageHook().blockReached(s);
        }
        execute(s.body());
        return null;
    }

    // ------------------------------------------------------------------ expressions

    Value eval(Expr e) {
        return e.accept(this);
    }

    @Override
    public Value visitInt(Expr.IntLit e) {
        return new Value.Int(e.value());
    }

    @Override
    public Value visitFloat(Expr.FloatLit e) {
        return new Value.Float(e.value());
    }

    @Override
    public Value visitString(Expr.StrLit e) {
        return new Value.Str(e.value());
    }

    @Override
    public Value visitBool(Expr.BoolLit e) {
        return Value.Bool.of(e.value());
    }

    @Override
    public Value visitName(Expr.Name e) {
        Value v = locals != null ? locals.get(e.name()) : null;
        if (v == null) {
            v = globals.get(e.name());
        }
        if (v == null) {
            v = Builtin.constant(e.name());
        }
        if (v == null) {
            if (resolution.freeVariables().containsKey(e.name())) {
                throw new ScriptError(e.pos(), e.name() + " has no value; give it with --var " + e.name() + "=...");
            }
            throw new ScriptError(e.pos(), e.name() + " is not defined yet at this point");
        }
        return v;
    }

    @Override
    public Value visitCall(Expr.Call e) {
        String name = e.calleeName();
        List<Value> args = new ArrayList<>(e.args().size());
        for (Expr a : e.args()) {
            args.add(eval(a));
        }
        Stmt.Function user = resolution.functions().get(name);
        try {
            if (user != null) {
                return callUser(user, args, e.pos());
            }
            Map<String, Value> kwargs = new LinkedHashMap<>();
            for (Expr.KwArg k : e.kwargs()) {
                kwargs.put(k.name(), eval(k.value()));
            }
            List<Value> params = new ArrayList<>();
            if (e.callee() instanceof Expr.Parametric p) {
                for (Expr x : p.params()) {
                    params.add(eval(x));
                }
            }
            return builtins.call(name, new Builtin.Call(this, e, args, kwargs, params));
        } catch (ScriptError err) {
            throw err.pos() != null ? err : new ScriptError(e.pos(), callText(e) + ": " + err.getMessage());
        } catch (BufferException err) {
            throw new ScriptError(e.pos(), callText(e) + ": " + err.getMessage());
        }
    }

    private static String callText(Expr.Call e) {
        String text = ExprPrinter.print(e);
        return text.length() > 60 ? e.calleeName() + "(...)" : text;
    }

    private Value callUser(Stmt.Function f, List<Value> args, Pos pos) {
        if (callDepth >= options.limits().maxCallDepth()) {
            throw new ScriptError(pos, "calls nest deeper than " + options.limits().maxCallDepth() + " levels in "
                    + f.name()
                    + ": is the recursion endless?");
        }
        Map<String, Value> frame = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            frame.put(f.params().get(i).name(), args.get(i));
        }
        Map<String, Value> saved = locals;
        locals = frame;
        callDepth++;
        try {
            execute(f.body());
            return Value.Nothing.NOTHING;
        } catch (Return r) {
            return r.value;
        } finally {
            callDepth--;
            locals = saved;
        }
    }

    @Override
    public Value visitParametric(Expr.Parametric e) {
        throw new ScriptError(e.pos(), e.name() + "{...} must be called");
    }

    @Override
    public Value visitIndex(Expr.Index e) {
        Value target = eval(e.target());
        if (target instanceof Value.Ref r) {
            if (!e.indices().isEmpty()) {
                throw new ScriptError(e.pos(), "a Ref is read with r[]");
            }
            return r.get();
        }
        if (target instanceof Value.TensorValue t) {
            Tensor tensor = t.tensor();
            if (e.indices().stream().anyMatch(i -> i instanceof Expr.Colon)) {
                return new Value.TensorValue(slice(e, tensor));
            }
            int[] idx = indices(e, tensor);
            try {
                return new Value.Float(idx.length == 1 && tensor.rank() != 1 ? tensor.getLinear(idx[0])
                        : tensor.get(idx));
            } catch (BufferException err) {
                throw new ScriptError(e.pos(), err.getMessage());
            }
        }
        if (target instanceof Value.Tuple t) {
            if (e.indices().size() != 1) {
                throw new ScriptError(e.pos(), "a tuple takes one index");
            }
            long i = integer(eval(e.indices().get(0)), e.indices().get(0).pos(), "a tuple index");
            if (i < 1 || i > t.items().size()) {
                throw new ScriptError(e.pos(), "index " + i + " is out of bounds 1:" + t.items().size()
                        + " of the tuple");
            }
            return t.items().get((int) i - 1);
        }
        throw new ScriptError(e.pos(), "cannot index " + Arith.describe(target));
    }

    /** {@code C[:, k]}: a view (Julia's view(C, :, k)), sharing C's memory. */
    private Tensor slice(Expr.Index e, Tensor tensor) {
        if (e.indices().size() != tensor.rank()) {
            throw new ScriptError(e.pos(), "a tensor of size " + tensor.shapeString() + " takes " + tensor.rank()
                    + " indices, not " + e.indices().size());
        }
        int[] idx = new int[e.indices().size()];
        for (int k = 0; k < idx.length; k++) {
            Expr ie = e.indices().get(k);
            if (ie instanceof Expr.Colon) {
                idx[k] = -1;
                continue;
            }
            long i = integer(eval(ie), ie.pos(), "an index");
            if (i < 1 || i > tensor.dim(k)) {
                throw new ScriptError(ie.pos(), "index " + i + " is out of bounds 1:" + tensor.dim(k) + " in dimension "
                        + (k + 1) + " of a tensor of size " + tensor.shapeString());
            }
            idx[k] = (int) (i - 1);
        }
        return tensor.slice(idx);
    }

    /** The 0-based integer indices of an indexing, checked. */
    private int[] indices(Expr.Index e, Tensor tensor) {
        int[] idx = new int[e.indices().size()];
        for (int k = 0; k < idx.length; k++) {
            Expr ie = e.indices().get(k);
            if (ie instanceof Expr.Colon) {
                throw new ScriptError(ie.pos(), "slices with `:` are not supported here; index single elements");
            }
            long i = integer(eval(ie), ie.pos(), "an index");
            long bound = idx.length == 1 && tensor.rank() != 1 ? tensor.length() : k < tensor.rank()
                    ? tensor.dim(k) : 1;
            if (idx.length != 1 && idx.length != tensor.rank()) {
                throw new ScriptError(e.pos(), "a tensor of size " + tensor.shapeString() + " takes "
                        + tensor.rank() + " indices, not " + idx.length);
            }
            if (i < 1 || i > bound) {
                throw new ScriptError(ie.pos(), "index " + i + " is out of bounds 1:" + bound
                        + (idx.length == 1 ? "" : " in dimension " + (k + 1)) + " of a tensor of size "
                        + tensor.shapeString());
            }
            idx[k] = (int) (i - 1);
        }
        return idx;
    }

    static long integer(Value v, Pos pos, String what) {
        if (v instanceof Value.Int i) {
            return i.value();
        }
        if (v instanceof Value.Float f && f.value() == Math.rint(f.value()) && Math.abs(f.value()) < 9e15) {
            return (long) f.value();
        }
        throw new ScriptError(pos, what + " must be an integer, not " + Arith.describe(v));
    }

    @Override
    public Value visitColon(Expr.Colon e) {
        throw new ScriptError(e.pos(), "`:` is only allowed in an index");
    }

    @Override
    public Value visitField(Expr.Field e) {
        throw new ScriptError(e.pos(), "fields are not supported");
    }

    @Override
    public Value visitBinary(Expr.Binary e) {
        Value l = eval(e.left());
        Value r = eval(e.right());
        try {
            return Arith.binary(e.op(), l, r);
        } catch (ScriptError err) {
            throw err.at(e.pos());
        }
    }

    @Override
    public Value visitLogical(Expr.Logical e) {
        boolean l = condition(e.left());
        if (e.isAnd() ? !l : l) {
            return Value.Bool.of(l);
        }
        return Value.Bool.of(condition(e.right()));
    }

    @Override
    public Value visitUnary(Expr.Unary e) {
        Value v = eval(e.operand());
        switch (e.op()) {
            case NOT:
                if (v instanceof Value.Bool b) {
                    return Value.Bool.of(!b.value());
                }
                throw new ScriptError(e.pos(), "! needs true or false, not " + Arith.describe(v));
            case NEG:
                if (v instanceof Value.Int i) {
                    if (i.value() == Long.MIN_VALUE) {
                        throw new ScriptError(e.pos(), "integer overflow in -" + i.value());
                    }
                    return new Value.Int(-i.value());
                }
                if (v instanceof Value.Float f) {
                    return new Value.Float(-f.value());
                }
                throw new ScriptError(e.pos(), "cannot negate " + Arith.describe(v));
            default:
                if (Arith.isNumber(v)) {
                    return v;
                }
                throw new ScriptError(e.pos(), "unary + needs a number, not " + Arith.describe(v));
        }
    }

    @Override
    public Value visitRange(Expr.Range e) {
        long start = integer(eval(e.start()), e.start().pos(), "a range bound");
        long step = e.step() == null ? 1 : integer(eval(e.step()), e.step().pos(), "a range step");
        long stop = integer(eval(e.stop()), e.stop().pos(), "a range bound");
        if (step == 0) {
            throw new ScriptError(e.step().pos(), "a range step cannot be zero");
        }
        return new Value.Range(start, step, stop);
    }

    @Override
    public Value visitTuple(Expr.Tuple e) {
        List<Value> items = new ArrayList<>(e.items().size());
        for (Expr x : e.items()) {
            items.add(eval(x));
        }
        return new Value.Tuple(List.copyOf(items));
    }
}
