package io.github.bufdsl.exec;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.BufferException;
import io.github.bufdsl.runtime.ElementType;
import io.github.bufdsl.runtime.ThreadsBuffer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * What the interpreter runs on threads and pools: Threads.@threads loops (iterations on a fixed pool
 * of workers, each with its own context, and every ThreadsBuffer's buffers back in their pool after
 * each iteration) and the buffers {@code @buffer} and {@code @threadsbuffer} scope.
 */
final class ThreadedLoops {
    private final Interpreter interp;

    ThreadedLoops(Interpreter interp) {
        this.interp = interp;
    }

    /**
     * A {@code Threads.@threads} loop. Each iteration runs in a frame of its own (its variables are
     * the iteration's, as in Julia), with random numbers of its own (seeded from the run's, so the
     * loop draws the same numbers however its iterations are spread), and its printed output is
     * written in iteration order. Iterations run on up to {@link #interp.threads()} threads; a loop inside
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
        int workers = (int) Math.min(interp.threads(), n);
        c.loops.push(s);
        java.util.Set<Buffer> savedShared = c.shared;
        java.util.Set<Buffer> shared = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        shared.addAll(interp.buffers());
        c.shared = shared;
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
            c.shared = savedShared;
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
        } catch (Interpreter.Continue next) {
            // the iteration ends here
        } catch (Interpreter.Break | Interpreter.Return leave) {
            throw new ScriptError(s.pos(), (leave instanceof Interpreter.Break ? "break" : "return")
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
                Text.use(interp.memory());
                try {
                    int k;
                    while (failure.get() == null && (k = next.getAndIncrement()) < n) {
                        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
                        worker.out = new PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8);
                        try {
                            iteration(worker, s, r, k, seed, bodyScope, var, body);
                        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                            RuntimeException err = e instanceof RuntimeException re ? re
                                    : new ScriptError(s.pos(), e instanceof OutOfMemoryError ? Interpreter.OUT_OF_MEMORY
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
        synchronized (interp.workers) {
            while (interp.workers.size() <= w) {
                Ctx worker = interp.newContext(interp.globals, null);
                worker.worker = true;
                interp.workers.add(worker);
            }
            Ctx worker = interp.workers.get(w);
            worker.frame = parent.frame;
            worker.callDepth = parent.callDepth;
            worker.shared = parent.shared;
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
        synchronized (interp.threadsBuffers) {
            for (java.lang.ref.WeakReference<ThreadsBuffer> r : interp.threadsBuffers) {
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
                long len = Interpreter.integer(lengths.get(i).eval(c), sb.length().pos(), "a buffer length");
                Value made1;
                if (s.threads()) {
                    ThreadsBuffer t;
                    try {
                        t = new ThreadsBuffer(len, interp.threads(), true, interp.memory(), sb.name(), interp.backend().readsNative());
                    } catch (BufferException e) {
                        throw new ScriptError(sb.pos(), "@threadsbuffer " + sb.name() + ": " + e.getMessage());
                    }
                    made.add(t);
                    interp.registerThreadsBuffer(t);
                    made1 = new Value.ThreadsBufferValue(t);
                } else {
                    ElementType type = sb.type() instanceof Expr.Name t && t.name().equals("Float32")
                            ? ElementType.FLOAT32 : ElementType.FLOAT64;
                    Buffer b;
                    try {
                        b = new Buffer(len, false, interp.memory(), sb.name(), type,
                                type == ElementType.FLOAT64 && interp.backend().readsNative());
                    } catch (BufferException e) {
                        throw new ScriptError(sb.pos(), "@buffer " + sb.name() + ": " + e.getMessage());
                    }
                    made.add(b);
                    interp.registerBuffer(b);
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
}
