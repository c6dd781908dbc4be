package io.github.bufdsl.blas;

import io.github.bufdsl.runtime.MatrixBackend;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Multiplies with OpenBLAS's {@code cblas_dgemm}. Matrices in off-heap buffers are read and
 * written where they are. The JVM cannot lend native code a range of a large Java array without
 * copying the whole array, so a matrix on the heap is copied (only its m*k, k*n or m*n elements)
 * into native staging memory that this backend keeps and grows, and a product on the heap back;
 * {@link #stagingHighWater()} reports that memory. One per thread.
 */
final class BlasBackend implements MatrixBackend {
    private DoublePointer stageA = new DoublePointer(0L);
    private DoublePointer stageB = new DoublePointer(0L);
    private DoublePointer stageC = new DoublePointer(0L);
    private long capA;
    private long capB;
    private long capC;

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
        return capA + capB + capC;
    }

    @Override
    public void multiplyNative(int m, int n, int k, double alpha, double[] a, java.nio.DoubleBuffer nA, int offA,
            boolean transA, double[] b, java.nio.DoubleBuffer nB, int offB, boolean transB, double beta, double[] c,
            java.nio.DoubleBuffer nC, int offC) {
        int sizeA = m * k;
        int sizeB = k * n;
        int sizeC = m * n;
        DoublePointer pa;
        if (nA != null) {
            pa = at(0, nA, offA);
        } else {
            if (sizeA > capA) {
                stageA = grow(stageA, sizeA);
                capA = sizeA;
            }
            stageA.put(a, offA, sizeA);
            pa = stageA;
        }
        DoublePointer pb;
        if (nB != null) {
            pb = at(1, nB, offB);
        } else {
            if (sizeB > capB) {
                stageB = grow(stageB, sizeB);
                capB = sizeB;
            }
            stageB.put(b, offB, sizeB);
            pb = stageB;
        }
        DoublePointer pc;
        if (nC != null) {
            pc = at(2, nC, offC);
        } else {
            if (sizeC > capC) {
                stageC = grow(stageC, sizeC);
                capC = sizeC;
            }
            if (beta != 0.0) {
                stageC.put(c, offC, sizeC);
            }
            pc = stageC;
        }
        openblas.cblas_dgemm(openblas.CblasColMajor, transA ? openblas.CblasTrans : openblas.CblasNoTrans,
                transB ? openblas.CblasTrans : openblas.CblasNoTrans, m, n, k, alpha, pa, transA ? k : m,
                pb, transB ? n : k, beta, pc, m);
        if (nC == null) {
            stageC.get(c, offC, sizeC);
        }
    }

    private static DoublePointer grow(DoublePointer old, long n) {
        old.close();
        DoublePointer p = new DoublePointer(n);
        if (p.isNull()) {
            throw new IllegalStateException("the native BLAS backend cannot get " + 8 * n + " bytes of staging memory");
        }
        return p;
    }

    /** Loads OpenBLAS once, turning a failure into one clear message. */
    static final class Native {
        private static volatile String failure;
        private static volatile boolean loaded;

        static void load() {
            if (loaded) {
                return;
            }
            if (failure == null) {
                try {
                    openblas.blas_get_num_threads();
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
