package io.github.bufdsl.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;

/**
 * The elements of a {@link Buffer} and the memory behind them: a Java array of Float64 or Float32
 * elements or, off the heap, a direct buffer that a native backend reads and writes in place. It
 * owns the largest lengths storage can have, growing (new storage of the length asked, keeping a
 * prefix), the share of the {@link MemoryBudget} the buffer holds, and giving both back when the
 * buffer closes. It knows lengths only: what is allocated where (the stack) is the buffer's.
 */
final class BufferStorage {
    /** Largest length storage can have: one Java array. */
    static final long MAX_LENGTH = Integer.MAX_VALUE - 8;
    /** The most elements off the heap: one direct buffer of at most 2^31 - 1 bytes. */
    static final int MAX_OFF_HEAP_LENGTH = Integer.MAX_VALUE / 8;

    private final ElementType type;
    private final boolean offHeap;
    /** The memory the buffer holds of the budget: given back by close, or when the buffer is unreachable. */
    private final MemoryBudget.Hold hold;
    private double[] data = new double[0];
    /** The storage of a Float32 buffer (data is then empty). */
    private float[] floats = new float[0];
    /** The storage of an off-heap buffer. */
    private DoubleBuffer nat;
    /** Elements the storage holds (data's or floats' length). */
    private int cap;

    /**
     * Storage of {@code length} elements, taken from {@code budget} for {@code holder} (given back
     * when the holder becomes unreachable).
     *
     * @throws BufferException if the length is negative, too large, or past the budget; nothing is taken then
     */
    BufferStorage(Object holder, long length, ElementType type, boolean offHeap, MemoryBudget budget, String name) {
        if (offHeap && type != ElementType.FLOAT64) {
            throw new BufferException("only Float64 buffers can live off the Java heap");
        }
        this.type = type;
        this.offHeap = offHeap;
        int n = checkLength(length, name);
        this.hold = budget.hold(holder, "the buffer " + name, (long) type.bytes() * n);
        try {
            replace(n, 0, name);
        } catch (BufferException e) {
            hold.release();
            throw e;
        }
    }

    /** {@code length} as the length of storage named {@code what} in messages. */
    static int checkLength(long length, String what) {
        BufferRules.check(BufferRules.length(what, length));
        if (length > MAX_LENGTH) {
            throw new BufferException(what + ": length " + length + " is larger than the largest buffer ("
                    + MAX_LENGTH + " elements)");
        }
        return (int) length;
    }

    /**
     * Grows to {@code end} elements, keeping the first {@code keep}; the rules ({@link BufferRules})
     * have allowed it.
     *
     * @throws BufferException if the length is too large or past the budget; nothing changes then
     */
    void grow(long end, int keep, String name) {
        int n = checkLength(end, name);
        long more = (long) type.bytes() * (n - cap);
        hold.add("growing " + name + " to " + n + " elements", more);
        try {
            replace(n, Math.min(cap, keep), name);
        } catch (BufferException e) {
            hold.shrink(more);
            throw e;
        }
    }

    /** Replaces the storage by one of {@code n} elements, copying the first {@code keep}. */
    private void replace(int n, int keep, String name) {
        try {
            if (offHeap) {
                if (n > MAX_OFF_HEAP_LENGTH) {
                    throw new BufferException(name + " would need " + n + " elements off the heap, more than one"
                            + " direct buffer holds (" + MAX_OFF_HEAP_LENGTH + ")");
                }
                DoubleBuffer d = ByteBuffer.allocateDirect(8 * n).order(ByteOrder.nativeOrder()).asDoubleBuffer();
                if (keep > 0) {
                    d.put(0, nat, 0, keep);
                }
                nat = d;
            } else if (type == ElementType.FLOAT64) {
                double[] d = new double[n];
                System.arraycopy(data, 0, d, 0, keep);
                data = d;
            } else {
                float[] f = new float[n];
                System.arraycopy(floats, 0, f, 0, keep);
                floats = f;
            }
            cap = n;
        } catch (OutOfMemoryError e) {
            throw new BufferException("cannot hold " + n + " elements (" + (long) type.bytes() * n
                    + " bytes): not enough " + (offHeap ? "direct memory (-XX:MaxDirectMemorySize)" : "memory")
                    + " in the JVM");
        }
    }

    /** Gives the memory back, to the budget and (the direct memory with the GC) to the JVM. */
    void release() {
        hold.release();
        data = new double[0];
        floats = new float[0];
        nat = offHeap ? DoubleBuffer.allocate(0) : null;
        cap = 0;
    }

    /** Elements held now. */
    int capacity() {
        return cap;
    }

    ElementType type() {
        return type;
    }

    boolean offHeap() {
        return offHeap;
    }

    /** Element {@code p}. */
    double read(int p) {
        return offHeap ? nat.get(p) : type == ElementType.FLOAT64 ? data[p] : floats[p];
    }

    /** Sets element {@code p} (rounded to Float32 in Float32 storage). */
    void write(int p, double v) {
        if (offHeap) {
            nat.put(p, v);
        } else if (type == ElementType.FLOAT64) {
            data[p] = v;
        } else {
            floats[p] = (float) v;
        }
    }

    /** The Float64 array (empty for Float32 storage or off the heap); valid until the storage grows. */
    double[] data() {
        return data;
    }

    /** The Float32 array; null for Float64 storage. */
    float[] floats() {
        return type == ElementType.FLOAT32 ? floats : null;
    }

    /** The off-heap storage (a direct buffer, position 0); null on the heap. */
    DoubleBuffer nativeData() {
        return nat;
    }
}
