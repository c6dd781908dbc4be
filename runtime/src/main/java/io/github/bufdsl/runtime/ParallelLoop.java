package io.github.bufdsl.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * Runs the iterations of a loop on a pool of Java threads, as Julia's {@code Threads.@threads for}.
 * After each iteration every given {@link ThreadsBuffer} is checked: an iteration that kept a buffer
 * fails the loop with a message naming it. Iterations must write disjoint memory (e.g. distinct
 * slices of a shared tensor); the result then equals the serial run's.
 */
public final class ParallelLoop implements AutoCloseable {
    private final ExecutorService pool;
    private final int threads;

    /**
     * A pool of {@code threads} worker threads (daemon threads; {@link #close()} stops them).
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public ParallelLoop(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("a parallel loop needs at least 1 thread, not " + threads);
        }
        this.threads = threads;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "bufdsl-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** Number of worker threads. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} for each of {@code first..last} (inclusive), in parallel, and waits for all.
     *
     * @param loop how to name the loop in error messages, e.g. "the loop at line 7"
     * @param pools the threads buffers whose buffers each iteration must give back
     * @throws RuntimeException the first failure of an iteration (in iteration order), unwrapped
     */
    public void forRange(long first, long last, String loop, LongConsumer body, ThreadsBuffer... pools) {
        List<Future<?>> futures = new ArrayList<>();
        for (long k = first; k <= last; k++) {
            long index = k;
            futures.add(pool.submit(() -> runIteration(index, loop, body, pools)));
        }
        RuntimeException failure = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BufferException("interrupted while waiting for " + loop);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Runs one iteration; whether it fails or not, every buffer it holds goes back to its pool. */
    private static void runIteration(long index, String loop, LongConsumer body, ThreadsBuffer[] pools) {
        try {
            body.accept(index);
        } catch (RuntimeException | Error e) {
            for (ThreadsBuffer p : pools) {
                p.reset("the failure of an iteration of " + loop);
            }
            throw e;
        }
        BufferException kept = null;
        for (ThreadsBuffer p : pools) {
            try {
                p.checkReturned(loop);
            } catch (BufferException e) {
                kept = kept == null ? e : kept;
            }
        }
        if (kept != null) {
            throw kept;
        }
    }

    /** Stops the worker threads. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
