package io.github.bufdsl.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * EJML's backend against a plain triple loop, in every variant (a and b plain or transposed, beta 0,
 * 1 or other, alpha 1 or not), at sizes below and above the concurrent threshold and at sizes that
 * leave remainders in every block of the dot-product kernel its transposed-a variants use.
 */
class EjmlBackendTest {
    private static final int[][] SIZES = {
        {1, 1, 1}, {1, 7, 3}, {2, 4, 1}, {3, 5, 7}, {9, 2, 13}, {17, 53, 29}, {50, 3, 64}, {64, 64, 64},
        {70, 97, 65}, {130, 51, 111},
    };

    @Test
    void everyVariantMatchesTheDefinition() {
        SplittableRandom r = new SplittableRandom(18);
        EjmlBackend backend = new EjmlBackend();
        for (int[] size : SIZES) {
            int m = size[0];
            int n = size[1];
            int k = size[2];
            for (int v = 0; v < 4; v++) {
                boolean transA = (v & 1) != 0;
                boolean transB = (v & 2) != 0;
                for (double beta : new double[] {0.0, 1.0, -0.5}) {
                    double alpha = beta == 1.0 ? 1.0 : 1.5;
                    double[] a = random(r, m * k);
                    double[] b = random(r, k * n);
                    double[] c = random(r, m * n);
                    if (beta == 0.0) {
                        c[0] = Double.NaN; // not read with beta 0
                    }
                    double[] expected = new double[m * n];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double s = 0;
                            for (int t = 0; t < k; t++) {
                                double x = transA ? a[t + i * k] : a[i + t * m];
                                double y = transB ? b[j + t * n] : b[t + j * k];
                                s += x * y;
                            }
                            expected[i + j * m] = alpha * s + (beta == 0.0 ? 0.0 : beta * c[i + j * m]);
                        }
                    }
                    backend.multiply(m, n, k, alpha, a, 0, transA, b, 0, transB, beta, c, 0);
                    String what = m + "x" + n + "x" + k + " transA=" + transA + " transB=" + transB + " beta=" + beta;
                    for (int e = 0; e < expected.length; e++) {
                        assertEquals(expected[e], c[e], 1e-9 * Math.max(1.0, Math.abs(expected[e])), what + " at " + e);
                    }
                }
            }
        }
    }

    @Test
    void theKernelWritesOnlyTheProduct() {
        // c longer than the product, as a buffer's array is: the elements past m*n stay
        SplittableRandom r = new SplittableRandom(5);
        int m = 11;
        int n = 6;
        int k = 9;
        double[] a = random(r, k * m);
        double[] b = random(r, n * k);
        double[] c = new double[m * n + 5];
        java.util.Arrays.fill(c, 7.0);
        new EjmlBackend().multiply(m, n, k, 1.0, a, 0, true, b, 0, true, 0.0, c, 0);
        for (int e = m * n; e < c.length; e++) {
            assertEquals(7.0, c[e]);
        }
        assertTrue(c[0] != 7.0);
    }

    @Test
    void productsWithATransposedAllocateNothingOnceWarm() {
        // the kernel gathers blocks of a's columns into a scratch array kept per thread: products after
        // the first, also with a smaller k, allocate nothing (a single-threaded size: 40 x 30 x 200)
        var counting = GarbageTest.bean();
        SplittableRandom r = new SplittableRandom(3);
        int m = 40;
        int n = 30;
        int k = 200;
        double[] a = random(r, k * m);
        double[] b = random(r, n * k);
        double[] c = new double[m * n];
        EjmlBackend backend = new EjmlBackend();
        assertTrue((double) m * n * k < EjmlBackend.CONCURRENT_FLOPS);
        backend.multiply(m, n, k, 1.0, a, 0, true, b, 0, true, 0.0, c, 0);
        long before = GarbageTest.allocated(counting);
        for (int i = 0; i < 50; i++) {
            backend.multiply(m, n, k - i, 1.0, a, 0, true, b, 0, true, 0.0, c, 0);
        }
        long bytes = GarbageTest.allocated(counting) - before;
        // one gathered block is 8 * k doubles (12.8 KB here): fifty products allocating it would be 640 KB
        assertTrue(bytes < 8 * 8 * k, "50 products allocated " + bytes + " bytes");
    }

    private static double[] random(SplittableRandom r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextDouble() - 0.5;
        }
        return x;
    }
}
