package io.github.bufdsl.bench;

import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Contractor;
import io.github.bufdsl.runtime.MatrixBackend;
import io.github.bufdsl.runtime.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Contractions on each backend ({@code bufdsl}: {@link Contractor#contract}) against exactly the work
 * their plan needs done directly ({@code raw}, {@link RawContraction}): EJML's multiply (concurrent
 * where the backend would make it so) on the arrays in place, or OpenBLAS's dgemm on native memory,
 * plus, where the operands or the output do not line up, their permuted copies into tensors
 * allocated once (bufdsl's permutation kernel through {@link Contractor#permute}).
 *
 * <p>Shapes: GEMM {@code C[i,k] = A[i,j] * B[j,k]} for n = 256, 1024, 2048; {@code fourIndex}
 * {@code E[i,j,c,d] = A[i,j,a,b] * B[a,b,c,d]} (i, j = 20, a..d = 40: a 400 x 1600 by 1600 x 1600
 * product), which copies nothing; {@code permuted}, the CCSD-like {@code R[i,j,c,d] = T[a,i,b,j] *
 * V[c,a,d,b]} of {@code bench/e2e/permuted.buf} (same sizes), where both operands are permuted; and
 * {@code outPermuted}, {@code E[i,c,j,d] = A[i,j,a,b] * B[a,b,c,d]}, where only the product is;
 * {@code tA1024} and {@code tAB1024}, {@code C[i,k] = A[j,i] * B[j,k]} and {@code A[j,i] * B[k,j]},
 * which read A (and B) transposed in place: {@code raw} is EJML's own transposed multiply there, which
 * the EJML backend replaces with a kernel of its own.
 * {@code bufdsl} has each tensor in a buffer of its own (each starts its buffer, so EJML reads them
 * in place too); {@code bufdslOneBuffer} takes all three from one buffer (on EJML, those that do not
 * start it are copied as well: more work than {@code raw} does). For the native backend the buffers
 * are off the heap, as a script's are under {@code --backend blas}. Timing splits of {@code raw}:
 * {@code rawCopies} (the copies alone), {@code rawMultiply} (the multiply alone), and
 * {@code rawLoops} / {@code rawLoopCopies} (the copies as plain single-threaded loops instead, on
 * the heap only).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ContractionBench {
    @Param({"gemm256", "gemm1024", "gemm2048", "fourIndex", "permuted", "outPermuted", "tA1024", "tAB1024"})
    public String shape;

    @Param({"ejml", "blas"})
    public String backend;

    private String[] la;
    private String[] lb;
    private String[] lc;
    private Tensor c;
    private Tensor a;
    private Tensor b;
    private Tensor a1;
    private Tensor b1;
    private Tensor c1;
    private Contractor contractor;
    private RawContraction raw;

    @Setup
    public void setup() {
        long[] da;
        long[] db;
        long[] dc;
        switch (shape) {
            case "fourIndex", "outPermuted" -> {
                la = new String[] {"i", "j", "a", "b"};
                lb = new String[] {"a", "b", "c", "d"};
                da = new long[] {20, 20, 40, 40};
                db = new long[] {40, 40, 40, 40};
                boolean out = shape.equals("outPermuted");
                lc = out ? new String[] {"i", "c", "j", "d"} : new String[] {"i", "j", "c", "d"};
                dc = out ? new long[] {20, 40, 20, 40} : new long[] {20, 20, 40, 40};
            }
            case "permuted" -> {
                la = new String[] {"a", "i", "b", "j"};
                lb = new String[] {"c", "a", "d", "b"};
                lc = new String[] {"i", "j", "c", "d"};
                da = new long[] {40, 20, 40, 20};
                db = new long[] {40, 40, 40, 40};
                dc = new long[] {20, 20, 40, 40};
            }
            default -> {
                // gemmN, or tAN / tABN: A (and B) read transposed in place, C[i,k] = A[j,i] * B[j,k] (B[k,j])
                boolean ta = shape.startsWith("tA");
                boolean tb = shape.startsWith("tAB");
                int s = Integer.parseInt(shape.substring(tb ? 3 : ta ? 2 : 4));
                la = ta ? new String[] {"j", "i"} : new String[] {"i", "j"};
                lb = tb ? new String[] {"k", "j"} : new String[] {"j", "k"};
                lc = new String[] {"i", "k"};
                da = new long[] {s, s};
                db = da;
                dc = da;
            }
        }
        contractor = new Contractor(MatrixBackend.named(backend).create());
        a = alloc(buffer(), "A", da, 1);
        b = alloc(buffer(), "B", db, 2);
        c = alloc(buffer(), "C", dc, 3);
        Buffer one = buffer();
        a1 = alloc(one, "A", da, 1);
        b1 = alloc(one, "B", db, 2);
        c1 = alloc(one, "C", dc, 3);
        raw = new RawContraction(new Contractor(MatrixBackend.named(backend).create()), backend.equals("blas"), a,
                la, b, lb, c, lc);
        System.out.println("plan of " + shape + ": " + raw.plan());
        // the baseline does the same contraction: each way must give the output bufdsl gives
        bufdsl();
        double[] expected = c.toArray();
        raw.run();
        same(expected, c.toArray(), "raw");
        if (!backend.equals("blas")) {
            raw.runLoops();
            same(expected, c.toArray(), "rawLoops");
        }
        bufdslOneBuffer();
        same(expected, c1.toArray(), "bufdslOneBuffer");
    }

    private static void same(double[] expected, double[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > 1e-9 * Math.max(1.0, Math.abs(expected[i]))) {
                throw new IllegalStateException(what + " differs from bufdsl at element " + i + ": " + actual[i]
                        + " against " + expected[i]);
            }
        }
    }

    /** A buffer as a script's under this backend: off the heap for the native one. */
    private Buffer buffer() {
        return new Buffer(0, true, io.github.bufdsl.runtime.MemoryBudget.UNLIMITED, "buf",
                io.github.bufdsl.runtime.ElementType.FLOAT64, MatrixBackend.named(backend).readsNative());
    }

    private static Tensor alloc(Buffer buf, String name, long[] dims, long seed) {
        Tensor t = buf.alloc(name, dims);
        t.fillRandom(new SplittableRandom(seed));
        return t;
    }

    @Benchmark
    public Tensor bufdsl() {
        contractor.contract(c, lc, 1.0, a, la, b, lb, 0.0);
        return c;
    }

    @Benchmark
    public Tensor bufdslOneBuffer() {
        contractor.contract(c1, lc, 1.0, a1, la, b1, lb, 0.0);
        return c1;
    }

    @Benchmark
    public Object raw() {
        return raw.run();
    }

    @Benchmark
    public Object rawCopies() {
        raw.copyOperands();
        raw.copyOutput();
        return raw;
    }

    @Benchmark
    public Object rawMultiply() {
        raw.multiply();
        return raw;
    }

    @Benchmark
    public Object rawLoops() {
        return backend.equals("blas") ? raw.run() : raw.runLoops();
    }

    @Benchmark
    public Object rawLoopCopies() {
        if (backend.equals("blas")) {
            raw.copyOperands();
            raw.copyOutput();
        } else {
            raw.loopCopies();
        }
        return raw;
    }
}
