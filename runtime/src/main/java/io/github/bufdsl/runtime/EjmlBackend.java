package io.github.bufdsl.runtime;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;

/**
 * The pure-Java backend: EJML's row-major multiplies on the arrays in place. A column-major
 * matrix is the row-major view of its transpose, so {@code c = op(a) op(b)} is computed as
 * {@code c^T = op(b)^T op(a)^T} with the matching transposed-multiply variant and no copy; products
 * of at least {@link #CONCURRENT_FLOPS} multiply-adds use EJML's concurrent multiply when the machine
 * has several processors. Where {@code a} is transposed, both factors of {@code c^T} run along the
 * summed index, and EJML's variants for that form (one dot product at a time) are 1.5x (b plain) to
 * 10x (b transposed too) slower than its plain multiply; those products go to {@link #dots}, a
 * register-blocked kernel of our own, instead. EJML's matrices start at index 0 of their arrays,
 * hence {@link #anyOffset()} is false.
 */
final class EjmlBackend implements MatrixBackend {
    /** Products of at least this many multiply-adds use EJML's concurrent multiply on several cores. */
    static final double CONCURRENT_FLOPS = 64.0 * 64 * 64;

    private final DMatrixRMaj first = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj second = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj product = new DMatrixRMaj(1, 1);
    private final boolean concurrent = Runtime.getRuntime().availableProcessors() > 1;

    /**
     * Yes: a transposed b is EJML's multTransA, as fast as its plain multiply, and a transposed a goes
     * to {@link #dots}, faster than that; so the contractor may pack a permuted operand transposed
     * where that copy keeps more of its storage order.
     */
    @Override
    public boolean transposesFreely() {
        return true;
    }

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
        if (transA) {
            // c^T (n x m) = op(b)^T a's rows: row i of op(b)^T is b's column i when transB, else b's row
            dots(n, m, k, alpha, b, transB, a, c, beta != 0.0, mt);
            return;
        }
        int variant = (mt ? 4 : 0) + (beta != 0.0 ? 2 : 0) + (transB ? 1 : 0);
        VARIANTS[variant].run(alpha, first, second, product);
    }

    /** Rows of x and of y a block of the dot-product kernel takes: x's in registers, y's in the level-2 cache. */
    private static final int ROWS_X = 8;
    private static final int ROWS_Y = 48;

    /**
     * {@code c = alpha * x * y^T} (plus c when {@code adding}), row-major: c is rows x cols, y's row j
     * is {@code y[j*k .. j*k+k)}, x's row i is {@code x[i*k .. i*k+k)} or, when {@code xColumns}, x is
     * stored k x rows and its row i is the column {@code x[t*rows + i]}. Blocks of {@link #ROWS_Y}
     * rows of y stay in cache while blocks of {@link #ROWS_X} rows of x pass over them (gathered
     * into a small array first when they are columns); each step computes a 2 x 4 tile of c with eight
     * independent sums, which the JIT keeps in registers. Blocks of x's rows are split over EJML's
     * threads when {@code parallel}. With {@code adding} false, c is not read.
     */
    static void dots(int rows, int cols, int k, double alpha, double[] x, boolean xColumns, double[] y, double[] c,
            boolean adding, boolean parallel) {
        int blocks = (rows + ROWS_X - 1) / ROWS_X;
        if (parallel) {
            org.ejml.concurrency.EjmlConcurrency.loopBlocks(0, blocks,
                    (b0, b1) -> dotBlocks(b0, b1, rows, cols, k, alpha, x, xColumns, y, c, adding));
        } else {
            dotBlocks(0, blocks, rows, cols, k, alpha, x, xColumns, y, c, adding);
        }
    }

    private static void dotBlocks(int b0, int b1, int rows, int cols, int k, double alpha, double[] x,
            boolean xColumns, double[] y, double[] c, boolean adding) {
        double[] gathered = xColumns ? gatherSpace(ROWS_X * k) : null;
        for (int j0 = 0; j0 < cols; j0 += ROWS_Y) {
            int j1 = Math.min(cols, j0 + ROWS_Y);
            for (int b = b0; b < b1; b++) {
                int i0 = b * ROWS_X;
                int count = Math.min(rows, i0 + ROWS_X) - i0;
                double[] xs = x;
                int at = i0 * k;
                if (xColumns) {
                    for (int t = 0; t < k; t++) {
                        for (int r = 0, from = t * rows + i0; r < count; r++) {
                            gathered[r * k + t] = x[from + r];
                        }
                    }
                    xs = gathered;
                    at = 0;
                }
                int r = 0;
                for (; r + 1 < count; r += 2) {
                    tiles(xs, at + r * k, k, y, j0, j1, c, (i0 + r) * cols, cols, alpha, adding);
                }
                if (r < count) {
                    for (int j = j0; j < j1; j++) {
                        dot(xs, at + r * k, y, j * k, k, c, (i0 + r) * cols + j, alpha, adding);
                    }
                }
            }
        }
    }

    /**
     * Where a thread gathers a block of x's columns: kept per thread (the caller's and EJML's pool
     * threads) and grown to the largest block asked for, so that repeated products allocate nothing.
     * It is the backend's own scratch, {@code 8 * k} doubles per thread, as OpenBLAS keeps its own
     * packing buffers; the contractor's workspace does not include it.
     */
    private static final ThreadLocal<double[]> GATHER = ThreadLocal.withInitial(() -> new double[0]);

    private static double[] gatherSpace(int n) {
        double[] g = GATHER.get();
        if (g.length < n) {
            g = new double[n];
            GATHER.set(g);
        }
        return g;
    }

    /** Rows p and p + k of x against y's rows j0 to j1, into c's rows from {@code ci} (and ci + cols). */
    private static void tiles(double[] x, int p, int k, double[] y, int j0, int j1, double[] c, int ci, int cols,
            double alpha, boolean adding) {
        int p1 = p + k;
        int j = j0;
        for (; j + 3 < j1; j += 4) {
            int q0 = j * k;
            int q1 = q0 + k;
            int q2 = q1 + k;
            int q3 = q2 + k;
            double s00 = 0;
            double s01 = 0;
            double s02 = 0;
            double s03 = 0;
            double s10 = 0;
            double s11 = 0;
            double s12 = 0;
            double s13 = 0;
            for (int t = 0; t < k; t++) {
                double a0 = x[p + t];
                double a1 = x[p1 + t];
                double v0 = y[q0 + t];
                double v1 = y[q1 + t];
                double v2 = y[q2 + t];
                double v3 = y[q3 + t];
                s00 += a0 * v0;
                s01 += a0 * v1;
                s02 += a0 * v2;
                s03 += a0 * v3;
                s10 += a1 * v0;
                s11 += a1 * v1;
                s12 += a1 * v2;
                s13 += a1 * v3;
            }
            store(c, ci + j, s00, s01, s02, s03, alpha, adding);
            store(c, ci + cols + j, s10, s11, s12, s13, alpha, adding);
        }
        for (; j < j1; j++) {
            dot(x, p, y, j * k, k, c, ci + j, alpha, adding);
            dot(x, p1, y, j * k, k, c, ci + cols + j, alpha, adding);
        }
    }

    private static void store(double[] c, int at, double s0, double s1, double s2, double s3, double alpha,
            boolean adding) {
        if (adding) {
            c[at] += alpha * s0;
            c[at + 1] += alpha * s1;
            c[at + 2] += alpha * s2;
            c[at + 3] += alpha * s3;
        } else {
            c[at] = alpha * s0;
            c[at + 1] = alpha * s1;
            c[at + 2] = alpha * s2;
            c[at + 3] = alpha * s3;
        }
    }

    private static void dot(double[] x, int p, double[] y, int q, int k, double[] c, int at, double alpha,
            boolean adding) {
        double s = 0;
        for (int t = 0; t < k; t++) {
            s += x[p + t] * y[q + t];
        }
        c[at] = adding ? c[at] + alpha * s : alpha * s;
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

    /**
     * By variant: concurrent * 4 + adding * 2 + first transposed (b transposed); a transposed goes to
     * {@link #dots}.
     */
    private static final Scaled[] VARIANTS = {
        variant(CommonOps_DDRM::mult, CommonOps_DDRM::mult),
        variant(CommonOps_DDRM::multTransA, CommonOps_DDRM::multTransA),
        variant(CommonOps_DDRM::multAdd, CommonOps_DDRM::multAdd),
        variant(CommonOps_DDRM::multAddTransA, CommonOps_DDRM::multAddTransA),
        variant(CommonOps_MT_DDRM::mult, CommonOps_MT_DDRM::mult),
        variant(CommonOps_MT_DDRM::multTransA, CommonOps_MT_DDRM::multTransA),
        variant(CommonOps_MT_DDRM::multAdd, CommonOps_MT_DDRM::multAdd),
        variant(CommonOps_MT_DDRM::multAddTransA, CommonOps_MT_DDRM::multAddTransA),
    };

    private static void wrap(DMatrixRMaj m, int rows, int cols, double[] data) {
        m.data = data;
        m.numRows = rows;
        m.numCols = cols;
    }
}
