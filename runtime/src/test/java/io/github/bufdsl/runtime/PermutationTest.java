package io.github.bufdsl.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The permutation kernel against the plain strided loop, on random shapes and orders, between
 * arrays and direct buffers, with and without alpha and beta, small (one thread, whole axes as one
 * tile) and large (tiles, several threads); and the choice of the layout that copies least.
 */
class PermutationTest {
    static Stream<Long> seeds() {
        return IntStream.range(0, 80).mapToObj(i -> 7000L + i);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void sameAsThePlainLoop(long seed) {
        Random rnd = new Random(seed);
        int rank = 1 + rnd.nextInt(5);
        boolean large = seed % 4 == 0;
        int[] dims = new int[rank];
        long total = 1;
        for (int k = 0; k < rank; k++) {
            dims[k] = 1 + rnd.nextInt(large ? (rank <= 2 ? 400 : rank == 3 ? 70 : 25) : 7);
            total *= dims[k];
        }
        // the source is a dense tensor in a random axis order, from an offset; the destination dense in order
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < rank; k++) {
            order.add(k);
        }
        Collections.shuffle(order, rnd);
        int[] srcStrides = new int[rank];
        int stride = 1;
        for (int k : order) {
            srcStrides[k] = stride;
            stride *= dims[k];
        }
        int[] dstStrides = ColumnMajor.strides(dims);
        int srcOff = rnd.nextInt(5);
        int dstOff = rnd.nextInt(5);
        int n = (int) total;
        double[] src = new double[srcOff + n];
        double[] dst = new double[dstOff + n + 3];
        for (int i = 0; i < src.length; i++) {
            src[i] = rnd.nextDouble() - 0.5;
        }
        for (int i = 0; i < dst.length; i++) {
            dst[i] = rnd.nextDouble() - 0.5;
        }
        double alpha = rnd.nextBoolean() ? 1.0 : rnd.nextDouble();
        double beta = rnd.nextBoolean() ? 0.0 : rnd.nextDouble();
        double[] expected = dst.clone();
        Contractor.copy(src, srcOff, dims, srcStrides, expected, dstOff, dstStrides, alpha, beta);
        for (int variant = 0; variant < 4; variant++) {
            boolean srcBuf = (variant & 1) != 0;
            boolean dstBuf = (variant & 2) != 0;
            DoubleBuffer sb = srcBuf ? direct(src) : null;
            DoubleBuffer db = dstBuf ? direct(dst) : null;
            double[] da = dstBuf ? null : dst.clone();
            Permutation.copy(srcBuf ? null : src, sb, srcOff, dims, srcStrides, da, db, dstOff, dstStrides, alpha,
                    beta);
            for (int i = 0; i < dst.length; i++) {
                double got = dstBuf ? db.get(i) : da[i];
                assertEquals(expected[i], got, 1e-15, "seed " + seed + ", source " + (srcBuf ? "buffer" : "array")
                        + ", destination " + (dstBuf ? "buffer" : "array") + ", element " + i);
            }
        }
    }

    private static DoubleBuffer direct(double[] a) {
        DoubleBuffer b = ByteBuffer.allocateDirect(8 * a.length).order(ByteOrder.nativeOrder()).asDoubleBuffer();
        b.put(0, a);
        return b;
    }

    /** A strided destination (a slice): only its own elements change. */
    @Test
    void stridedDestinationKeepsTheRest() {
        int[] dims = {100, 90};
        double[] src = new double[100 * 90];
        for (int i = 0; i < src.length; i++) {
            src[i] = i;
        }
        double[] dst = new double[2 * 100 * 90];
        java.util.Arrays.fill(dst, -1);
        // transposed source, every other element of the destination
        Permutation.copy(src, null, 0, dims, new int[] {90, 1}, dst, null, 0, new int[] {2, 200}, 1.0, 0.0);
        for (int i = 0; i < 100; i++) {
            for (int j = 0; j < 90; j++) {
                assertEquals(i * 90 + j, dst[2 * i + 200 * j]);
                assertEquals(-1, dst[2 * i + 200 * j + 1]);
            }
        }
    }

    private static MatrixPlan plan(List<String> a, List<String> b, List<String> c, Map<String, Integer> dims) {
        return MatrixPlan.choose(a, b, c, true, true, true, dims::get);
    }

    /** Both factors line up, each in another order of the summed indices: the smaller one is permuted. */
    @Test
    void theSmallerOperandIsPermuted() {
        Map<String, Integer> dims = Map.of("i", 2, "a", 3, "b", 4, "k", 50);
        MatrixPlan p = plan(List.of("i", "a", "b"), List.of("b", "a", "k"), List.of("i", "k"), dims);
        boolean aCopied = !(p.swap() ? p.bInPlace() : p.aInPlace());
        boolean bCopied = !(p.swap() ? p.aInPlace() : p.bInPlace());
        assertTrue(aCopied, "A (24 elements) is permuted: " + p);
        assertFalse(bCopied, "B (600 elements) is read in place: " + p);
        assertTrue(p.cInPlace());
        // the other way round: B is the small one
        Map<String, Integer> other = Map.of("i", 50, "a", 3, "b", 4, "k", 2);
        p = plan(List.of("i", "a", "b"), List.of("b", "a", "k"), List.of("i", "k"), other);
        assertTrue(p.swap() ? p.bInPlace() : p.aInPlace(), "A (600 elements) is read in place: " + p);
    }

    /** An output larger than a factor takes its own layout, and the factor is permuted to it. */
    @Test
    void theOutputKeepsItsLayoutWhenThatCopiesLess() {
        Map<String, Integer> dims = Map.of("j", 2, "x", 3, "y", 4, "k", 50);
        MatrixPlan p = plan(List.of("j", "x", "y"), List.of("j", "k"), List.of("y", "x", "k"), dims);
        assertTrue(p.cInPlace(), "C (600 elements) is written in place: " + p);
        assertEquals(List.of("y", "x"), p.swap() ? p.freeB() : p.freeA());
        // with a small output, the factor is read in place and the product permuted into the output
        Map<String, Integer> small = Map.of("j", 50, "x", 3, "y", 4, "k", 2);
        p = plan(List.of("j", "x", "y"), List.of("j", "k"), List.of("y", "x", "k"), small);
        assertFalse(p.cInPlace(), "C (24 elements) is permuted: " + p);
    }

    /**
     * On a backend that transposes freely, a permuted operand is packed in the order that keeps its
     * leading label: {@code T[a,i,b,j]} as {@code [a,b,i,j]} (transposed A), {@code V[c,a,d,b]} as
     * {@code [c,d,a,b]} (transposed B); one that already starts with its free labels stays as it was.
     */
    @Test
    void copiedOperandsArePackedAlongTheirRuns() {
        Map<String, Integer> dims = Map.of("i", 2, "j", 3, "a", 4, "b", 5, "c", 6, "d", 7);
        List<String> t = List.of("a", "i", "b", "j");
        List<String> v = List.of("c", "a", "d", "b");
        MatrixPlan p = plan(t, v, List.of("i", "j", "c", "d"), dims);
        assertFalse(p.swap() || p.aInPlace() || p.bInPlace(), "both factors are copied: " + p);
        assertEquals(List.of("i", "j", "a", "b"), p.orderA());
        assertEquals(List.of("a", "b", "c", "d"), p.orderB());
        MatrixPlan runs = p.keepingRuns(t, v);
        assertEquals(List.of("a", "b", "i", "j"), runs.orderA());
        assertEquals(List.of("c", "d", "a", "b"), runs.orderB());
        assertTrue(runs.transA() && runs.transB());
        assertEquals(List.of(p.aInPlace(), p.bInPlace(), p.cInPlace(), p.freeA(), p.freeB(), p.summed()),
                List.of(runs.aInPlace(), runs.bInPlace(), runs.cInPlace(), runs.freeA(), runs.freeB(), runs.summed()),
                "only the packed layouts change");
        // operands that lead with the labels the plain packing puts first keep it
        List<String> t2 = List.of("i", "a", "j", "b");
        List<String> v2 = List.of("a", "c", "b", "d");
        MatrixPlan q = plan(t2, v2, List.of("i", "j", "c", "d"), dims);
        MatrixPlan qr = q.keepingRuns(t2, v2);
        assertEquals(q.orderA(), qr.orderA());
        assertEquals(q.orderB(), qr.orderB());
    }

    /** An operand used in place keeps the transposition its storage has. */
    @Test
    void operandsInPlaceKeepTheirTransposition() {
        Map<String, Integer> dims = Map.of("i", 20, "j", 30, "k", 40);
        List<String> a = List.of("j", "i");
        List<String> b = List.of("j", "k");
        MatrixPlan p = plan(a, b, List.of("i", "k"), dims);
        MatrixPlan runs = p.keepingRuns(a, b);
        assertEquals(p, runs);
    }

    /** The count the analyzer uses equals what a contractor takes, on a backend that reads arrays. */
    @Test
    void workspaceCountEqualsTheContractors() {
        Map<String, Integer> dims = Map.of("j", 2, "x", 3, "y", 4, "k", 50);
        Buffer buf = new Buffer(0);
        Tensor a = buf.alloc("A", 2, 3, 4);
        Tensor b = buf.alloc("B", 2, 50);
        Tensor c = buf.alloc("C", 4, 50, 3); // y, k, x; on EJML only A (at offset 0) can be used in place
        Contractor contractor = new Contractor();
        contractor.contract(c, new String[] {"y", "k", "x"}, 1.0, a, new String[] {"j", "x", "y"}, b,
                new String[] {"j", "k"}, 0.0);
        ContractionCopies<Long> w = new ContractionCopies<>(false, false, Sizes.EXACT);
        MatrixPlan p = MatrixPlan.choose(List.of("j", "x", "y"), List.of("j", "k"), List.of("y", "k", "x"),
                true, false, false, dims::get);
        long m = 12;
        long n = 50;
        w.add(p, p.swap() ? n : m, p.swap() ? m : n, 2L, false, false, false);
        assertEquals(contractor.workspaceHighWater(), (long) w.total());
        assertEquals(2 * 50 + 12 * 50, (long) w.total()); // B packed, the product permuted into C
    }
}
