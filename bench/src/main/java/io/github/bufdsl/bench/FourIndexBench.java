package io.github.bufdsl.bench;

import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Contractor;
import io.github.bufdsl.runtime.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** E[i,j,c,d] = A[i,j,a,b] * B[a,b,c,d], i,j = 20 and a,b,c,d = 40, against EJML's (400x1600)*(1600x1600). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FourIndexBench {
    private Tensor a;
    private Tensor b;
    private Tensor e;
    private final Contractor contractor = new Contractor();
    private DMatrixRMaj ma;
    private DMatrixRMaj mb;
    private DMatrixRMaj me;

    @Setup
    public void setup() {
        Buffer buf = new Buffer(20L * 20 * 1600 * 2 + 1600L * 1600, false);
        a = buf.alloc(20, 20, 40, 40);
        b = buf.alloc(40, 40, 40, 40);
        e = buf.alloc(20, 20, 40, 40);
        a.fillRandom(new SplittableRandom(1));
        b.fillRandom(new SplittableRandom(2));
        java.util.Random r = new java.util.Random(3);
        ma = RandomMatrices_DDRM.rectangle(400, 1600, r);
        mb = RandomMatrices_DDRM.rectangle(1600, 1600, r);
        me = new DMatrixRMaj(400, 1600);
    }

    @Benchmark
    public Tensor bufdsl() {
        contractor.contract(e, new String[] {"i", "j", "c", "d"}, 1.0, a, new String[] {"i", "j", "a", "b"}, b,
                new String[] {"a", "b", "c", "d"}, 0.0);
        return e;
    }

    @Benchmark
    public DMatrixRMaj ejmlRaw() {
        CommonOps_MT_DDRM.mult(ma, mb, me);
        return me;
    }
}
