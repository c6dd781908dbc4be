package io.github.bufdsl.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A pool of {@link Buffer}s for parallel loops, as Buffers.jl's {@code ThreadsBuffer}: the first
 * {@link #alloc} of a thread takes a buffer from the pool (waiting while none is free), later
 * allocations of that thread use the same buffer, and {@link #reset()} or {@link #release()} gives it
 * back to the pool. A thread that ends its work still holding a buffer is a misuse, detected by
 * {@link #checkReturned(String)} (which {@link ParallelLoop} calls after every iteration).
 *
 * <p>Thread-safe: any number of threads may allocate at once; each buffer is used by one thread at
 * a time.
 */
public final class ThreadsBuffer implements AutoCloseable {
    /** Most buffers one pool has (and most threads a parallel loop of the language runs on). */
    public static final int MAX_BUFFERS = 1024;

    private final String name;
    private final List<Buffer> all;
    private final BlockingQueue<Buffer> free;
    private final Map<Thread, Buffer> held = new ConcurrentHashMap<>();

    /** {@code n} extendable buffers of {@code length} elements each. */
    public ThreadsBuffer(long length, int n) {
        this(length, n, true, MemoryBudget.UNLIMITED, "tbuf");
    }

    /**
     * {@code n} buffers of {@code length} elements each, their memory taken from {@code budget}.
     *
     * @throws BufferException if {@code n < 1}, or a buffer cannot be made (see {@link Buffer})
     */
    public ThreadsBuffer(long length, int n, boolean extendable, MemoryBudget budget, String name) {
        this(length, n, extendable, budget, name, false);
    }

    /**
     * As {@link #ThreadsBuffer(long, int, boolean, MemoryBudget, String)}, its buffers off the heap
     * if {@code offHeap} (see {@link Buffer}).
     */
    public ThreadsBuffer(long length, int n, boolean extendable, MemoryBudget budget, String name, boolean offHeap) {
        if (n < 1) {
            throw new BufferException("a threads buffer needs at least 1 buffer, not " + n);
        }
        this.name = name;
        this.all = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                all.add(new Buffer(length, extendable, budget, name + "[" + (i + 1) + "]", ElementType.FLOAT64,
                        offHeap));
            }
        } catch (BufferException e) {
            all.forEach(b -> b.close("the failed creation of " + name));
            throw e;
        }
        this.free = new ArrayBlockingQueue<>(n, true, all);
    }

    /** The name used in error messages. */
    public String name() {
        return name;
    }

    /** Number of buffers in the pool, as Buffers.jl's {@code nbuffers}. */
    public int nbuffers() {
        return all.size();
    }

    /** Number of buffers not held by any thread now. */
    public int available() {
        return free.size();
    }

    /** Whether the calling thread holds a buffer of this pool. */
    public boolean isHeld() {
        return held.containsKey(Thread.currentThread());
    }

    /**
     * The buffer of the calling thread, taken from the pool if the thread holds none (waiting while
     * all are held by other threads).
     *
     * @throws BufferException if the pool was closed, or the wait was interrupted
     */
    public Buffer acquire() {
        Thread me = Thread.currentThread();
        Buffer mine = held.get(me);
        if (mine != null) {
            return mine;
        }
        try {
            mine = free.take();
        } catch (InterruptedException e) {
            me.interrupt();
            throw new BufferException("interrupted while waiting for a buffer of " + name);
        }
        if (mine.isClosed()) {
            free.add(mine);
            throw new BufferException(name + " was closed");
        }
        held.put(me, mine);
        return mine;
    }

    /** Allocates from the calling thread's buffer (see {@link #acquire()} and {@link Buffer#alloc}). */
    public Tensor alloc(String tensorName, long... dims) {
        return acquire().alloc(tensorName, dims);
    }

    /** As {@link #alloc(String, long...)} with a default name. */
    public Tensor alloc(long... dims) {
        return acquire().alloc(dims);
    }

    /**
     * Gives back every tensor of the calling thread's buffer and the buffer to the pool, as
     * Buffers.jl's {@code reset!(tbuf)}; nothing happens if the thread holds no buffer.
     */
    public void reset() {
        reset("reset!(" + name + ")");
    }

    /** As {@link #reset()}; {@code site} says in later error messages how the tensors were given back. */
    public void reset(String site) {
        Buffer mine = held.remove(Thread.currentThread());
        if (mine != null) {
            mine.reset(site);
            free.add(mine);
        }
    }

    /** As Buffers.jl's {@code release!(tbuf)}: the same as {@link #reset()}. */
    public void release() {
        reset("release!(" + name + ")");
    }

    /**
     * Throws if the calling thread still holds a buffer; the buffer is given back to the pool first,
     * so the other threads do not wait forever.
     *
     * @param loop how to name the loop in the message
     * @throws BufferException naming the loop and this pool
     */
    public void checkReturned(String loop) {
        BufferRules.Violation v = BufferRules.iterationEnd(loop, name, isHeld());
        if (v != null) {
            reset("the end of an iteration of " + loop);
            throw new BufferException(v);
        }
    }

    /** The figures of the pool and each of its buffers ({@code --stats}), in an object that outlives it. */
    public Stats stats() {
        return new Stats(name, all.stream().map(Buffer::stats).toList());
    }

    /** What {@code --stats} reports of a pool: its buffers' figures, per buffer and together. */
    public record Stats(String name, List<Buffer.Stats> buffers) {
        /** The most one buffer held: what {@code usage} sizes a ThreadsBuffer's buffer by. */
        public long highWaterPerBuffer() {
            return buffers.stream().mapToLong(Buffer.Stats::highWater).max().orElse(0);
        }

        /** The high-water marks of all buffers together. */
        public long highWaterTotal() {
            return buffers.stream().mapToLong(Buffer.Stats::highWater).sum();
        }

        /** Capacity of one buffer (the largest). */
        public long lengthPerBuffer() {
            return buffers.stream().mapToLong(Buffer.Stats::length).max().orElse(0);
        }

        /** Capacity of all buffers together. */
        public long lengthTotal() {
            return buffers.stream().mapToLong(Buffer.Stats::length).sum();
        }
    }

    /** The words for an iteration of {@code loop} that ends holding a buffer of the pool {@code name}. */
    public static String keptMessage(String loop, String name) {
        return new BufferRules.Violation.KeptByIteration(loop, name).message(); // the rule's one message
    }

    /** Closes every buffer of the pool (see {@link Buffer#close()}). */
    @Override
    public void close() {
        all.forEach(b -> b.close("close(" + name + ")"));
        held.clear();
    }

    @Override
    public String toString() {
        return "ThreadsBuffer(" + name + ", " + all.size() + " buffers of " + all.get(0).length() + ")";
    }
}
