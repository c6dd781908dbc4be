package io.github.bufdsl.bench;

import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** An alloc + drop pair on a preallocated buffer against {@code new double[n]}; run with -prof gc for bytes per op. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AllocDropBench {
    @Param({"10", "1000", "100000"})
    public int n;

    private Buffer buf;

    @Setup
    public void setup() {
        buf = new Buffer(n, false);
    }

    /** The handle is returned (JMH keeps it), so it is made on the heap: the pair plus its garbage. */
    @Benchmark
    public Tensor allocDrop() {
        Tensor t = buf.alloc(n);
        buf.drop(t);
        return t;
    }

    /** The pair alone with a handle that stays local (the JIT keeps it in registers); its offset is returned. */
    @Benchmark
    public long allocDropLocal() {
        Tensor t = buf.alloc(n);
        long where = t.offset();
        buf.drop(t);
        return where;
    }

    /**
     * A loop of 1,000 pairs, as in a kernel's hot loop, reported per pair: the benchmark call's own
     * cost (a few ns on this machine) is shared by the thousand.
     */
    @Benchmark
    @OperationsPerInvocation(1000)
    public long allocDropInALoop() {
        long sum = 0;
        for (int i = 0; i < 1000; i++) {
            Tensor t = buf.alloc(n);
            sum += t.offset();
            buf.drop(t);
        }
        return sum;
    }

    /**
     * As a kernel uses a temporary: take it, write and read an element, give it back. The handle
     * does not outlive the pair, so the JIT keeps it in registers (no garbage).
     */
    @Benchmark
    public double allocUseDrop() {
        Tensor t = buf.alloc(n);
        t.setLinear(0, 1.5);
        double x = t.getLinear(0);
        buf.drop(t);
        return x;
    }

    @Benchmark
    public double[] newArray() {
        return new double[n];
    }
}
