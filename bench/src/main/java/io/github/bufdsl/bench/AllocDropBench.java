package io.github.bufdsl.bench;

import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** An alloc + drop pair on a preallocated buffer against {@code new double[n]}; run with -prof gc for bytes per op. */
@State(Scope.Thread)
@Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AllocDropBench {
    @Param({"10", "1000", "100000"})
    public int n;

    private Buffer buf;

    @Setup
    public void setup() {
        buf = new Buffer(n + 16, false);
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

    /** Read once per iteration by {@link #pairsThroughMemory}: a volatile read the JIT must not move. */
    private volatile int fence;

    /**
     * The loop of {@link #allocDropInALoop} with a volatile read in every iteration: the JIT may not
     * carry the buffer's state from one pair to the next in registers, so every pair loads and stores
     * it, as around a kernel's calls between allocations. {@link #fenceOnly} is the loop without the pair.
     */
    @Benchmark
    @OperationsPerInvocation(1000)
    public long pairsThroughMemory() {
        long sum = 0;
        for (int i = 0; i < 1000; i++) {
            sum += fence;
            Tensor t = buf.alloc(n);
            sum += t.offset();
            buf.drop(t);
        }
        return sum;
    }

    /** {@link #pairsThroughMemory} without the pairs. */
    @Benchmark
    @OperationsPerInvocation(1000)
    public long fenceOnly() {
        long sum = 0;
        for (int i = 0; i < 1000; i++) {
            sum += fence;
        }
        return sum;
    }

    /**
     * As {@link #allocDropInALoop}, two tensors of different shapes per iteration (a vector of n and
     * a 4x4 matrix, dropped together): each alloc's shape differs from the one before, so it comes
     * from the shape its slot had last. Reported per pair.
     */
    @Benchmark
    @OperationsPerInvocation(2000)
    public long twoShapesInALoop() {
        long sum = 0;
        for (int i = 0; i < 1000; i++) {
            Tensor a = buf.alloc(n);
            Tensor b = buf.alloc(4, 4);
            sum += a.offset() + b.offset();
            buf.drop(b, a);
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
