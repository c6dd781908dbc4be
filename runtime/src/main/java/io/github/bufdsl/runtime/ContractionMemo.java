package io.github.bufdsl.runtime;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * What a contraction decides from its labels, dimensions and layout flags alone (that the index
 * rules hold, the matrix plan), kept by that signature: a statement a loop runs again with tensors
 * of the same shapes decides it once. The decisions are the same functions of the same inputs
 * ({@link TensorRules#term}, {@link Contractor#plan}); only their repetition is saved. Bounded: a
 * loop whose shapes change every iteration starts the memo afresh now and then.
 */
final class ContractionMemo {
    static final int MAX_ENTRIES = 512;

    private final Map<Key, Object> entries = new HashMap<>();

    /** A signature: labels and dimensions of each tensor, and flags (what is decided, the layout). */
    static final class Key {
        private final int flags;
        private final String[][] labels;
        private final int[][] dims;
        private final int hash;

        Key(int flags, String[][] labels, int[][] dims) {
            this.flags = flags;
            this.labels = labels;
            this.dims = dims;
            this.hash = 31 * (31 * flags + Arrays.deepHashCode(labels)) + Arrays.deepHashCode(dims);
        }

        /** This key with its own copies of the arrays, to keep (a tensor's dimensions may be reused). */
        Key copy() {
            int[][] d = new int[dims.length][];
            String[][] l = new String[labels.length][];
            for (int i = 0; i < d.length; i++) {
                d[i] = dims[i].clone();
                l[i] = labels[i].clone();
            }
            return new Key(flags, l, d);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && k.flags == flags && Arrays.deepEquals(k.labels, labels)
                    && Arrays.deepEquals(k.dims, dims);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** What was kept for the signature, or null. */
    Object get(Key key) {
        return entries.get(key);
    }

    void put(Key key, Object decision) {
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(key.copy(), decision);
    }
}
