package io.github.bufdsl.exec;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.resolve.Resolution;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.BufferException;
import io.github.bufdsl.runtime.ElementType;
import io.github.bufdsl.runtime.MemoryBudget;
import io.github.bufdsl.runtime.Tensor;
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
    private final Frame globals = new Frame(globalScope, null, 16);
    // Buffers are referred to weakly: one the script can no longer reach is collected and its memory
    // goes back to the budget (as Julia's GC frees it); its figures stay for --stats.
    private final List<java.lang.ref.WeakReference<Buffer>> buffers = new ArrayList<>();
    private final List<Buffer.Stats> bufferStats = new ArrayList<>();
    /** The figures of every ThreadsBuffer the script created, in order. */
    private final List<ThreadsBuffer.Stats> threadsBufferStats = new ArrayList<>();
    private int sweepAt = 64;
    private final List<java.lang.ref.WeakReference<ThreadsBuffer>> threadsBuffers = new ArrayList<>();
    private final List<Ctx> contexts = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Map<String, Function> functions = Map.of();
    private final long deadline;
    private final Ctx main;
    private final List<Ctx> workers = new ArrayList<>();

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

    private Ctx newContext(Frame frame, RandomGenerator random) {
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

    /**
     * A {@code Threads.@threads} loop. Each iteration runs in a frame of its own (its variables are
     * the iteration's, as in Julia), with random numbers of its own (seeded from the run's, so the
     * loop draws the same numbers however its iterations are spread), and its printed output is
     * written in iteration order. Iterations run on up to {@link #threads()} threads; a loop inside
     * an iteration of another runs on the thread it is on. After each iteration every ThreadsBuffer's
     * buffer must be back in its pool. When iterations fail, the error of the first one is reported,
     * as a serial run would.
     */
    void threadedLoop(Ctx c, Stmt.For s, Value it, Scope bodyScope, int var, Compiler.Code body) {
        if (!(it instanceof Value.Range r)) {
            throw new ScriptError(s.iterable().pos(), "a Threads.@threads loop runs over a range (1:n), not "
                    + Arith.describe(it));
        }
        long n = r.length();
        long seed = c.random.nextLong();
        int workers = (int) Math.min(threads(), n);
        c.loops.push(s);
        try {
            if (workers <= 1 || c.worker || n > Integer.MAX_VALUE) {
                for (long k = 0; k < n; k++) {
                    iteration(c, s, r, k, seed, bodyScope, var, body);
                }
            } else {
                parallel(c, s, r, (int) n, seed, workers, bodyScope, var, body);
            }
        } finally {
            c.loops.pop();
        }
    }

    /** Runs iteration {@code k} of a threaded loop on {@code c}'s thread. */
    private void iteration(Ctx c, Stmt.For s, Value.Range r, long k, long seed, Scope bodyScope, int var,
            Compiler.Code body) {
        Frame frame = new Frame(bodyScope, c.frame, bodyScope.size());
        frame.slots[var] = new Value.Int(r.start() + k * r.step());
        Frame savedFrame = c.frame;
        RandomGenerator savedRandom = c.random;
        c.frame = frame;
        c.random = new SplittableRandom(seed + k * 0x9E3779B97F4A7C15L);
        try {
            body.exec(c);
        } catch (Continue next) {
            // the iteration ends here
        } catch (Break | Return leave) {
            throw new ScriptError(s.pos(), (leave instanceof Break ? "break" : "return")
                    + " cannot leave a Threads.@threads loop: its iterations run in parallel");
        } finally {
            c.frame = savedFrame;
            c.random = savedRandom;
        }
        checkBuffersReturned(s);
    }

    /** A failed iteration: its number and its error. */
    private record Failure(long iteration, RuntimeException error) {
    }

    private void parallel(Ctx c, Stmt.For s, Value.Range r, int n, long seed, int workers, Scope bodyScope, int var,
            Compiler.Code body) {
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Failure> failure = new java.util.concurrent.atomic.AtomicReference<>();
        OrderedOutput output = new OrderedOutput(c.out());
        java.util.concurrent.atomic.AtomicLong steps = new java.util.concurrent.atomic.AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Ctx worker = workerContext(w, c);
            Thread t = new Thread(() -> {
                long before = worker.steps;
                Text.use(memory());
                try {
                    int k;
                    while (failure.get() == null && (k = next.getAndIncrement()) < n) {
                        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
                        worker.out = new PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8);
                        try {
                            iteration(worker, s, r, k, seed, bodyScope, var, body);
                        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                            RuntimeException err = e instanceof RuntimeException re ? re
                                    : new ScriptError(s.pos(), e instanceof OutOfMemoryError ? OUT_OF_MEMORY
                                            : "the script recursed too deeply");
                            int failed = k;
                            failure.accumulateAndGet(new Failure(failed, err),
                                    (a, b) -> a == null || b.iteration() < a.iteration() ? b : a);
                        } finally {
                            worker.out.flush();
                            output.done(k, printed.toByteArray());
                        }
                    }
                } finally {
                    steps.addAndGet(worker.steps - before);
                    worker.out = null;
                }
            }, "bufdsl-threads-" + (w + 1));
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            boolean interrupted = false;
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        c.steps += steps.get();
        output.finish();
        Failure f = failure.get();
        if (f != null) {
            throw f.error();
        }
    }

    /** The context of worker {@code w} of a threaded loop, reused from loop to loop. */
    private Ctx workerContext(int w, Ctx parent) {
        synchronized (workers) {
            while (workers.size() <= w) {
                Ctx worker = newContext(globals, null);
                worker.worker = true;
                workers.add(worker);
            }
            Ctx worker = workers.get(w);
            worker.frame = parent.frame;
            worker.callDepth = parent.callDepth;
            worker.steps = parent.steps;
            worker.loops.clear();
            parent.loops.descendingIterator().forEachRemaining(worker.loops::push);
            return worker;
        }
    }

    /**
     * The printed output of a parallel loop's iterations, written in iteration order: iteration k's
     * once every earlier one has finished.
     */
    private static final class OrderedOutput {
        private final PrintStream out;
        private final Map<Integer, byte[]> waiting = new java.util.HashMap<>();
        private int next;

        OrderedOutput(PrintStream out) {
            this.out = out;
        }

        synchronized void done(int k, byte[] text) {
            waiting.put(k, text);
            while (waiting.containsKey(next)) {
                byte[] b = waiting.remove(next);
                out.write(b, 0, b.length);
                next++;
            }
        }

        synchronized void finish() {
            // what a failure left behind (iterations after a gap) is written in order too
            waiting.keySet().stream().sorted().forEach(k -> {
                byte[] b = waiting.get(k);
                out.write(b, 0, b.length);
            });
            waiting.clear();
            out.flush();
        }
    }

    /** After an iteration of a threaded loop: every ThreadsBuffer's buffer must be back in its pool. */
    private void checkBuffersReturned(Stmt.For s) {
        List<ThreadsBuffer> pools = new ArrayList<>();
        synchronized (threadsBuffers) {
            for (java.lang.ref.WeakReference<ThreadsBuffer> r : threadsBuffers) {
                ThreadsBuffer t = r.get();
                if (t != null) {
                    pools.add(t);
                }
            }
        }
        for (ThreadsBuffer t : pools) {
            try {
                t.checkReturned("the Threads.@threads loop at line " + s.pos().line());
            } catch (BufferException e) {
                throw new ScriptError(s.pos(), e.getMessage());
            }
        }
    }

    /**
     * {@code @buffer}: fixed-size buffers that exist for the block; at its end (also when it fails)
     * every tensor of them is given back, their memory is released, and the names are gone.
     */
    void bufferScope(Ctx c, Stmt.BufferScope s, List<Compiler.Eval> lengths, List<Compiler.Store> stores,
            List<Compiler.Eval> reads, Compiler.Code body) {
        int n = s.buffers().size();
        Value[] shadowed = new Value[n];
        boolean[] bound = new boolean[n];
        List<AutoCloseable> made = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                Stmt.ScopedBuffer sb = s.buffers().get(i);
                long len = integer(lengths.get(i).eval(c), sb.length().pos(), "a buffer length");
                Value made1;
                if (s.threads()) {
                    ThreadsBuffer t;
                    try {
                        t = new ThreadsBuffer(len, threads(), true, memory(), sb.name(), backend().readsNative());
                    } catch (BufferException e) {
                        throw new ScriptError(sb.pos(), "@threadsbuffer " + sb.name() + ": " + e.getMessage());
                    }
                    made.add(t);
                    registerThreadsBuffer(t);
                    made1 = new Value.ThreadsBufferValue(t);
                } else {
                    ElementType type = sb.type() instanceof Expr.Name t && t.name().equals("Float32")
                            ? ElementType.FLOAT32 : ElementType.FLOAT64;
                    Buffer b;
                    try {
                        b = new Buffer(len, false, memory(), sb.name(), type,
                                type == ElementType.FLOAT64 && backend().readsNative());
                    } catch (BufferException e) {
                        throw new ScriptError(sb.pos(), "@buffer " + sb.name() + ": " + e.getMessage());
                    }
                    made.add(b);
                    registerBuffer(b);
                    made1 = new Value.BufferValue(b);
                }
                shadowed[i] = reads.get(i).eval(c);
                bound[i] = true;
                stores.get(i).store(c, made1);
            }
            body.exec(c);
        } finally {
            String site = "the end of the @buffer block at line " + s.pos().line();
            for (AutoCloseable b : made) {
                if (b instanceof Buffer buffer) {
                    buffer.close(site);
                } else {
                    ((ThreadsBuffer) b).close();
                }
            }
            for (int i = 0; i < n; i++) {
                if (bound[i]) {
                    stores.get(i).store(c, shadowed[i]);
                }
            }
        }
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

    Value index(Expr.Index e, Value target, Compiler.Eval[] indices, Ctx c) {
        if (target instanceof Value.Ref r) {
            if (indices.length > 0) {
                throw new ScriptError(e.pos(), "a Ref is read with r[]");
            }
            return r.get();
        }
        if (target instanceof Value.TensorValue t) {
            Tensor tensor = t.tensor();
            Value[] values = indexValues(e, indices, c);
            if (isSlice(values)) {
                return new Value.TensorValue(slice(e, values, tensor));
            }
            int[] idx = indices(e, values, tensor);
            try {
                return TensorElements.read(tensor, idx.length == 1 && tensor.rank() != 1 ? tensor.getLinear(idx[0])
                        : tensor.get(idx));
            } catch (BufferException err) {
                throw new ScriptError(e.pos(), err.getMessage());
            }
        }
        if (target instanceof Value.Tuple t) {
            if (indices.length != 1) {
                throw new ScriptError(e.pos(), "a tuple takes one index");
            }
            long i = integer(indices[0].eval(c), e.indices().get(0).pos(), "a tuple index");
            if (i < 1 || i > t.items().size()) {
                throw new ScriptError(e.pos(), "index " + i + " is out of bounds 1:" + t.items().size()
                        + " of the tuple");
            }
            return t.items().get((int) i - 1);
        }
        throw new ScriptError(e.pos(), "cannot index " + Arith.describe(target));
    }

    /** The values of an indexing's indices; null for a `:`. */
    Value[] indexValues(Expr.Index e, Compiler.Eval[] indices, Ctx c) {
        Value[] values = new Value[indices.length];
        for (int k = 0; k < values.length; k++) {
            values[k] = e.indices().get(k) instanceof Expr.Colon ? null : indices[k].eval(c);
        }
        return values;
    }

    /** Whether indices take a slice: a `:` or a range among them. */
    static boolean isSlice(Value[] values) {
        for (Value v : values) {
            if (v == null || v instanceof Value.Range) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code C[:, k]}, {@code A[2:3, :]}, {@code A[:, 1:2:end]}: a view (Julia's view(A, ...)), sharing
     * A's memory; a `:` or a range keeps its dimension, an integer drops it ({@link Shapes}).
     */
    private Tensor slice(Expr.Index e, Value[] values, Tensor tensor) {
        if (values.length != tensor.rank()) {
            throw new ScriptError(e.pos(), "a tensor of size " + tensor.shapeString() + " takes " + tensor.rank()
                    + " indices, not " + values.length);
        }
        int n = values.length;
        int[] first = new int[n];
        int[] step = new int[n];
        int[] count = new int[n];
        boolean[] keep = new boolean[n];
        for (int k = 0; k < n; k++) {
            Expr ie = e.indices().get(k);
            Value v = values[k];
            step[k] = 1;
            Shapes.Index<Integer> index = v == null ? new Shapes.Whole<>() : new Shapes.Drop<>();
            if (v instanceof Value.Range r) {
                long len = r.length();
                long last = r.start() + (len - 1) * r.step();
                if (len > 0 && (Math.min(r.start(), last) < 1 || Math.max(r.start(), last) > tensor.dim(k))) {
                    throw new ScriptError(ie.pos(), "index " + ValueFormat.show(r) + " is out of bounds 1:"
                            + tensor.dim(k) + " in dimension " + (k + 1) + " of a tensor of size "
                            + tensor.shapeString());
                }
                first[k] = len > 0 ? (int) (r.start() - 1) : 0;
                // a backwards range (A[3:-1:1]) is a view with a negative stride, as Julia's view
                step[k] = len <= 1 ? 1 : (int) Math.max(-Integer.MAX_VALUE, Math.min(Integer.MAX_VALUE, r.step()));
                index = new Shapes.Span<>((int) len);
            } else if (v != null) {
                long i = integer(v, ie.pos(), "an index");
                if (i < 1 || i > tensor.dim(k)) {
                    throw new ScriptError(ie.pos(), "index " + i + " is out of bounds 1:" + tensor.dim(k)
                            + " in dimension " + (k + 1) + " of a tensor of size " + tensor.shapeString());
                }
                first[k] = (int) (i - 1);
            }
            Integer kept = Shapes.kept(index, tensor.dim(k)); // the shape's rule, written once
            keep[k] = kept != null;
            count[k] = kept != null ? kept : 1;
        }
        return tensor.view(first, step, count, keep);
    }

    /** The 0-based integer indices of an indexing, checked. */
    int[] indices(Expr.Index e, Value[] values, Tensor tensor) {
        int[] idx = new int[values.length];
        for (int k = 0; k < idx.length; k++) {
            Expr ie = e.indices().get(k);
            if (values[k] == null || values[k] instanceof Value.Range) {
                throw new ScriptError(ie.pos(), "assigning to a slice needs `.=`, as in Julia: A[2:3, :] .= x");
            }
            long i = integer(values[k], ie.pos(), "an index");
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
        if (v instanceof Value.Float || v instanceof Value.Float32) {
            double d = Arith.asDouble(v);
            if (d == Math.rint(d) && Math.abs(d) < 9e15) {
                return (long) d;
            }
        }
        throw new ScriptError(pos, what + " must be an integer, not " + Arith.describe(v));
    }

    static Value unary(Expr.Unary e, Value v) {
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
                if (v instanceof Value.Float32 f) {
                    return new Value.Float32(-f.value());
                }
                throw new ScriptError(e.pos(), "cannot negate " + Arith.describe(v));
            default:
                if (Arith.isNumber(v)) {
                    return v;
                }
                throw new ScriptError(e.pos(), "unary + needs a number, not " + Arith.describe(v));
        }
    }
}
