package io.github.bufdsl.blas;

import io.github.bufdsl.runtime.MatrixBackend;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Multiplies with OpenBLAS's {@code cblas_dgemm}. The JVM cannot lend native code a range of a
 * large Java array without copying the whole array, so each multiply copies its three matrices
 * (only their m*k, k*n and m*n elements) into native staging memory that this backend keeps and
 * grows, and the product back; {@link #stagingHighWater()} reports that memory. One per thread.
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
    public long stagingHighWater() {
        return capA + capB + capC;
    }

    @Override
    public void multiply(int m, int n, int k, double alpha, double[] a, int offA, boolean transA, double[] b,
            int offB, boolean transB, double beta, double[] c, int offC) {
        int sizeA = m * k;
        int sizeB = k * n;
        int sizeC = m * n;
        if (sizeA > capA) {
            stageA = grow(stageA, sizeA);
            capA = sizeA;
        }
        if (sizeB > capB) {
            stageB = grow(stageB, sizeB);
            capB = sizeB;
        }
        if (sizeC > capC) {
            stageC = grow(stageC, sizeC);
            capC = sizeC;
        }
        stageA.put(a, offA, sizeA);
        stageB.put(b, offB, sizeB);
        if (beta != 0.0) {
            stageC.put(c, offC, sizeC);
        }
        openblas.cblas_dgemm(openblas.CblasColMajor, transA ? openblas.CblasTrans : openblas.CblasNoTrans,
                transB ? openblas.CblasTrans : openblas.CblasNoTrans, m, n, k, alpha, stageA, transA ? k : m,
                stageB, transB ? n : k, beta, stageC, m);
        stageC.get(c, offC, sizeC);
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
