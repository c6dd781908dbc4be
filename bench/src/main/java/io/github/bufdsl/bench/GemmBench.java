package io.github.bufdsl.bench;

import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Contractor;
import io.github.bufdsl.runtime.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * C[i,k] = A[i,j] * B[j,k] through the Contractor against EJML's multiply on matrices already in
 * place (the raw call the contraction ends in, with the concurrent variant where the Contractor
 * would use it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GemmBench {
    @Param({"256", "1024"})
    public int n;

    private Tensor a;
    private Tensor b;
    private Tensor c;
    private final Contractor contractor = new Contractor();
    private DMatrixRMaj ma;
    private DMatrixRMaj mb;
    private DMatrixRMaj mc;
    private static final String[] IJ = {"i", "j"};
    private static final String[] JK = {"j", "k"};
    private static final String[] IK = {"i", "k"};

    @Setup
    public void setup() {
        Buffer buf = new Buffer(3L * n * n, false);
        a = buf.alloc(n, n);
        b = buf.alloc(n, n);
        c = buf.alloc(n, n);
        a.fillRandom(new SplittableRandom(1));
        b.fillRandom(new SplittableRandom(2));
        java.util.Random r = new java.util.Random(3);
        ma = RandomMatrices_DDRM.rectangle(n, n, r);
        mb = RandomMatrices_DDRM.rectangle(n, n, r);
        mc = new DMatrixRMaj(n, n);
    }

    @Benchmark
    public Tensor bufdsl() {
        contractor.contract(c, IK, 1.0, a, IJ, b, JK, 0.0);
        return c;
    }

    @Benchmark
    public DMatrixRMaj ejmlRaw() {
        if (Runtime.getRuntime().availableProcessors() > 1 && (double) n * n * n >= 64.0 * 64 * 64) {
            org.ejml.dense.row.CommonOps_MT_DDRM.mult(ma, mb, mc);
        } else {
            CommonOps_DDRM.mult(ma, mb, mc);
        }
        return mc;
    }
}
