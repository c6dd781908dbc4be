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
        if (beta == 0.0) {
            if (mt) {
                multMt(alpha, transB, transA);
            } else {
                mult(alpha, transB, transA);
            }
            return;
        }
        if (beta != 1.0) {
            for (int i = 0, e = m * n; i < e; i++) {
                c[i] *= beta;
            }
        }
        if (mt) {
            multAddMt(alpha, transB, transA);
        } else {
            multAdd(alpha, transB, transA);
        }
    }

    // alpha 1 takes EJML's plain variants, the very calls a program would make itself

    private void mult(double alpha, boolean t1, boolean t2) {
        if (t1 && t2) {
            if (alpha == 1.0) {
                CommonOps_DDRM.multTransAB(first, second, product);
            } else {
                CommonOps_DDRM.multTransAB(alpha, first, second, product);
            }
        } else if (t1) {
            if (alpha == 1.0) {
                CommonOps_DDRM.multTransA(first, second, product);
            } else {
                CommonOps_DDRM.multTransA(alpha, first, second, product);
            }
        } else if (t2) {
            if (alpha == 1.0) {
                CommonOps_DDRM.multTransB(first, second, product);
            } else {
                CommonOps_DDRM.multTransB(alpha, first, second, product);
            }
        } else {
            if (alpha == 1.0) {
                CommonOps_DDRM.mult(first, second, product);
            } else {
                CommonOps_DDRM.mult(alpha, first, second, product);
            }
        }
    }

    private void multMt(double alpha, boolean t1, boolean t2) {
        if (t1 && t2) {
            if (alpha == 1.0) {
                CommonOps_MT_DDRM.multTransAB(first, second, product);
            } else {
                CommonOps_MT_DDRM.multTransAB(alpha, first, second, product);
            }
        } else if (t1) {
            if (alpha == 1.0) {
                CommonOps_MT_DDRM.multTransA(first, second, product);
            } else {
                CommonOps_MT_DDRM.multTransA(alpha, first, second, product);
            }
        } else if (t2) {
            if (alpha == 1.0) {
                CommonOps_MT_DDRM.multTransB(first, second, product);
            } else {
                CommonOps_MT_DDRM.multTransB(alpha, first, second, product);
            }
        } else {
            if (alpha == 1.0) {
                CommonOps_MT_DDRM.mult(first, second, product);
            } else {
                CommonOps_MT_DDRM.mult(alpha, first, second, product);
            }
        }
    }

    private void multAdd(double alpha, boolean t1, boolean t2) {
        if (t1 && t2) {
            if (alpha == 1.0) {
                CommonOps_DDRM.multAddTransAB(first, second, product);
            } else {
                CommonOps_DDRM.multAddTransAB(alpha, first, second, product);
            }
        } else if (t1) {
            if (alpha == 1.0) {
                CommonOps_DDRM.multAddTransA(first, second, product);
            } else {
                CommonOps_DDRM.multAddTransA(alpha, first, second, product);
            }
        } else if (t2) {
            if (alpha == 1.0) {
                CommonOps_DDRM.multAddTransB(first, second, product);
            } else {
                CommonOps_DDRM.multAddTransB(alpha, first, second, product);
            }
        } else {
            if (alpha == 1.0) {
                CommonOps_DDRM.multAdd(first, second, product);
            } else {
                CommonOps_DDRM.multAdd(alpha, first, second, product);
            }
        }
    }

    private void multAddMt(double alpha, boolean t1, boolean t2) {
        if (t1 && t2) {
            if (alpha == 1.0) {
                CommonOps_MT_DDRM.multAddTransAB(first, second, product);
            } else {
                CommonOps_MT_DDRM.multAddTransAB(alpha, first, second, product);
            }
        } else if (t1) {
            if (alpha == 1.0) {
                CommonOps_MT_DDRM.multAddTransA(first, second, product);
            } else {
                CommonOps_MT_DDRM.multAddTransA(alpha, first, second, product);
            }
        } else if (t2) {
            if (alpha == 1.0) {
                CommonOps_MT_DDRM.multAddTransB(first, second, product);
            } else {
                CommonOps_MT_DDRM.multAddTransB(alpha, first, second, product);
            }
        } else {
            if (alpha == 1.0) {
                CommonOps_MT_DDRM.multAdd(first, second, product);
            } else {
                CommonOps_MT_DDRM.multAdd(alpha, first, second, product);
            }
        }
    }

    private static void wrap(DMatrixRMaj m, int rows, int cols, double[] data) {
        m.data = data;
        m.numRows = rows;
        m.numCols = cols;
    }
}
