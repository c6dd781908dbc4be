package io.github.bufdsl.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * The language's rules of shapes, written once over any kind of dimension: the interpreter applies
 * them to numbers, the type checker and usage to dimensions that are formulas.
 * <ul>
 * <li>A slice {@code A[i1, ..., ik]} (Julia's {@code view(A, ...)}): a {@code :} keeps its dimension
 * whole, a range keeps as many indices as it has, an integer drops the dimension.
 * <li>{@code size(A, k)}: the k-th dimension, 1 past the last (as Julia); {@code length(A)}: the
 * product of the dimensions.
 * </ul>
 */
public final class Shapes {
    private Shapes() {
    }

    /** What one index does to its dimension: {@link Whole}, {@link Span}, or {@link Drop}. */
    public sealed interface Index<D> {
    }

    /** A {@code :}. */
    public record Whole<D>() implements Index<D> {
    }

    /** A range, of {@code length} indices. */
    public record Span<D>(D length) implements Index<D> {
    }

    /** An integer. */
    public record Drop<D>() implements Index<D> {
    }

    /** The count of indices a slice keeps of a dimension {@code dim}, or null when the index drops it. */
    public static <D> D kept(Index<D> index, D dim) {
        if (index instanceof Whole) {
            return dim;
        }
        return index instanceof Span<D> s ? s.length() : null;
    }

    /** The dimensions of the slice of a tensor with dimensions {@code parent}, one index per dimension. */
    public static <D> List<D> dims(List<D> parent, List<? extends Index<D>> indices) {
        List<D> out = new ArrayList<>();
        for (int k = 0; k < indices.size(); k++) {
            D d = kept(indices.get(k), parent.get(k));
            if (!(indices.get(k) instanceof Drop)) {
                out.add(d);
            }
        }
        return out;
    }

    /**
     * {@code size(A, k)} of a tensor of {@code rank} dimensions, {@code dim.apply(i)} the (i+1)-th:
     * past the last, 1; null for {@code k < 1} (a dimension that does not exist: an error).
     */
    public static <D> D size(int rank, java.util.function.IntFunction<D> dim, long k, D one) {
        if (k < 1) {
            return null;
        }
        return k <= rank ? dim.apply((int) (k - 1)) : one;
    }

    /** {@code length(A)} of a tensor of {@code rank} dimensions: their product. */
    public static <D> D length(int rank, java.util.function.IntFunction<D> dim, D one,
            java.util.function.BinaryOperator<D> times) {
        D n = one;
        for (int i = 0; i < rank; i++) {
            n = times.apply(n, dim.apply(i));
        }
        return n;
    }

    /** How many indices the range {@code start:step:stop} has, as Julia counts them (0 when it is empty). */
    public static long length(long start, long step, long stop) {
        return new Value.Range(start, step, stop).length();
    }
}
