package io.github.bufdsl.runtime;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A column-major view (first index fastest) of part of a {@link Buffer}: offset, dimensions and
 * strides. Indices in this API are 0-based. A handle is immutable; the elements it views are not.
 *
 * <p>Every access first checks that the memory still belongs to the allocation the tensor came
 * from, and throws a {@link BufferException} saying how it was given back if not.
 */
public final class Tensor {
    private final Buffer buffer;
    /** The stack slot of the allocation and its generation there; -1 for a view made by reshape. */
    private final int slot;
    private final long gen;
    /** The allocation of a view made by reshape; null for a tensor on the stack. */
    private final Allocation view;
    private final int allocOffset;
    private final int allocLength;
    private final int offset;
    private final int[] dims;
    private final int[] strides;
    private final String name;
    /** Elements viewed (the product of dims), and whether they lie column-major without gaps. */
    private final int length;
    private final boolean contiguous;

    /** A tensor taken by alloc: the whole of slot {@code slot}'s allocation in generation {@code gen}. */
    Tensor(Buffer buffer, int slot, long gen, int offset, int length, String name, int[] dims, int[] strides) {
        // the fields are set here rather than through the general constructor: its signature names
        // Allocation, a class a program without reshape views never loads, and the JIT does not inline
        // a call whose signature has an unloaded class; then the handle of every alloc would be garbage
        this.buffer = buffer;
        this.slot = slot;
        this.gen = gen;
        this.view = null;
        this.allocOffset = offset;
        this.allocLength = length;
        this.offset = offset;
        this.dims = dims;
        this.strides = strides;
        this.name = name;
        this.length = length;
        this.contiguous = true;
    }

    /** A view made by reshape, live while {@code view} is. */
    Tensor(Allocation view, int offset, int[] dims, int[] strides) {
        this(view.buffer, -1, 0, view, view.offset, view.length, offset, dims, strides, view.name,
                (int) ColumnMajor.length(dims), ColumnMajor.isContiguous(dims, strides));
    }

    private Tensor(Buffer buffer, int slot, long gen, Allocation view, int allocOffset, int allocLength, int offset,
            int[] dims, int[] strides, String name, int length, boolean contiguous) {
        this.buffer = buffer;
        this.slot = slot;
        this.gen = gen;
        this.view = view;
        this.allocOffset = allocOffset;
        this.allocLength = allocLength;
        this.offset = offset;
        this.dims = dims;
        this.strides = strides;
        this.name = name;
        this.length = length;
        this.contiguous = contiguous;
    }

    /** The same allocation seen at another offset and shape, under a name. */
    private Tensor sameAllocation(int newOffset, int[] newDims, int[] newStrides, String newName) {
        boolean sameShape = newDims == dims && newStrides == strides;
        return new Tensor(buffer, slot, gen, view, allocOffset, allocLength, newOffset, newDims, newStrides, newName,
                sameShape ? length : (int) ColumnMajor.length(newDims),
                sameShape ? contiguous : ColumnMajor.isContiguous(newDims, newStrides));
    }

    /** A tensor with its own memory (a private buffer), filled from column-major values. */
    public static Tensor of(double[] columnMajor, long... dims) {
        Buffer b = new Buffer(columnMajor.length, false).setName("a standalone tensor");
        Tensor t = b.alloc(dims);
        if (t.length() != columnMajor.length) {
            throw new ShapeMismatchException(columnMajor.length + " values do not fill a tensor of size "
                    + t.shapeString());
        }
        for (int i = 0; i < columnMajor.length; i++) {
            b.storage.write(i, columnMajor[i]);
        }
        return t;
    }

    int slot() {
        return slot;
    }

    long generation() {
        return gen;
    }

    /** How the memory was given back (when it was). */
    String endedBy() {
        return view != null ? view.endedBy() : buffer.endedBy(slot, gen);
    }

    /** The buffer this tensor's memory belongs to. */
    public Buffer buffer() {
        return buffer;
    }

    /** The handle's name for error messages, or null. */
    public String name() {
        return name;
    }

    /** The same view under another name (for error messages). */
    public Tensor withName(String newName) {
        return sameAllocation(offset, dims, strides, newName);
    }

    /** What error messages call this tensor. */
    public String describe() {
        return name != null ? name : "the tensor at offset " + allocOffset + " (" + allocLength + " elements)";
    }

    public int rank() {
        return dims.length;
    }

    /** The dimensions (a copy). */
    public int[] dims() {
        return dims.clone();
    }

    /** Dimension {@code k} (0-based). */
    public int dim(int k) {
        return dims[k];
    }

    /** Number of elements. */
    public long length() {
        return length;
    }

    /** Offset of the first element in the buffer. */
    public long offset() {
        return offset;
    }

    /** Where the allocation this tensor belongs to starts in the buffer. */
    int allocOffset() {
        return allocOffset;
    }

    int[] strides() {
        return strides;
    }

    int offsetInternal() {
        return offset;
    }

    int[] dimsInternal() {
        return dims;
    }

    /** True while the memory still belongs to the allocation this tensor came from. */
    public boolean isLive() {
        return view == null ? buffer.gens[slot] == gen : view.live();
    }

    /**
     * Throws if the memory was given back.
     *
     * @throws BufferException "A was dropped by reset!(buf) at line 12"
     */
    public void checkLive() {
        if (!isLive()) {
            BufferRules.check(BufferRules.use(describe(), endedBy()));
        }
    }

    /** True if the elements lie contiguously in column-major order. */
    public boolean isContiguous() {
        return contiguous;
    }

    /** Whether this is all of an allocation made by alloc (not a slice of one, not a reshape_buf! view). */
    boolean isWholeAllocation() {
        return view == null && offset == allocOffset && length == allocLength;
    }

    /**
     * The same memory as a new handle, as Buffers.jl's {@code neuralyze}; here it keeps the safety
     * checks, so it stays valid exactly as long as this tensor.
     *
     * @throws BufferException if the tensor is not contiguous or not live
     */
    public Tensor neuralyze() {
        checkLive();
        if (!isContiguous()) {
            throw new BufferException("neuralyze(" + describe() + "): the tensor is not contiguous");
        }
        return sameAllocation(offset, dims, strides, name);
    }

    /**
     * A view of part of this tensor, as Julia's {@code view(A, :, k)}: for each dimension a 0-based
     * index, or -1 for the whole dimension ({@code :}). The view has one dimension per -1, shares
     * this tensor's memory and allocation, and writes through to it.
     *
     * @throws BufferException if an index is out of bounds or the tensor is not live
     */
    public Tensor slice(int... index) {
        checkLive();
        checkSliceIndices(index.length);
        int off = offset;
        int rank = 0;
        for (int i : index) {
            rank += i < 0 ? 1 : 0;
        }
        int[] d = new int[rank];
        int[] st = new int[rank];
        int r = 0;
        for (int k = 0; k < index.length; k++) {
            if (index[k] < 0) {
                d[r] = dims[k];
                st[r++] = strides[k];
            } else {
                if (index[k] >= dims[k]) {
                    throw outOfBounds(index[k], k);
                }
                off += index[k] * strides[k];
            }
        }
        return sameAllocation(off, d, st, name);
    }

    /**
     * A strided view, as Julia's {@code view(A, 2:3, :, 1:2:5, k)}: for each dimension the first
     * 0-based index, a step (negative for a view that runs backwards, {@code A[3:-1:1]}: its stride
     * is negative) and a count of indices; a dimension with {@code keep[k]}
     * false is indexed by one integer and leaves the view (its count must be 1). The view shares this
     * tensor's memory and allocation and writes through to it.
     *
     * @throws BufferException if an index is out of bounds or the tensor is not live
     */
    public Tensor view(int[] first, int[] step, int[] count, boolean[] keep) {
        checkLive();
        checkSliceIndices(first.length);
        int rank = 0;
        for (boolean k : keep) {
            rank += k ? 1 : 0;
        }
        int[] d = new int[rank];
        int[] st = new int[rank];
        long off = offset;
        int r = 0;
        for (int k = 0; k < first.length; k++) {
            if (step[k] == 0 || count[k] < 0) {
                throw new IllegalArgumentException("step " + step[k] + ", count " + count[k]);
            }
            long last = first[k] + (long) (count[k] - 1) * step[k];
            long bad = first[k] < 0 || first[k] >= dims[k] ? first[k] : last < 0 || last >= dims[k] ? last : -2;
            if (count[k] > 0 && bad != -2) {
                throw outOfBounds(bad, k);
            }
            if (count[k] > 0) {
                off += (long) first[k] * strides[k];
            }
            if (keep[k]) {
                d[r] = count[k];
                st[r++] = strides[k] * step[k];
            }
        }
        return sameAllocation((int) off, d, st, name);
    }

    /** Throws unless a slice gives one index per dimension. */
    private void checkSliceIndices(int given) {
        if (given != dims.length) {
            throw new ShapeMismatchException("a tensor of size " + shapeString() + " is sliced with " + dims.length
                    + " indices, not " + given);
        }
    }

    /** The error for the 0-based {@code index} past dimension {@code k} (0-based). */
    private BufferException outOfBounds(long index, int k) {
        return new BufferException("index " + (index + 1) + " is out of bounds 1:" + dims[k] + " in dimension " + (k + 1)
                + " of " + describe() + " (size " + shapeString() + ")");
    }

    /**
     * Whether writing this tensor element by element could change what {@code other} reads at
     * another position: both view one buffer, their spans overlap, and their layouts differ.
     */
    public boolean mightAlias(Tensor other) {
        if (other.buffer != buffer || other == this) {
            return false;
        }
        if (other.offset == offset && Arrays.equals(other.dims, dims) && Arrays.equals(other.strides, strides)) {
            return false;
        }
        long[] a = span();
        long[] b = other.span();
        return length() > 0 && other.length() > 0 && a[0] <= b[1] && b[0] <= a[1];
    }

    /** Lowest and highest buffer positions the tensor touches. */
    long[] span() {
        return ColumnMajor.span(offset, dims, strides);
    }

    /** Element at a 0-based multi-index. */
    public double get(int... index) {
        checkLive();
        return buffer.storage.read(position(index));
    }

    /** Sets the element at a 0-based multi-index. */
    public void set(double value, int... index) {
        checkLive();
        buffer.storage.write(position(index), value);
    }

    /** Element {@code i} in column-major order. */
    public double getLinear(long i) {
        checkLive();
        return buffer.storage.read(linearPosition(i));
    }

    /** Sets element {@code i} in column-major order. */
    public void setLinear(long i, double value) {
        checkLive();
        buffer.storage.write(linearPosition(i), value);
    }

    private int position(int[] index) {
        if (index.length != dims.length) {
            throw new ShapeMismatchException("a tensor of size " + shapeString() + " has " + dims.length
                    + (dims.length == 1 ? " index" : " indices") + ", not " + index.length);
        }
        int p = offset;
        for (int k = 0; k < index.length; k++) {
            if (index[k] < 0 || index[k] >= dims[k]) {
                throw outOfBounds(index[k], k);
            }
            p += index[k] * strides[k];
        }
        return p;
    }

    /** The buffer position of element {@code i} in column-major order. */
    int linearPosition(long i) {
        long n = length();
        if (i < 0 || i >= n) {
            throw new BufferException("linear index " + (i + 1) + " is out of bounds 1:" + n + " of " + describe());
        }
        if (contiguous) {
            return offset + (int) i;
        }
        int p = offset;
        long rest = i;
        for (int k = 0; k < dims.length; k++) {
            p += (int) (rest % dims[k]) * strides[k];
            rest /= dims[k];
        }
        return p;
    }

    /** Sets every element to {@code value}. */
    public void fill(double value) {
        checkLive();
        Buffer b = buffer;
        if (isContiguous() && b.elementType() == ElementType.FLOAT64 && !b.isOffHeap()) {
            Arrays.fill(b.storage.data(), offset, offset + (int) length(), value);
            return;
        }
        for (long i = 0, n = length(); i < n; i++) {
            b.storage.write(linearPosition(i), value);
        }
    }

    /** Fills with uniform random numbers in [0, 1). */
    public void fillRandom(RandomGenerator random) {
        checkLive();
        Buffer b = buffer;
        if (isContiguous() && b.isOffHeap()) { // in bulk, a block of numbers at a time
            double[] block = new double[(int) Math.min(length(), 4096)];
            for (int p = offset, end = offset + (int) length(); p < end; p += block.length) {
                int k = Math.min(block.length, end - p);
                for (int i = 0; i < k; i++) {
                    block[i] = random.nextDouble();
                }
                b.storage.nativeData().put(p, block, 0, k);
            }
            return;
        }
        if (isContiguous()) { // positions in order: no index arithmetic per element
            for (int p = offset, end = offset + (int) length(); p < end; p++) {
                b.storage.write(p, random.nextDouble());
            }
            return;
        }
        for (long i = 0, n = length(); i < n; i++) {
            b.storage.write(linearPosition(i), random.nextDouble());
        }
    }

    /**
     * Sum of all elements, added one after the other in column-major order (0.0 when there are none;
     * a sum of -0.0 alone is -0.0, as Julia's).
     */
    public double sum() {
        checkLive();
        Buffer b = buffer;
        double s = length() == 0 ? 0.0 : -0.0; // -0.0 is the identity of +: -0.0 + x is x, -0.0 too
        if (isContiguous()) { // the same order of summation, without index arithmetic per element
            for (int p = offset, end = offset + (int) length(); p < end; p++) {
                s += b.storage.read(p);
            }
            return s;
        }
        for (long i = 0, n = length(); i < n; i++) {
            s += b.storage.read(linearPosition(i));
        }
        return s;
    }

    /** The elements in column-major order (a copy). */
    public double[] toArray() {
        checkLive();
        Buffer b = buffer;
        double[] out = new double[(int) length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.storage.read(linearPosition(i));
        }
        return out;
    }

    /** The size as Julia prints it: "10×10×20". */
    public String shapeString() {
        if (dims.length == 0) {
            return "()";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                sb.append('×');
            }
            sb.append(dims[i]);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return (name == null ? "Tensor" : name) + "(" + shapeString() + ")";
    }
}
