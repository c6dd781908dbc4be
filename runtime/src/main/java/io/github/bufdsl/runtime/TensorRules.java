package io.github.bufdsl.runtime;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The index rules of {@code @tensor}, once: in each term every index appears exactly twice (on a
 * factor and the output, or twice on the right), with one dimension wherever it appears, and each
 * tensor carries one index per dimension; the output repeats none. A pure decision over the
 * labels and (where known) dimensions of a term, returning the {@link Violation} or null. The
 * interpreter asks it for each term before contracting, {@link Contractor} for each pairwise
 * contraction, the analyzer for each term before running; each kind of violation has one message.
 */
public final class TensorRules {
    private TensorRules() {
    }

    /** Where a dimension is not known (the analyzer's symbolic sizes). */
    public static final long UNKNOWN = -1;

    /**
     * A tensor of a term: how messages call it, its index labels, its dimensions (null when not
     * known, an entry {@link #UNKNOWN} when that one is not).
     */
    public record Ref(String name, List<String> labels, long[] dims) {
        public Ref {
            labels = List.copyOf(labels);
        }
    }

    /** What breaks an index rule. Each kind has one message. */
    public sealed interface Violation {
        String message();

        /** A tensor with another number of indices than dimensions. */
        record IndexCount(String tensor, int rank, List<String> labels) implements Violation {
            public String message() {
                return tensor + " has " + rank + (rank == 1 ? " dimension" : " dimensions") + " but " + labels.size()
                        + (labels.size() == 1 ? " index" : " indices") + " [" + String.join(",", labels) + "]";
            }
        }

        /** An index twice on the output. */
        record RepeatedOnOutput(String output, List<String> labels) implements Violation {
            public String message() {
                return "an index repeats on the output " + output + ": " + String.join(",", labels);
            }
        }

        /** An index three times or more in one term. */
        record ThreeTimes(String label) implements Violation {
            public String message() {
                return "index " + label + " appears three times";
            }
        }

        /** An index once on the right and not on the output. */
        record Once(String label) implements Violation {
            public String message() {
                return "index " + label + " appears only once on the right and not on the left";
            }
        }

        /** An index of the output not on the right. */
        record NotOnRight(String label, String output) implements Violation {
            public String message() {
                return "index " + label + " of the output " + output + " does not appear on the right";
            }
        }

        /** An index with different dimensions on two tensors. */
        record DimensionsDisagree(String label, long first, String firstOn, long second, String secondOn)
                implements Violation {
            public String message() {
                return disagree(label, Long.toString(first), firstOn, Long.toString(second), secondOn);
            }
        }

        /** An index traced over two dimensions of one tensor that differ. */
        record TraceDimensionsDiffer(String label, long first, long second, String tensor) implements Violation {
            public String message() {
                return "index " + label + " is traced over dimensions " + first + " and " + second + " of " + tensor
                        + ", which differ";
            }
        }
    }

    /**
     * One term: {@code output[outLabels] (=, +=, :=) factors...}.
     *
     * @param output the output (its dimensions null when not known, or when {@code :=} makes it)
     * @param factors the tensors of the term (scalars are not among them)
     */
    public static Violation term(Ref output, List<Ref> factors) {
        Violation v = indexCount(output);
        if (v != null) {
            return v;
        }
        if (new java.util.HashSet<>(output.labels()).size() != output.labels().size()) {
            return new Violation.RepeatedOnOutput(output.name(), output.labels());
        }
        for (Ref f : factors) {
            v = indexCount(f);
            if (v != null) {
                return v;
            }
        }
        // the structure first (each index twice), then the dimensions
        Map<String, Integer> count = new LinkedHashMap<>();
        for (Ref f : factors) {
            for (String l : f.labels()) {
                count.merge(l, 1, Integer::sum);
            }
        }
        for (String l : output.labels()) {
            count.merge(l, 1, Integer::sum);
        }
        for (Map.Entry<String, Integer> e : count.entrySet()) {
            String l = e.getKey();
            if (e.getValue() > 2) {
                return new Violation.ThreeTimes(l);
            }
            if (e.getValue() == 1) {
                return output.labels().contains(l) ? new Violation.NotOnRight(l, output.name())
                        : new Violation.Once(l);
            }
        }
        Map<String, Long> dim = new HashMap<>();
        Map<String, String> where = new HashMap<>();
        for (Ref f : factors) {
            for (int k = 0; k < f.labels().size(); k++) {
                v = note(f.labels().get(k), f.dims() == null ? UNKNOWN : f.dims()[k], f.name(), dim, where);
                if (v != null) {
                    return v;
                }
            }
        }
        for (int k = 0; k < output.labels().size(); k++) {
            v = note(output.labels().get(k), output.dims() == null ? UNKNOWN : output.dims()[k], output.name(), dim,
                    where);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static Violation indexCount(Ref t) {
        return t.dims() != null && t.dims().length != t.labels().size()
                ? new Violation.IndexCount(t.name(), t.dims().length, t.labels()) : null;
    }

    private static Violation note(String label, long d, String tensor, Map<String, Long> dim, Map<String, String> where) {
        if (d == UNKNOWN) {
            return null;
        }
        Long before = dim.putIfAbsent(label, d);
        if (before == null) {
            where.put(label, tensor);
            return null;
        }
        if (before != d) {
            return tensor.equals(where.get(label)) ? new Violation.TraceDimensionsDiffer(label, before, d, tensor)
                    : new Violation.DimensionsDisagree(label, before, where.get(label), d, tensor);
        }
        return null;
    }

    /** A tensor of the runtime as a {@link Ref}. */
    public static Ref ref(Tensor t, String[] labels) {
        int[] d = t.dimsInternal();
        long[] dims = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            dims[i] = d[i];
        }
        return new Ref(t.describe(), List.of(labels), dims);
    }

    /**
     * The words of {@link Violation.DimensionsDisagree}, the dimensions as text: also for callers
     * that know them as formulas ({@code n} on one tensor, {@code n + 1} on another).
     */
    public static String disagree(String label, String first, String firstOn, String second, String secondOn) {
        return "index " + label + " has dimension " + first + " on " + firstOn + " but " + second + " on " + secondOn;
    }

    /**
     * The rule that the output of a contraction may not share memory with a tensor the same step
     * reads (the result would overwrite elements still to be read): its words, for the runtime that
     * finds it from the tensors' positions and for callers that find it before running.
     */
    public static String overlap(String output, String input) {
        return "the output " + output + " shares memory with the input " + input
                + "; write the result to a separate tensor";
    }

    /** Throws the violation, if any, as a {@link ShapeMismatchException}. */
    public static void check(Violation v) {
        if (v != null) {
            throw new ShapeMismatchException(v.message());
        }
    }
}
