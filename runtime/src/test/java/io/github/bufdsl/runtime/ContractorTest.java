package io.github.bufdsl.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Contractions against a naive nested loop over every index, on random shapes and index orders. */
class ContractorTest {
    static Stream<Long> seeds() {
        return IntStream.range(0, 60).mapToObj(i -> 1000L + i);
    }

    /**
     * A random binary contraction: 1-2 free indices on each side, 1-2 summed, every operand's
     * index order and the output's shuffled.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void binaryContractionMatchesTheNaiveLoop(long seed) {
        Random rnd = new Random(seed);
        Map<String, Integer> dims = new HashMap<>();
        List<String> freeA = labels("a", 1 + rnd.nextInt(2), rnd, dims);
        List<String> freeB = labels("b", 1 + rnd.nextInt(2), rnd, dims);
        List<String> summed = labels("s", 1 + rnd.nextInt(2), rnd, dims);
        List<String> la = shuffled(concat(freeA, summed), rnd);
        List<String> lb = shuffled(concat(summed, freeB), rnd);
        List<String> lc = shuffled(concat(freeA, freeB), rnd);
        Buffer buf = new Buffer(0);
        Tensor a = random(buf, la, dims, rnd);
        Tensor b = random(buf, lb, dims, rnd);
        Tensor c = random(buf, lc, dims, rnd);
        double alpha = rnd.nextBoolean() ? 1.0 : 0.5 + rnd.nextDouble();
        double beta = rnd.nextInt(3) == 0 ? 0.0 : rnd.nextDouble();
        double[] before = c.toArray();
        new Contractor().contract(c, arr(lc), alpha, a, arr(la), b, arr(lb), beta);
        List<String> all = concat(concat(freeA, freeB), summed);
        double[] expected = new double[before.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = beta * before[i];
        }
        forEachIndex(all, dims, idx -> expected[linear(lc, idx, dims)] +=
                alpha * a.getLinear(linear(la, idx, dims)) * b.getLinear(linear(lb, idx, dims)));
        assertClose(expected, c.toArray());
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void permutationMatchesTheNaiveLoop(long seed) {
        Random rnd = new Random(seed);
        Map<String, Integer> dims = new HashMap<>();
        List<String> la = labels("p", 1 + rnd.nextInt(4), rnd, dims);
        List<String> lc = shuffled(la, rnd);
        Buffer buf = new Buffer(0);
        Tensor a = random(buf, la, dims, rnd);
        Tensor c = random(buf, lc, dims, rnd);
        new Contractor().permute(c, arr(lc), 2.0, a, arr(la), 0.0);
        double[] expected = new double[c.toArray().length];
        forEachIndex(la, dims, idx -> expected[linear(lc, idx, dims)] = 2.0 * a.getLinear(linear(la, idx, dims)));
        assertClose(expected, c.toArray());
    }

    @Test
    void partialTraceSumsTheDiagonal() {
        // A[i,i,k] with i in 1:2, k in 1:2: C[k] = A[1,1,k] + A[2,2,k]
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2);
        Tensor c = Tensor.of(new double[2], 2);
        new Contractor().permute(c, new String[] {"k"}, 1.0, a, new String[] {"i", "i", "k"}, 0.0);
        assertEquals(1 + 4, c.get(0));
        assertEquals(5 + 8, c.get(1));
    }

    @Test
    void matrixProductByHand() {
        // A = [1 2 3; 4 5 6], B = [1 0; 0 1; 1 1]: A * B = [4 5; 10 11]
        Tensor a = Tensor.of(new double[] {1, 4, 2, 5, 3, 6}, 2, 3);
        Tensor b = Tensor.of(new double[] {1, 0, 1, 0, 1, 1}, 3, 2);
        Tensor c = Tensor.of(new double[4], 2, 2);
        new Contractor().contract(c, new String[] {"i", "k"}, 1.0, a, new String[] {"i", "j"}, b,
                new String[] {"j", "k"}, 0.0);
        assertClose(new double[] {4, 10, 5, 11}, c.toArray());
    }

    @Test
    void mismatchesNameTheIndex() {
        Tensor a = Tensor.of(new double[6], 2, 3).withName("A");
        Tensor b = Tensor.of(new double[8], 4, 2).withName("B");
        Tensor c = Tensor.of(new double[4], 2, 2).withName("C");
        Contractor k = new Contractor();
        String[] ij = {"i", "j"};
        String[] jk = {"j", "k"};
        String[] ik = {"i", "k"};
        assertEquals("index j has dimension 3 on A but 4 on B",
                assertThrows(ShapeMismatchException.class, () -> k.contract(c, ik, 1, a, ij, b, jk, 0)).getMessage());
        Tensor b2 = Tensor.of(new double[6], 3, 2).withName("B");
        assertTrue(assertThrows(ShapeMismatchException.class,
                () -> k.contract(c, new String[] {"i", "j"}, 1, a, ij, b2, jk, 0)).getMessage()
                .contains("index j appears three times"));
    }

    @Test
    void anOutputThatSharesMemoryWithAnInputIsRefused() {
        Buffer buf = new Buffer(100);
        Tensor a = buf.alloc("A", 3, 3);
        Tensor b = buf.alloc("B", 3, 3);
        BufferException e = assertThrows(BufferException.class, () -> new Contractor().contract(a,
                new String[] {"i", "k"}, 1, a, new String[] {"i", "j"}, b, new String[] {"j", "k"}, 0));
        assertTrue(e.getMessage().contains("shares memory"));
    }

    private static List<String> labels(String prefix, int n, Random rnd, Map<String, Integer> dims) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = prefix + i;
            dims.put(name, 1 + rnd.nextInt(4));
            l.add(name);
        }
        return l;
    }

    private static List<String> concat(List<String> x, List<String> y) {
        List<String> l = new ArrayList<>(x);
        l.addAll(y);
        return l;
    }

    private static List<String> shuffled(List<String> x, Random rnd) {
        List<String> l = new ArrayList<>(x);
        Collections.shuffle(l, rnd);
        return l;
    }

    private static String[] arr(List<String> l) {
        return l.toArray(new String[0]);
    }

    private static Tensor random(Buffer buf, List<String> labels, Map<String, Integer> dims, Random rnd) {
        Tensor t = buf.alloc(labels.stream().mapToLong(dims::get).toArray());
        for (long i = 0; i < t.length(); i++) {
            t.setLinear(i, rnd.nextDouble() - 0.5);
        }
        return t;
    }

    /** Column-major position of the values of {@code idx} (by label) in a tensor with labels {@code order}. */
    private static int linear(List<String> order, Map<String, Integer> idx, Map<String, Integer> dims) {
        int p = 0;
        int stride = 1;
        for (String l : order) {
            p += idx.get(l) * stride;
            stride *= dims.get(l);
        }
        return p;
    }

    private static void forEachIndex(List<String> labels, Map<String, Integer> dims,
            java.util.function.Consumer<Map<String, Integer>> body) {
        Map<String, Integer> idx = new HashMap<>();
        labels.forEach(l -> idx.put(l, 0));
        while (true) {
            body.accept(idx);
            int k = 0;
            while (k < labels.size()) {
                String l = labels.get(k);
                if (idx.get(l) + 1 < dims.get(l)) {
                    idx.put(l, idx.get(l) + 1);
                    break;
                }
                idx.put(l, 0);
                k++;
            }
            if (k == labels.size()) {
                return;
            }
        }
    }

    static void assertClose(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1.0, Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], 1e-12 * scale, "element " + i);
        }
    }
}
