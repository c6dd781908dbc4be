package io.github.bufdsl.blas;

import io.github.bufdsl.runtime.MatrixBackend;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Multiplies with OpenBLAS's {@code cblas_dgemm}. Matrices in off-heap buffers are read and
 * written where they are. The JVM cannot lend native code a range of a large Java array without
 * copying the whole array, so a matrix on the heap is copied (only its m*k, k*n or m*n elements)
 * into native staging memory that this backend keeps and grows, and a product on the heap back;
 * {@link #stagingHighWater()} reports that memory. One per thread.
 *
 * <p>Only the BLAS part of JavaCPP's presets is used ({@code openblas_nolapack}): the class with
 * LAPACK ({@code openblas}) is a 2.7 MB class file whose first call also loads a 24 MB JNI library
 * and a second copy of OpenBLAS with its own threads, a few hundred milliseconds of a process.
 */
final class BlasBackend implements MatrixBackend {
    private static final int A = 0;
    private static final int B = 1;
    private static final int C = 2;
    /** Staging memory by role (A, B, C), kept and grown, and the elements each holds. */
    private final DoublePointer[] stage = {new DoublePointer(0L), new DoublePointer(0L), new DoublePointer(0L)};
    private final long[] cap = new long[3];

    BlasBackend() {
        Native.load();
    }

    @Override
    public boolean anyOffset() {
        return true;
    }

    @Override
    public boolean readsNative() {
        return true;
    }

    /** dgemm packs transposed operands as it packs plain ones. */
    @Override
    public boolean transposesFreely() {
        return true;
    }

    /** Pointers to the off-heap buffers used last, by role: made once per buffer (a new one when it grows). */
    private final java.nio.DoubleBuffer[] lastBuffer = new java.nio.DoubleBuffer[3];
    private final DoublePointer[] lastPointer = new DoublePointer[3];

    private DoublePointer at(int role, java.nio.DoubleBuffer b, int offset) {
        if (lastBuffer[role] != b) {
            lastBuffer[role] = b;
            lastPointer[role] = new DoublePointer(b);
        }
        return lastPointer[role].position(offset);
    }

    @Override
    public void multiply(int m, int n, int k, double alpha, double[] a, int offA, boolean transA, double[] b,
            int offB, boolean transB, double beta, double[] c, int offC) {
        multiplyNative(m, n, k, alpha, a, null, offA, transA, b, null, offB, transB, beta, c, null, offC);
    }

    @Override
    public long stagingHighWater() {
        return cap[A] + cap[B] + cap[C];
    }

    @Override
    public void multiplyNative(int m, int n, int k, double alpha, double[] a, java.nio.DoubleBuffer nA, int offA,
            boolean transA, double[] b, java.nio.DoubleBuffer nB, int offB, boolean transB, double beta, double[] c,
            java.nio.DoubleBuffer nC, int offC) {
        DoublePointer pa = matrix(A, a, nA, offA, m * k, true);
        DoublePointer pb = matrix(B, b, nB, offB, k * n, true);
        DoublePointer pc = matrix(C, c, nC, offC, m * n, beta != 0.0);
        openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasColMajor,
                transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans, m, n, k, alpha, pa, transA ? k : m,
                pb, transB ? n : k, beta, pc, m);
        if (nC == null) {
            pc.get(c, offC, m * n);
        }
    }

    /**
     * The pointer a role's matrix is read from: in its off-heap buffer, or the role's staging memory
     * with {@code size} elements of the array copied in when {@code copyIn}.
     */
    private DoublePointer matrix(int role, double[] array, java.nio.DoubleBuffer nat, int offset, int size,
            boolean copyIn) {
        if (nat != null) {
            return at(role, nat, offset);
        }
        if (size > cap[role]) {
            stage[role] = grow(stage[role], size);
            cap[role] = size;
        }
        if (copyIn) {
            stage[role].put(array, offset, size);
        }
        return stage[role];
    }

    private static DoublePointer grow(DoublePointer old, long n) {
        old.close();
        DoublePointer p = new DoublePointer(n);
        if (p.isNull()) {
            throw new IllegalStateException("the native BLAS backend cannot get " + 8 * n + " bytes of staging memory");
        }
        return p;
    }

    /**
     * Loads OpenBLAS once (the native libraries, so that a script's first multiply does not pay for
     * it), turning a failure into one clear message.
     */
    static final class Native {
        private static volatile String failure;
        private static volatile boolean loaded;

        static void load() {
            if (loaded) {
                return;
            }
            if (failure == null) {
                try {
                    Loader.load(openblas_nolapack.class);
                    loaded = true;
                    return;
                } catch (Throwable e) { // UnsatisfiedLinkError, ExceptionInInitializerError, NoClassDefFoundError
                    failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                }
            }
            throw new IllegalStateException("the native BLAS backend cannot load OpenBLAS on this machine ("
                    + System.getProperty("os.name") + ", " + System.getProperty("os.arch") + "): " + failure);
        }
    }
}
