package io.github.bufdsl.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The matrix multiply every contraction ends in. A {@link Contractor} arranges its operands as
 * column-major matrices (permuting them into its workspace only where their layout does not already
 * line up) and hands them to a backend: EJML (pure Java, the default) or a native BLAS found on the
 * class path (the {@code bufdsl-backend-blas} module). One instance serves one thread.
 */
public interface MatrixBackend {
    /**
     * {@code c = alpha * op(a) * op(b) + beta * c}, all column-major and dense (the leading dimension
     * is the number of rows) from the given offsets: {@code op(a)} is m x k ({@code a} stored k x m when
     * {@code transA}), {@code op(b)} is k x n ({@code b} stored n x k when {@code transB}), {@code c}
     * is m x n. With beta 0, {@code c} is not read (NaN does not stay). Modifies only c's m*n elements.
     * m, n and k are at least 1.
     *
     * @throws IllegalArgumentException if an offset is not 0 and {@link #anyOffset()} is false
     */
    void multiply(int m, int n, int k, double alpha, double[] a, int offA, boolean transA, double[] b, int offB,
            boolean transB, double beta, double[] c, int offC);

    /**
     * Whether matrices may start anywhere in their arrays; if not, the contractor copies those that
     * do not start at 0.
     */
    boolean anyOffset();

    /** Whether {@link #multiplyNative} reads and writes matrices in off-heap buffers in place. */
    default boolean readsNative() {
        return false;
    }

    /**
     * Whether a multiply of transposed operands costs about what a plain one does (a BLAS packs both
     * alike; the EJML backend sends such products to its own kernel): the contractor then packs a
     * permuted operand transposed when that copy keeps more of its storage order. A backend whose
     * transposed multiplies are much slower says no, the default.
     */
    default boolean transposesFreely() {
        return false;
    }

    /**
     * As {@link #multiply}, where a matrix may live off the heap: a non-null {@code nA} (a direct
     * buffer) holds A from {@code offA} and {@code a} is then null; likewise for B and C. Called only
     * when {@link #readsNative()}.
     */
    default void multiplyNative(int m, int n, int k, double alpha, double[] a, java.nio.DoubleBuffer nA, int offA,
            boolean transA, double[] b, java.nio.DoubleBuffer nB, int offB, boolean transB, double beta, double[] c,
            java.nio.DoubleBuffer nC, int offC) {
        throw new UnsupportedOperationException("this backend does not read off-heap buffers");
    }

    /** Elements of memory outside the buffers the backend has held at most (native staging copies), 0 for none. */
    default long stagingHighWater() {
        return 0;
    }

    /**
     * Makes backends of one kind; found by {@link ServiceLoader} under
     * {@code META-INF/services/io.github.bufdsl.runtime.MatrixBackend$Factory}. Knowing a kind's
     * traits must not load native code: only {@link #create()} may.
     */
    interface Factory {
        /** The name {@code --backend} takes, such as {@code ejml} or {@code blas}. */
        String name();

        /** See {@link MatrixBackend#anyOffset()}. */
        boolean anyOffset();

        /**
         * Whether every multiply copies its matrices into staging memory of its own (m*k, k*n, m*n
         * elements, kept and grown), except those in off-heap buffers when {@link #readsNative()}.
         */
        boolean stages();

        /** See {@link MatrixBackend#readsNative()}; a script's buffers are then made off the heap. */
        default boolean readsNative() {
            return false;
        }

        /** A new backend for one thread. */
        MatrixBackend create();
    }

    /** EJML's factory, the default. */
    Factory EJML = new Factory() {
        @Override
        public String name() {
            return "ejml";
        }

        @Override
        public boolean anyOffset() {
            return false;
        }

        @Override
        public boolean stages() {
            return false;
        }

        @Override
        public MatrixBackend create() {
            return new EjmlBackend();
        }
    };

    /** Every backend kind available: EJML, then those on the class path. */
    static List<Factory> available() {
        List<Factory> all = new ArrayList<>();
        all.add(EJML);
        for (Factory f : ServiceLoader.load(Factory.class, MatrixBackend.class.getClassLoader())) {
            if (all.stream().noneMatch(g -> g.name().equals(f.name()))) {
                all.add(f);
            }
        }
        return all;
    }

    /**
     * The backend kind with this name.
     *
     * @throws IllegalArgumentException naming the kinds there are, if none has the name
     */
    static Factory named(String name) {
        List<Factory> all = available();
        for (Factory f : all) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        List<String> names = new ArrayList<>(List.of("ejml", "blas"));
        all.stream().map(Factory::name).filter(n -> !names.contains(n)).forEach(names::add);
        boolean blas = all.stream().anyMatch(f -> f.name().equals("blas"));
        throw new IllegalArgumentException((name.equals("blas") ? "the backend blas is not installed"
                : "no matrix backend " + name) + "; the backends are " + String.join(", ", names)
                + (blas ? "" : " (blas needs the jar of the module backend-blas on the class path; ./bufdsl"
                        + " adds it once built)"));
    }
}
