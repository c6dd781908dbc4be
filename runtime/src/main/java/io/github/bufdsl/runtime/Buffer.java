package io.github.bufdsl.runtime;

import java.util.Arrays;

/**
 * A preallocated block of Float64 elements handed out stack-like as {@link Tensor}s, as Buffers.jl's
 * {@code Buffer}: {@link #alloc} takes the next {@code d1*d2*...} elements, {@link #drop} gives back
 * the most recent ones, {@link #reset} gives back everything.
 *
 * <p>An extendable buffer grows (to exactly the length needed) when an allocation does not fit;
 * a fixed one throws a {@link BufferException} naming the buffer, the request and the free space.
 * Growing copies the contents; tensors taken before keep working, because they read through the
 * buffer.
 *
 * <p>Every tensor knows the allocation it came from: using it after its memory was given back
 * throws a {@link BufferException} that says how it was given back. Not thread-safe: one buffer
 * belongs to one thread at a time.
 */
public final class Buffer implements AutoCloseable {
    /** Largest length a buffer can have: one Java array. */
    public static final long MAX_LENGTH = BufferStorage.MAX_LENGTH;

    /** The elements and the memory behind them (growth, off-heap, the budget). */
    final BufferStorage storage;
    /** What --stats reports, kept beside the buffer so that it outlives it. */
    private final Stats stats;
    private boolean extendable;
    private int offset;
    private long highWater;
    private String name;
    // The stack of allocations, one slot per depth: where each starts and a generation number per
    // slot (their names and how they were given back, for messages, are in the history). A tensor remembers its slot and the generation it was taken in; it is live
    // while the slot still has that generation (a drop or reset of the slot moves the generation
    // on), so handles need no object of their own here and an alloc/drop pair stores no reference
    // in the common case. Every array of slots has room for one more than depth.
    private int depth;
    private int[] offs = new int[8];
    long[] gens = new long[8];
    private final SlotHistory history = new SlotHistory(8);
    /** The shape each slot keeps, that of its last allocation, shared by the tensors of that shape. */
    private final SlotShapes shapes = new SlotShapes(8);
    private String closedBy;
    /** The views made by reshape, live until reset: while there is one, the buffer is in reshape mode. */
    private final ReshapeViews views = new ReshapeViews();
    /**
     * How far an alloc may reach without a closer look: the high-water mark (never past the
     * capacity), or -1 when the buffer is closed or in reshape mode. One comparison on the hot path
     * then stands for three (room, a new high-water mark, whether allocating is allowed at all); a
     * kernel's loop reaches its high-water mark in the first iteration and stays below it after.
     */
    private int limit;
    /** This buffer as the rules see it ({@link BufferRules}), asked on the slow paths only. */
    private final BufferRules.StackView<Tensor> view = new BufferStackView(this);

    /** An extendable buffer of {@code length} elements. */
    public Buffer(long length) {
        this(length, true);
    }

    /**
     * A buffer of {@code length} elements.
     *
     * @throws BufferException if the length is negative or too large for the JVM
     */
    public Buffer(long length, boolean extendable) {
        this(length, extendable, MemoryBudget.UNLIMITED, "buffer");
    }

    /**
     * A buffer whose memory (now and when it grows) is taken from {@code budget}.
     *
     * @throws BufferException if the length is negative, too large, or past the budget
     */
    public Buffer(long length, boolean extendable, MemoryBudget budget, String name) {
        this(length, extendable, budget, name, ElementType.FLOAT64);
    }

    /**
     * A buffer of the given element type ({@code Buffer{Float32}(len)} in Julia). Values are stored in
     * that type; arithmetic on them (contractions) is done in Float64 and rounded when stored.
     */
    public Buffer(long length, boolean extendable, MemoryBudget budget, String name, ElementType type) {
        this(length, extendable, budget, name, type, false);
    }

    /**
     * As {@link #Buffer(long, boolean, MemoryBudget, String, ElementType)}; with {@code offHeap} (Float64
     * only) the elements live in native memory outside the Java heap, which a native matrix backend
     * (OpenBLAS) reads and writes in place instead of copying. Reads and writes from Java go through
     * a direct buffer; at most {@link #MAX_OFF_HEAP_LENGTH} elements.
     *
     * @throws BufferException as the other constructors, or for a Float32 buffer off the heap
     */
    public Buffer(long length, boolean extendable, MemoryBudget budget, String name, ElementType type,
            boolean offHeap) {
        this.name = name;
        this.storage = new BufferStorage(this, length, type, offHeap, budget, name);
        this.stats = new Stats(name, type.bytes());
        stats.length = storage.capacity();
        this.extendable = extendable;
    }

    /** The most elements an off-heap buffer holds: one direct buffer of at most 2^31 - 1 bytes. */
    public static final int MAX_OFF_HEAP_LENGTH = BufferStorage.MAX_OFF_HEAP_LENGTH;

    /** Whether the elements live off the Java heap. */
    public boolean isOffHeap() {
        return storage.offHeap();
    }

    /** The element type. */
    public ElementType elementType() {
        return storage.type();
    }

    /** The name used in error messages (by default "buffer"). */
    public String name() {
        return name;
    }

    /** Sets the name used in error messages; returns this buffer. */
    public Buffer setName(String name) {
        this.name = name;
        stats.name = name;
        return this;
    }

    /**
     * Gives back every tensor and the memory, as the end of Julia's {@code @buffer} block: for use
     * with try-with-resources. Allocating from a closed buffer throws.
     */
    @Override
    public void close() {
        close("close()");
    }

    /** As {@link #close()}; {@code site} says in later error messages how the buffer was closed. */
    public void close(String site) {
        if (closedBy != null) {
            return;
        }
        reset(site);
        closedBy = site;
        storage.release(); // the figures keep the capacity it had, which --stats compares with usage
        updateLimit();
    }

    private void updateLimit() {
        limit = closedBy != null || views.active() ? -1 : (int) highWater;
    }

    public boolean isClosed() {
        return closedBy != null;
    }

    /** How the buffer was closed, or null while it is open. */
    String closedBy() {
        return closedBy;
    }

    /** What put the buffer in reshape mode, or null when it is not in it. */
    String reshapeMode() {
        return views.mode();
    }

    /** Where the next allocation starts (also in reshape mode, unlike {@link #used()}). */
    int top() {
        return offset;
    }

    /** Capacity in elements. */
    public long length() {
        return capacity();
    }

    private int capacity() {
        return storage.capacity();
    }

    /** Elements in use now (the offset of the next allocation), or -1 in reshape mode, as Buffers.jl. */
    public long used() {
        return views.active() ? -1 : offset;
    }

    /**
     * A view of the buffer's memory at {@code offset} without allocating, as Buffers.jl's
     * {@code reshape_buf!}: for intermediates that reuse the same memory. The buffer is then in
     * reshape mode until {@link #reset}: {@code alloc}/{@code drop} fail, and the view ends at reset.
     * The buffer grows (if extendable) to hold the view; the high-water mark is the furthest element
     * a view touches.
     *
     * @throws BufferException if tensors are allocated from the buffer, or it cannot hold the view
     */
    public Tensor reshape(String tensorName, long viewOffset, long... dims) {
        return reshape(null, tensorName, viewOffset, dims);
    }

    /**
     * As {@link #reshape(String, long, long...)}; {@code site} says in later error messages what put
     * the buffer in reshape mode (for example "reshape_buf!(buf, 4) at line 3").
     */
    public Tensor reshape(String site, String tensorName, long viewOffset, long... dims) {
        int[] shape = ColumnMajor.checkDims(dims);
        long length = ColumnMajor.length(shape);
        BufferRules.check(BufferRules.reshape(view, viewOffset, length));
        long end = viewOffset + length;
        if (end > capacity()) {
            grow(end);
        }
        Allocation a = new Allocation(this, (int) viewOffset, (int) length, tensorName);
        views.add(a, site);
        highWater = Math.max(highWater, end);
        stats.highWater = highWater;
        updateLimit();
        return new Tensor(a, a.offset, shape, ColumnMajor.strides(shape));
    }

    /**
     * What {@code --stats} reports of a buffer (its name, length, high-water mark), kept in an
     * object of its own that outlives the buffer: the memory of a buffer nothing reaches any more is
     * given back to its budget, and its figures stay. Written by the buffer's thread, read after.
     */
    public static final class Stats {
        private volatile String name;
        private volatile long highWater;
        private volatile long length;
        private final int elementBytes;

        Stats(String name, int elementBytes) {
            this.name = name;
            this.elementBytes = elementBytes;
        }

        public String name() {
            return name;
        }

        /** The most elements that were ever in use at once. */
        public long highWater() {
            return highWater;
        }

        /** Capacity in elements, the last the buffer had (also once it is closed). */
        public long length() {
            return length;
        }

        public int elementBytes() {
            return elementBytes;
        }
    }

    /** The buffer's figures, in an object that outlives it. */
    public Stats stats() {
        return stats;
    }

    /** The most elements that were ever in use at once. */
    public long highWater() {
        return highWater;
    }

    /** Bytes per element: 8 for Float64, 4 for Float32. */
    public int elementBytes() {
        return storage.type().bytes();
    }

    public boolean isExtendable() {
        return extendable;
    }

    public void setExtendable(boolean extendable) {
        this.extendable = extendable;
    }

    /** Number of live allocations on the stack. */
    public int allocationCount() {
        return depth;
    }

    /**
     * Takes a column-major tensor of the given dimensions from the top of the buffer.
     *
     * @throws BufferException for a negative dimension, a size that overflows, or a fixed buffer
     *     without room (the buffer is left as it was)
     */
    public Tensor alloc(long... dims) {
        return alloc(null, dims);
    }

    /** As {@link #alloc(long...)}, naming the tensor for error messages. */
    public Tensor alloc(String tensorName, long... dims) {
        int[] shape = shapes.shapes[depth];
        if (shape == null || !ColumnMajor.matches(shape, dims)) {
            shape = shapes.change(depth, dims);
        }
        return push(tensorName, shape, ColumnMajor.length(shape));
    }

    /** A vector of {@code n} elements: as {@link #alloc(long...)} without the array of dimensions. */
    public Tensor alloc(long n) {
        return alloc((String) null, n);
    }

    /** As {@link #alloc(long)}, naming the tensor for error messages. */
    public Tensor alloc(String tensorName, long n) {
        int[] shape = shapes.shapes[depth];
        if (shape != null && shape.length == 1 && shape[0] == n) {
            return push(tensorName, shape, n);
        }
        return push(tensorName, shapes.change(depth, new long[] {n}), n);
    }

    /** An m x n matrix: as {@link #alloc(long...)} without the array of dimensions. */
    public Tensor alloc(long m, long n) {
        return alloc((String) null, m, n);
    }

    /** As {@link #alloc(long, long)}, naming the tensor for error messages. */
    public Tensor alloc(String tensorName, long m, long n) {
        int[] shape = shapes.shapes[depth];
        if (shape != null && shape.length == 2 && shape[0] == m && shape[1] == n) {
            return push(tensorName, shape, m * n);
        }
        return push(tensorName, shapes.change(depth, new long[] {m, n}), m * n);
    }

    /**
     * Puts a tensor of {@code length} elements and a checked shape, the one its slot keeps, on top
     * of the stack.
     */
    private Tensor push(String tensorName, int[] shape, long length) {
        long end = offset + length;
        if (end > limit) {
            beyondLimit(end, length);
        }
        int d = depth;
        offs[d] = offset;
        long gen = gens[d]; // bumped when the slot is given back, so one write per pair
        if (tensorName != null) {
            history.named(d, gen, tensorName); // unnamed tensors (Java's hot loops) store nothing but numbers
        }
        Tensor t = new Tensor(this, d, gen, offset, (int) length, tensorName, shape, shapes.strides[d]);
        depth = d + 1;
        offset = (int) end;
        if (d + 1 == offs.length) { // every array of slots has room for the next alloc
            growStack();
        }
        return t;
    }

    /** The slow path of an alloc reaching {@code end}, past {@link #limit}: checks, grows, moves the mark. */
    private void beyondLimit(long end, long request) {
        BufferRules.check(BufferRules.alloc(view, request));
        if (end > capacity()) {
            grow(end);
        }
        if (end > highWater) {
            highWater = end;
            stats.highWater = end;
        }
        updateLimit();
    }

    private void growStack() {
        int n = offs.length * 2;
        offs = Arrays.copyOf(offs, n);
        gens = Arrays.copyOf(gens, n);
        history.grow(n);
        shapes.grow(n);
    }

    /** Gives back the allocation in slot {@code d}: its tensors stop being live. */
    private void end(int d, String site) {
        end(d, gens[d], site);
    }

    /** As {@link #end(int, String)}, where {@code gen} is the slot's generation now. */
    private void end(int d, long gen, String site) {
        gens[d] = gen + 1;
        if (site != SlotHistory.DEFAULT_DROP) {
            history.ended(d, gen, site);
        }
    }

    /** How generation {@code gen} of slot {@code d} was given back (when it no longer is live). */
    String endedBy(int d, long gen) {
        return history.endedBy(d, gen, gens[d]);
    }

    /** What messages call the allocation in slot {@code d}. */
    String describeSlot(int d) {
        return history.describe(d, gens[d], offs[d], (d == depth - 1 ? offset : offs[d + 1]) - offs[d]);
    }

    /** Grows to {@code end} elements, keeping what the stack and the views hold; the rules have allowed it. */
    private void grow(long end) {
        storage.grow(end, Math.max(offset, views.end()), name);
        stats.length = storage.capacity();
    }

    /**
     * Gives back the given tensors, which together must be the most recent allocations. The order of
     * the arguments does not matter: they are taken from the highest offset down (for equal offsets
     * the longer first), as Buffers.jl does.
     *
     * @throws BufferException if a tensor is from another buffer, already given back, or not on top
     *     of the stack; nothing is dropped then
     */
    public void drop(Tensor... tensors) {
        drop(SlotHistory.DEFAULT_DROP, tensors);
    }

    /**
     * As {@link #drop(Tensor...)}; {@code site} says in error messages how the tensors were given
     * back (for example "drop!(buf, A) at line 12").
     */
    public void drop(String site, Tensor... tensors) {
        // together they must be the top of the stack, in any order (as Buffers.jl, which takes them
        // from the highest offset down; comparing slots also settles tensors of length zero)
        BufferRules.check(BufferRules.drop(view, Arrays.asList(tensors)));
        int k = tensors.length;
        for (int i = 0; i < k; i++) {
            int d = --depth;
            end(d, site);
            offset = offs[d];
        }
    }

    /** Gives back one tensor, the last allocated: as {@link #drop(Tensor...)} without the array. */
    public void drop(Tensor tensor) {
        drop(SlotHistory.DEFAULT_DROP, tensor);
    }

    /** As {@link #drop(Tensor)}, with the site for later error messages. */
    public void drop(String site, Tensor tensor) {
        // the new state is taken from the handle, not from what the checks read: the stores need not
        // wait for the loads, so pair after pair does not form one long chain through memory
        int d = tensor.slot();
        if (d == depth - 1 && d >= 0 && tensor.buffer() == this && gens[d] == tensor.generation()) {
            depth = d;
            end(d, tensor.generation(), site);
            offset = tensor.allocOffset();
            return;
        }
        drop(site, new Tensor[] {tensor});
    }

    /**
     * Gives back two tensors, the last two allocated, in either order: as {@link #drop(Tensor...)}
     * without the array (a kernel's usual {@code drop!(buf, B, A)} then makes no garbage).
     *
     * @throws BufferException as {@link #drop(Tensor...)}
     */
    public void drop(Tensor a, Tensor b) {
        drop(SlotHistory.DEFAULT_DROP, a, b);
    }

    /** As {@link #drop(Tensor, Tensor)}, with the site for later error messages. */
    public void drop(String site, Tensor a, Tensor b) {
        int d = depth - 2;
        Tensor lower = a.slot() == d ? a : b;
        Tensor upper = lower == a ? b : a;
        if (d >= 0 && lower.slot() == d && upper.slot() == d + 1 && a.buffer() == this && b.buffer() == this
                && gens[d] == lower.generation() && gens[d + 1] == upper.generation()) {
            depth = d;
            end(d + 1, upper.generation(), site);
            end(d, lower.generation(), site);
            offset = lower.allocOffset();
            return;
        }
        drop(site, new Tensor[] {a, b});
    }

    /** Gives back every tensor of the buffer at once. */
    public void reset() {
        reset("reset");
    }

    /** As {@link #reset()}; {@code site} says in later error messages how the tensors were given back. */
    public void reset(String site) {
        for (int d = 0; d < depth; d++) {
            end(d, site);
        }
        views.endAll(site);
        depth = 0;
        updateLimit();
        offset = 0;
    }

    @Override
    public String toString() {
        return "Buffer{" + storage.type().julia() + "}(" + capacity() + ", used=" + used() + ")";
    }
}
