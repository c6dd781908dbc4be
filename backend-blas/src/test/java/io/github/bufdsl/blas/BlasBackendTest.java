package io.github.bufdsl.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Contractor;
import io.github.bufdsl.runtime.MatrixBackend;
import io.github.bufdsl.runtime.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The native backend against EJML: the same contractions give the same numbers to 1e-12 relative. */
class BlasBackendTest {
    @Test
    void foundByName() {
        MatrixBackend.Factory f = MatrixBackend.named("blas");
        assertEquals("blas", f.name());
        assertTrue(f.anyOffset());
        assertTrue(f.stages());
    }

    @Test
    void everyTransposeAndOffset() {
        MatrixBackend blas = MatrixBackend.named("blas").create();
        SplittableRandom r = new SplittableRandom(1);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                int m = 3;
                int n = 4;
                int k = 5;
                double[] a = random(r, 7 + m * k);
                double[] b = random(r, 2 + k * n);
                double[] c = random(r, 1 + m * n);
                double[] expected = c.clone();
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int l = 0; l < k; l++) {
                            double x = ta ? a[7 + l + i * k] : a[7 + i + l * m];
                            double y = tb ? b[2 + j + l * n] : b[2 + l + j * k];
                            s += x * y;
                        }
                        expected[1 + i + j * m] = 0.5 * expected[1 + i + j * m] + 2.0 * s;
                    }
                }
                blas.multiply(m, n, k, 2.0, a, 7, ta, b, 2, tb, 0.5, c, 1);
                for (int i = 0; i < c.length; i++) {
                    assertEquals(expected[i], c[i], 1e-12 * Math.max(1, Math.abs(expected[i])), "transA " + ta
                            + ", transB " + tb + ", element " + i);
                }
            }
        }
        assertEquals(15 + 20 + 12, blas.stagingHighWater());
    }

    /** Tensors in an off-heap buffer are multiplied where they are: nothing is staged or packed. */
    @Test
    void offHeapOperandsAreNotCopied() {
        Buffer buf = new Buffer(0, true, io.github.bufdsl.runtime.MemoryBudget.UNLIMITED, "nat",
                io.github.bufdsl.runtime.ElementType.FLOAT64, true);
        Tensor a = buf.alloc("A", 30, 20);
        Tensor b = buf.alloc("B", 20, 10);
        Tensor c = buf.alloc("C", 30, 10);
        SplittableRandom r = new SplittableRandom(3);
        a.fillRandom(r);
        b.fillRandom(r);
        Contractor contractor = new Contractor(MatrixBackend.named("blas").create());
        contractor.contract(c, new String[] {"i", "k"}, 1.0, a, new String[] {"i", "j"}, b, new String[] {"j", "k"},
                0.0);
        assertEquals(0, contractor.workspaceHighWater());
        double s = 0;
        for (int j = 0; j < 20; j++) {
            s += a.get(4, j) * b.get(j, 7);
        }
        assertEquals(s, c.get(4, 7), 1e-12);
    }

    /**
     * The CCSD-like case of bench/e2e/permuted.buf, small, off the heap: both factors are packed
     * transposed (along their leading label) and the result is EJML's, for beta 0 and beta 1; the
     * workspace is the two packed factors.
     */
    @Test
    void permutedFactorsPackedAlongTheirRunsGiveEjmlsResult() {
        Buffer buf = new Buffer(0, true, io.github.bufdsl.runtime.MemoryBudget.UNLIMITED, "nat",
                io.github.bufdsl.runtime.ElementType.FLOAT64, true);
        Tensor t = buf.alloc("T", 5, 3, 6, 4); // a, i, b, j
        Tensor v = buf.alloc("V", 7, 5, 2, 6); // c, a, d, b
        Tensor r = buf.alloc("R", 3, 4, 7, 2); // i, j, c, d
        SplittableRandom rnd = new SplittableRandom(5);
        t.fillRandom(rnd);
        v.fillRandom(rnd);
        r.fillRandom(rnd);
        Buffer heap = new Buffer(0);
        Tensor expected = heap.alloc("E", 3, 4, 7, 2);
        for (long i = 0; i < r.length(); i++) {
            expected.setLinear(i, r.getLinear(i));
        }
        String[] lt = {"a", "i", "b", "j"};
        String[] lv = {"c", "a", "d", "b"};
        String[] lr = {"i", "j", "c", "d"};
        Contractor blas = new Contractor(MatrixBackend.named("blas").create());
        assertTrue(blas.backend().transposesFreely());
        for (double beta : new double[] {1.0, 0.0}) {
            blas.contract(r, lr, 0.5, t, lt, v, lv, beta);
            new Contractor().contract(expected, lr, 0.5, t, lt, v, lv, beta);
            for (long i = 0; i < r.length(); i++) {
                assertEquals(expected.getLinear(i), r.getLinear(i), 1e-12 * Math.max(1, Math.abs(expected.getLinear(i))),
                        "element " + i + ", beta " + beta);
            }
        }
        assertEquals(5 * 3 * 6 * 4 + 7 * 5 * 2 * 6, blas.workspaceHighWater());
    }

    /** Random contractions of random rank and label order, through a contractor on each backend. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void sameAsEjml(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> labels = new ArrayList<>(List.of("a", "b", "c", "d", "e", "f"));
        Collections.shuffle(labels, new java.util.Random(seed));
        int nFreeA = r.nextInt(3);
        int nFreeB = r.nextInt(3);
        int nSum = 1 + r.nextInt(2);
        List<String> freeA = labels.subList(0, nFreeA);
        List<String> freeB = labels.subList(nFreeA, nFreeA + nFreeB);
        List<String> summed = labels.subList(nFreeA + nFreeB, nFreeA + nFreeB + nSum);
        java.util.Map<String, Integer> dims = new java.util.HashMap<>();
        for (String l : labels) {
            dims.put(l, 1 + r.nextInt(seed > 6 ? 40 : 6));
        }
        String[] a = shuffled(freeA, summed, seed);
        String[] b = shuffled(summed, freeB, seed + 100);
        String[] c = shuffled(freeA, freeB, seed + 200);
        double[] viaEjml = contract(new Contractor(), a, b, c, dims, seed);
        Contractor native_ = new Contractor(MatrixBackend.named("blas").create());
        double[] viaBlas = contract(native_, a, b, c, dims, seed);
        assertEquals(viaEjml.length, viaBlas.length);
        for (int i = 0; i < viaEjml.length; i++) {
            assertEquals(viaEjml[i], viaBlas[i], 1e-12 * Math.max(1, Math.abs(viaEjml[i])), "element " + i);
        }
        assertSame(native_.backend().getClass(), BlasBackend.class);
    }

    private static double[] contract(Contractor contractor, String[] a, String[] b, String[] c,
            java.util.Map<String, Integer> dims, long seed) {
        Buffer buf = new Buffer(1);
        Tensor ta = buf.alloc("A", shape(a, dims));
        Tensor tb = buf.alloc("B", shape(b, dims));
        Tensor tc = buf.alloc("C", shape(c, dims));
        SplittableRandom r = new SplittableRandom(seed);
        fill(ta, r);
        fill(tb, r);
        fill(tc, r);
        contractor.contract(tc, c, 1.5, ta, a, tb, b, 0.25);
        double[] out = new double[(int) tc.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = tc.getLinear(i);
        }
        return out;
    }

    private static void fill(Tensor t, SplittableRandom r) {
        for (long i = 0; i < t.length(); i++) {
            t.setLinear(i, r.nextDouble() - 0.5);
        }
    }

    private static long[] shape(String[] labels, java.util.Map<String, Integer> dims) {
        long[] s = new long[labels.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = dims.get(labels[i]);
        }
        return s;
    }

    private static String[] shuffled(List<String> x, List<String> y, long seed) {
        List<String> all = new ArrayList<>(x);
        all.addAll(y);
        Collections.shuffle(all, new java.util.Random(seed));
        return all.toArray(new String[0]);
    }

    private static double[] random(SplittableRandom r, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = r.nextDouble() - 0.5;
        }
        return d;
    }
}
