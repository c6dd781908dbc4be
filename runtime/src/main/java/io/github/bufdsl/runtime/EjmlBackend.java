package io.github.bufdsl.runtime;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;

/**
 * The pure-Java backend: EJML's row-major multiplies on the arrays in place. A column-major
 * matrix is the row-major view of its transpose, so {@code c = op(a) op(b)} is computed as
 * {@code c^T = op(b)^T op(a)^T} with the matching transposed-multiply variant and no copy; products
 * of at least {@link #CONCURRENT_FLOPS} multiply-adds use EJML's concurrent multiply when the machine
 * has several processors. EJML's matrices start at index 0 of their arrays, hence
 * {@link #anyOffset()} is false.
 */
final class EjmlBackend implements MatrixBackend {
    /** Products of at least this many multiply-adds use EJML's concurrent multiply on several cores. */
    static final double CONCURRENT_FLOPS = 64.0 * 64 * 64;

    private final DMatrixRMaj first = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj second = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj product = new DMatrixRMaj(1, 1);
    private final boolean concurrent = Runtime.getRuntime().availableProcessors() > 1;

    @Override
    public boolean anyOffset() {
        return false;
    }

    @Override
    public void multiply(int m, int n, int k, double alpha, double[] a, int offA, boolean transA, double[] b,
            int offB, boolean transB, double beta, double[] c, int offC) {
        if (offA != 0 || offB != 0 || offC != 0) {
            throw new IllegalArgumentException("EJML's matrices start at index 0 of their arrays");
        }
        // row-major views: b's storage is op(b)^T (n x k) unless transB (then op(b), k x n); a's likewise
        wrap(first, transB ? k : n, transB ? n : k, b);
        wrap(second, transA ? m : k, transA ? k : m, a);
        wrap(product, n, m, c);
        boolean mt = concurrent && (double) m * n * k >= CONCURRENT_FLOPS;
        if (beta != 0.0 && beta != 1.0) {
            for (int i = 0, e = m * n; i < e; i++) {
                c[i] *= beta;
            }
        }
        int variant = (mt ? 8 : 0) + (beta != 0.0 ? 4 : 0) + (transB ? 2 : 0) + (transA ? 1 : 0);
        VARIANTS[variant].run(alpha, first, second, product);
    }

    private interface Plain {
        void run(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c);
    }

    private interface Scaled {
        void run(double alpha, DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c);
    }

    /** One of EJML's multiplies; alpha 1 takes the plain one, the very call a program would make itself. */
    private static Scaled variant(Plain plain, Scaled scaled) {
        return (alpha, a, b, c) -> {
            if (alpha == 1.0) {
                plain.run(a, b, c);
            } else {
                scaled.run(alpha, a, b, c);
            }
        };
    }

    /** By variant: concurrent * 8 + adding * 4 + first transposed * 2 + second transposed. */
    private static final Scaled[] VARIANTS = {
        variant(CommonOps_DDRM::mult, CommonOps_DDRM::mult),
        variant(CommonOps_DDRM::multTransB, CommonOps_DDRM::multTransB),
        variant(CommonOps_DDRM::multTransA, CommonOps_DDRM::multTransA),
        variant(CommonOps_DDRM::multTransAB, CommonOps_DDRM::multTransAB),
        variant(CommonOps_DDRM::multAdd, CommonOps_DDRM::multAdd),
        variant(CommonOps_DDRM::multAddTransB, CommonOps_DDRM::multAddTransB),
        variant(CommonOps_DDRM::multAddTransA, CommonOps_DDRM::multAddTransA),
        variant(CommonOps_DDRM::multAddTransAB, CommonOps_DDRM::multAddTransAB),
        variant(CommonOps_MT_DDRM::mult, CommonOps_MT_DDRM::mult),
        variant(CommonOps_MT_DDRM::multTransB, CommonOps_MT_DDRM::multTransB),
        variant(CommonOps_MT_DDRM::multTransA, CommonOps_MT_DDRM::multTransA),
        variant(CommonOps_MT_DDRM::multTransAB, CommonOps_MT_DDRM::multTransAB),
        variant(CommonOps_MT_DDRM::multAdd, CommonOps_MT_DDRM::multAdd),
        variant(CommonOps_MT_DDRM::multAddTransB, CommonOps_MT_DDRM::multAddTransB),
        variant(CommonOps_MT_DDRM::multAddTransA, CommonOps_MT_DDRM::multAddTransA),
        variant(CommonOps_MT_DDRM::multAddTransAB, CommonOps_MT_DDRM::multAddTransAB),
    };

    private static void wrap(DMatrixRMaj m, int rows, int cols, double[] data) {
        m.data = data;
        m.numRows = rows;
        m.numCols = cols;
    }
}
