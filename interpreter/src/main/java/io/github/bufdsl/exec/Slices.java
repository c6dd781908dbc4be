package io.github.bufdsl.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a slice {@code A[i1, ..., ik]} (Julia's {@code view(A, ...)}): a {@code :} keeps its
 * dimension whole, a range keeps as many indices as it has, an integer drops the dimension. Written
 * once, over any kind of dimension: the interpreter slices with it (numbers), the type checker and
 * usage follow slices with it (dimensions that are formulas).
 *
 * @param <D> a dimension
 */
public final class Slices {
    private Slices() {
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

    /** How many indices the range {@code start:step:stop} has, as Julia counts them (0 when it is empty). */
    public static long length(long start, long step, long stop) {
        return new Value.Range(start, step, stop).length();
    }
}
