package io.github.bufdsl.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@link ContractionBench}'s {@code bufdsl} against its {@code raw}, call after call in one thread,
 * for a machine whose load moves faster than JMH's iterations: the two alternate (in the order
 * raw, bufdsl, bufdsl, raw, so that a drift cancels), each call timed alone, and the ratio is
 * taken per pair of neighbouring calls, then its median and quartiles over all pairs.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.github.bufdsl.bench.ContractionPairs ejml permuted,outPermuted 40</pre>
 *
 * (backend, shapes, pairs: at least that many and as many as fill 20 s, after at least 10 pairs and 5 s
 * of warm-up; prints one line per shape).
 */
public final class ContractionPairs {
    private ContractionPairs() {
    }

    public static void main(String[] args) {
        String backend = args.length > 0 ? args[0] : "ejml";
        String[] shapes = (args.length > 1 ? args[1] : "gemm1024,fourIndex,permuted,outPermuted").split(",");
        int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        for (String shape : shapes) {
            ContractionBench bench = new ContractionBench();
            bench.backend = backend;
            bench.shape = shape;
            bench.setup();
            measure(bench::raw, bench::bufdsl, 10, 5e9);
            double[][] t = measure(bench::raw, bench::bufdsl, pairs, 20e9);
            int count = t[0].length;
            double[] ratios = new double[count];
            for (int i = 0; i < count; i++) {
                ratios[i] = t[1][i] / t[0][i];
            }
            System.out.printf("%s %s: bufdsl/raw median %.3f (quartiles %.3f to %.3f) over %d pairs;"
                    + " median raw %.1f ms, bufdsl %.1f ms%n", backend, shape, quantile(ratios, 0.5),
                    quantile(ratios, 0.25), quantile(ratios, 0.75), count, quantile(t[0], 0.5) / 1e6,
                    quantile(t[1], 0.5) / 1e6);
        }
    }

    /**
     * Times of {@code first} and {@code second}, nanoseconds, pair by pair (ABBA order): at least
     * {@code pairs} pairs and as many as fill {@code nanos}.
     */
    private static double[][] measure(Supplier<Object> first, Supplier<Object> second, int pairs, double nanos) {
        List<double[]> t = new ArrayList<>();
        List<Object> sink = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < pairs || System.nanoTime() - start < nanos; i++) {
            boolean flip = i % 2 == 1;
            double[] pair = new double[2];
            for (int j = 0; j < 2; j++) {
                int which = flip ? 1 - j : j;
                long t0 = System.nanoTime();
                sink.add((which == 0 ? first : second).get());
                pair[which] = System.nanoTime() - t0;
            }
            t.add(pair);
            sink.clear();
        }
        double[][] r = new double[2][t.size()];
        for (int i = 0; i < t.size(); i++) {
            r[0][i] = t.get(i)[0];
            r[1][i] = t.get(i)[1];
        }
        return r;
    }

    private static double quantile(double[] x, double q) {
        double[] s = x.clone();
        Arrays.sort(s);
        double at = q * (s.length - 1);
        int lo = (int) Math.floor(at);
        int hi = Math.min(s.length - 1, lo + 1);
        return s[lo] + (at - lo) * (s[hi] - s[lo]);
    }
}
