package io.github.bufdsl.bench;

import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Contractor;
import io.github.bufdsl.runtime.MatrixBackend;
import io.github.bufdsl.runtime.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Contractions on each backend against the raw library call they end in, on matrices already in
 * place (EJML's multiply, concurrent where the backend would use it; OpenBLAS's dgemm on native
 * memory). Cases: GEMM {@code C[i,k] = A[i,j] * B[j,k]} for n = 256, 1024, 2048, and
 * {@code E[i,j,c,d] = A[i,j,a,b] * B[a,b,c,d]} with i, j = 20 and a, b, c, d = 40 (a 400 x 1600 by
 * 1600 x 1600 product). {@code bufdsl} has each tensor in a buffer of its own (each starts its
 * buffer, so EJML reads them in place too); {@code bufdslOneBuffer} takes all three from one buffer.
 * For the native backend the buffers are off the heap, as a script's are under {@code --backend blas}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ContractionBench {
    @Param({"gemm256", "gemm1024", "gemm2048", "fourIndex"})
    public String shape;

    @Param({"ejml", "blas"})
    public String backend;

    private String[] la;
    private String[] lb;
    private String[] lc;
    private Tensor a;
    private Tensor b;
    private Tensor c;
    private Tensor a1;
    private Tensor b1;
    private Tensor c1;
    private Contractor contractor;
    private int m;
    private int n;
    private int k;
    private DMatrixRMaj ma;
    private DMatrixRMaj mb;
    private DMatrixRMaj mc;
    private DoublePointer pa;
    private DoublePointer pb;
    private DoublePointer pc;

    @Setup
    public void setup() {
        long[] da;
        long[] db;
        long[] dc;
        if (shape.equals("fourIndex")) {
            la = new String[] {"i", "j", "a", "b"};
            lb = new String[] {"a", "b", "c", "d"};
            lc = new String[] {"i", "j", "c", "d"};
            da = new long[] {20, 20, 40, 40};
            db = new long[] {40, 40, 40, 40};
            dc = new long[] {20, 20, 40, 40};
            m = 400;
            k = 1600;
            n = 1600;
        } else {
            int s = Integer.parseInt(shape.substring(4));
            la = new String[] {"i", "j"};
            lb = new String[] {"j", "k"};
            lc = new String[] {"i", "k"};
            da = new long[] {s, s};
            db = da;
            dc = da;
            m = s;
            n = s;
            k = s;
        }
        contractor = new Contractor(MatrixBackend.named(backend).create());
        a = alloc(buffer(), "A", da, 1);
        b = alloc(buffer(), "B", db, 2);
        c = alloc(buffer(), "C", dc, 3);
        Buffer one = buffer();
        a1 = alloc(one, "A", da, 1);
        b1 = alloc(one, "B", db, 2);
        c1 = alloc(one, "C", dc, 3);
        if (backend.equals("ejml")) {
            java.util.Random r = new java.util.Random(3);
            // row-major views of the column-major operands, as the backend multiplies them
            ma = RandomMatrices_DDRM.rectangle(k, m, r);
            mb = RandomMatrices_DDRM.rectangle(n, k, r);
            mc = new DMatrixRMaj(n, m);
        } else {
            pa = fill(new DoublePointer((long) m * k), 1);
            pb = fill(new DoublePointer((long) k * n), 2);
            pc = new DoublePointer((long) m * n);
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

    private static DoublePointer fill(DoublePointer p, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[(int) p.capacity()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble();
        }
        p.put(v, 0, v.length);
        return p;
    }

    @TearDown
    public void close() {
        for (DoublePointer p : new DoublePointer[] {pa, pb, pc}) {
            if (p != null) {
                p.close();
            }
        }
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
        if (backend.equals("blas")) {
            openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasColMajor, openblas_nolapack.CblasNoTrans,
                    openblas_nolapack.CblasNoTrans, m, n, k, 1.0, pa, m, pb, k, 0.0, pc, m);
            return pc;
        }
        if (Runtime.getRuntime().availableProcessors() > 1 && (double) m * n * k >= 64.0 * 64 * 64) {
            CommonOps_MT_DDRM.mult(mb, ma, mc);
        } else {
            CommonOps_DDRM.mult(mb, ma, mc);
        }
        return mc;
    }
}
