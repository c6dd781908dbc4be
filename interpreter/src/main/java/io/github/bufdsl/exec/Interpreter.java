package io.github.bufdsl.exec;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.resolve.Resolution;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.MemoryBudget;
import io.github.bufdsl.runtime.ThreadsBuffer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Executes a resolved program over real buffers. The program is first compiled ({@link Compiler})
 * into a tree of nodes with variables in slots, then run. Each run has its own state; one
 * instance runs a program once (and, for a REPL, more statements after it).
 */
public final class Interpreter {
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
            java.nio.file.Path ioRoot, io.github.bufdsl.runtime.MatrixBackend.Factory backend) {
        public static final Limits NONE = new Limits(0, 0, 2000, MemoryBudget.UNLIMITED, 0, null,
                io.github.bufdsl.runtime.MatrixBackend.EJML);

        public Limits(long maxSteps, long timeoutMillis, int maxCallDepth, MemoryBudget memory) {
            this(maxSteps, timeoutMillis, maxCallDepth, memory, 0, null, io.github.bufdsl.runtime.MatrixBackend.EJML);
        }
    }

    /**
     * A file a script may read ({@code write} false) or write: only a {@code .npy} file whose real
     * path is below the folder {@code --allow-io} gives (see {@link IoFolder}).
     *
     * @throws ScriptError when file access is off or the path leaves that folder
     */
    java.nio.file.Path file(String path, boolean write) {
        if (ioFolder == null) {
            throw new ScriptError("file access is off; run with --allow-io DIR to read and write .npy files below DIR");
        }
        return write ? ioFolder.writable(path) : ioFolder.readable(path);
    }

    /** The matrix backend each thread's contractions get one of. */
    io.github.bufdsl.runtime.MatrixBackend.Factory backend() {
        return options.limits().backend();
    }

    /** Buffers a ThreadsBuffer has by default: --threads, or one per processor. */
    int threads() {
        int t = options.limits().threads();
        return t > 0 ? t : Runtime.getRuntime().availableProcessors();
    }

    private volatile Resolution resolution;
    private final IoFolder ioFolder;
    private final Options options;
    private final Scope globalScope = Scope.global();
    final Frame globals = new Frame(globalScope, null, 16);
    // Buffers are referred to weakly: one the script can no longer reach is collected and its memory
    // goes back to the budget (as Julia's GC frees it); its figures stay for --stats.
    private final List<java.lang.ref.WeakReference<Buffer>> buffers = new ArrayList<>();
    private final List<Buffer.Stats> bufferStats = new ArrayList<>();
    /** The figures of every ThreadsBuffer the script created, in order. */
    private final List<ThreadsBuffer.Stats> threadsBufferStats = new ArrayList<>();
    private int sweepAt = 64;
    final List<java.lang.ref.WeakReference<ThreadsBuffer>> threadsBuffers = new ArrayList<>();
    private final List<Ctx> contexts = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Map<String, Function> functions = Map.of();
    private final long deadline;
    private final Ctx main;
    final List<Ctx> workers = new ArrayList<>();
    /** Threads.@threads loops and scoped buffers. */
    final ThreadedLoops threaded = new ThreadedLoops(this);

    /** A compiled user function: its scope and body. */
    private record Function(Stmt.Function node, Scope scope, Compiler.Code body) {
    }

    public Interpreter(Resolution resolution, Options options) {
        this.resolution = resolution;
        this.options = options;
        this.ioFolder = options.limits().ioRoot() == null ? null : new IoFolder(options.limits().ioRoot());
        RandomGenerator random = options.seed() == null ? new SplittableRandom() : new SplittableRandom(options.seed());
        this.main = newContext(globals, random);
        options.variables().forEach((name, v) -> globals.slots[globalSlot(name)] = v);
        long timeout = options.limits().timeoutMillis();
        // a timeout of a century or more is none (its nanoseconds would overflow the clock's arithmetic)
        this.deadline = timeout > 0 && timeout < 100L * 365 * 24 * 3600 * 1000
                ? System.nanoTime() + timeout * 1_000_000L : 0;
    }

    Ctx newContext(Frame frame, RandomGenerator random) {
        Ctx c = new Ctx(this, frame, random);
        contexts.add(c);
        return c;
    }

    /**
     * Runs the program.
     *
     * @throws DiagnosticException (runtime) at the statement that failed
     */
    public void run() {
        runMore(resolution, resolution.program().body());
    }

    /**
     * Runs more statements in this run's state, as a REPL does: {@code next} resolves the whole
     * session so far (its functions are known), and only {@code statements} (the new ones) run.
     *
     * @throws DiagnosticException (runtime) at the statement that failed; what ran before stays done
     */
    public void runMore(Resolution next, List<Stmt> statements) {
        this.resolution = next;
        io.github.bufdsl.runtime.MemoryBudget before = Text.use(memory());
        try {
            Compiler.Code code;
            synchronized (this) {
                compileFunctions(next);
                Compiler.declareAssigned(statements, globalScope);
                code = new Compiler(this, globalScope).block(statements);
                globals.fit();
            }
            code.exec(main);
        } catch (ScriptError e) {
            throw new DiagnosticException(Phase.RUNTIME, e.pos() == null ? Pos.NONE : e.pos(), e.getMessage());
        } catch (StackOverflowError e) {
            throw new DiagnosticException(Phase.RUNTIME, Pos.NONE, "the script recursed too deeply");
        } catch (OutOfMemoryError e) {
            throw new DiagnosticException(Phase.RUNTIME, Pos.NONE, OUT_OF_MEMORY);
        } finally {
            Text.use(before);
        }
    }

    /** The last guard's message when the JVM's heap is full (see {@link Compiler#block}). */
    static final String OUT_OF_MEMORY = "the JVM ran out of memory here: this statement needed more than the heap has"
            + " left besides buffers and strings (which --max-memory counts); keep fewer values alive, or give the"
            + " JVM a larger heap (BUFDSL_JAVA_OPTS=-Xmx8g)";

    /** The last guard's message when the JVM's stack is full. */
    static final String STACK_OVERFLOW = "this statement nests too deeply for the JVM's stack (values or calls nested"
            + " thousands deep)";

    /** Compiles every function the resolution knows (again for a REPL, which may redefine them). */
    private void compileFunctions(Resolution r) {
        Map<String, Function> all = new java.util.HashMap<>();
        for (Stmt.Function f : r.functions().values()) {
            Scope scope = Scope.inside(globalScope);
            f.params().forEach(p -> scope.declare(p.name()));
            Compiler.declareAssigned(f.body(), scope);
            all.put(f.name(), new Function(f, scope, null));
        }
        functions = all;
        Map<String, Function> done = new java.util.HashMap<>();
        for (Function f : all.values()) {
            done.put(f.node().name(), new Function(f.node(), f.scope(),
                    new Compiler(this, f.scope()).block(f.node().body())));
        }
        functions = done;
    }

    /** Compiles an expression of {@code scope} that runs outside the compiled tree (operands of @tensor). */
    synchronized Compiler.Eval compileExpr(Expr e, Scope scope) {
        Compiler.Eval code = new Compiler(this, scope).expr(e);
        globals.fit();
        return code;
    }

    boolean isUserFunction(String name) {
        return functions.containsKey(name) || resolution.functions().containsKey(name);
    }

    Builtin.Impl builtin(String name) {
        Builtin.Entry entry = Builtin.TABLE.get(name);
        return entry != null ? entry.impl() : c -> {
            throw new ScriptError("unknown function " + name);
        };
    }

    /** The slot of a global variable, declared when new. */
    int globalSlot(String name) {
        int slot = globalScope.declare(name);
        globals.fit();
        return slot;
    }

    Frame globalFrame() {
        return globals;
    }

    /** The buffers the script created that are still reachable, in order. */
    public List<Buffer> buffers() {
        synchronized (buffers) {
            List<Buffer> live = new ArrayList<>();
            for (java.lang.ref.WeakReference<Buffer> r : buffers) {
                Buffer b = r.get();
                if (b != null) {
                    live.add(b);
                }
            }
            return live;
        }
    }

    /** The figures of every buffer the script created, reachable or not, in order. */
    public List<Buffer.Stats> bufferStats() {
        synchronized (buffers) {
            return List.copyOf(bufferStats);
        }
    }

    /** The figures of every ThreadsBuffer the script created, reachable or not, in order. */
    public List<ThreadsBuffer.Stats> threadsBufferStats() {
        synchronized (threadsBuffers) {
            return List.copyOf(threadsBufferStats);
        }
    }

    /** The script's global variables after the run, in the order they first appear. */
    public Map<String, Value> globals() {
        Map<String, Value> out = new LinkedHashMap<>();
        for (int i = 0; i < globalScope.size() && i < globals.slots.length; i++) {
            if (globals.slots[i] != null) {
                out.put(globalScope.name(i), globals.slots[i]);
            }
        }
        return out;
    }

    /**
     * Elements of workspace @tensor took at most: the contraction engine's permuted copies and the
     * intermediates of products of three or more tensors (per thread: the most any thread took).
     */
    public long workspaceHighWater() {
        long most = 0;
        for (Ctx c : contexts) {
            most = Math.max(most, c.tensors.workspaceHighWater());
        }
        return most;
    }

    PrintStream out() {
        return options.out();
    }

    MemoryBudget memory() {
        return options.limits().memory();
    }

    void registerBuffer(Buffer b) {
        synchronized (buffers) {
            if (buffers.size() >= sweepAt) { // forget collected buffers, at amortised constant cost
                buffers.removeIf(r -> r.get() == null);
                sweepAt = Math.max(64, 2 * buffers.size());
            }
            buffers.add(new java.lang.ref.WeakReference<>(b));
            bufferStats.add(b.stats());
        }
    }

    void registerThreadsBuffer(ThreadsBuffer t) {
        synchronized (threadsBuffers) {
            if (threadsBuffers.size() >= 64) {
                threadsBuffers.removeIf(r -> r.get() == null);
            }
            threadsBuffers.add(new java.lang.ref.WeakReference<>(t));
            threadsBufferStats.add(t.stats());
        }
    }

    void usageBlockReached(Stmt.PrintBufferUsage block) {
        if (options.usageHook() != null) {
            options.usageHook().blockReached(block);
        }
    }

    Value undefined(Expr.Name e) {
        Value v = Builtin.constant(e.name());
        if (v != null) {
            return v;
        }
        java.util.Set<String> names = new java.util.TreeSet<>(globals().keySet());
        names.addAll(functions.keySet());
        names.addAll(Builtins.functionNames());
        String near = e.name().length() < 3 ? null : io.github.bufdsl.resolve.Suggestions.closest(e.name(), names);
        if (near != null && !near.equals(e.name())) {
            throw new ScriptError(e.pos(), e.name() + " is not defined; did you mean `" + near + "`?");
        }
        if (resolution.freeVariables().containsKey(e.name())) {
            throw new ScriptError(e.pos(), e.name() + " has no value; give it with --var " + e.name() + "=...");
        }
        throw new ScriptError(e.pos(), e.name() + " is not defined yet at this point");
    }

    // ------------------------------------------------------------------ limits

    /** Whether statements must be counted against --max-steps or the clock. */
    boolean limited() {
        return options.limits().maxSteps() > 0 || deadline != 0;
    }

    void checkLimits(Ctx c, Stmt at, long steps) {
        Limits l = options.limits();
        if (l.maxSteps() > 0 && steps > l.maxSteps()) {
            throw new ScriptError(where(c, at), "the run passed --max-steps " + l.maxSteps()
                    + " (statements executed)" + inLoop(c));
        }
        if (deadline != 0 && (steps & 1023) == 0 && System.nanoTime() - deadline > 0) {
            throw new ScriptError(where(c, at), "the run passed --timeout " + l.timeoutMillis() / 1000.0 + " s"
                    + inLoop(c));
        }
    }

    private static Pos where(Ctx c, Stmt at) {
        return c.loops.isEmpty() ? at.pos() : c.loops.peek().pos();
    }

    private static String inLoop(Ctx c) {
        if (c.loops.isEmpty()) {
            return "";
        }
        Stmt loop = c.loops.peek();
        return loop instanceof Stmt.For f ? " in the loop over " + f.var() + "; is it endless?"
                : " in this while loop; is it endless?";
    }

    static final class Return extends RuntimeException {
        final Value value;

        Return(Value value) {
            super(null, null, false, false);
            this.value = value;
        }
    }

    static final class Break extends RuntimeException {
        static final Break INSTANCE = new Break();

        Break() {
            super(null, null, false, false);
        }
    }

    static final class Continue extends RuntimeException {
        static final Continue INSTANCE = new Continue();

        Continue() {
            super(null, null, false, false);
        }
    }

    // ------------------------------------------------------------------ statements

    boolean condition(Value v, Expr e) {
        if (v instanceof Value.Bool b) {
            return b.value();
        }
        throw new ScriptError(e.pos(), "a condition must be true or false, not " + Arith.describe(v));
    }

    // ------------------------------------------------------------------ calls

    Value callUser(Ctx c, String name, Value[] args, Pos pos) {
        Function f = functions.get(name);
        if (f == null) {
            throw new ScriptError(pos, "unknown function " + name);
        }
        if (c.callDepth >= options.limits().maxCallDepth()) {
            throw new ScriptError(pos, "calls nest deeper than " + options.limits().maxCallDepth() + " levels in "
                    + name + ": is the recursion endless?");
        }
        Frame frame = new Frame(f.scope(), globals, f.scope().size());
        for (int i = 0; i < args.length; i++) {
            frame.slots[i] = args[i];
        }
        Frame saved = c.frame;
        c.frame = frame;
        c.callDepth++;
        try {
            f.body().exec(c);
            return Value.Nothing.NOTHING;
        } catch (Return r) {
            return r.value;
        } finally {
            c.callDepth--;
            c.frame = saved;
        }
    }

    // ------------------------------------------------------------------ expressions
    /** An integer value, or the error "<what> must be an integer, not ...". */
    static long integer(Value v, Pos pos, String what) {
        if (v instanceof Value.Int i) {
            return i.value();
        }
        if (v instanceof Value.Float || v instanceof Value.Float32) {
            double d = Arith.asDouble(v);
            if (d == Math.rint(d) && Math.abs(d) < 9e15) {
                return (long) d;
            }
        }
        throw new ScriptError(pos, what + " must be an integer, not " + Arith.describe(v));
    }

    static Value unary(Expr.Unary e, Value v) {
        try {
            return Arith.unary(e.op(), v);
        } catch (ScriptError x) {
            throw x.at(e.pos());
        }
    }
}
