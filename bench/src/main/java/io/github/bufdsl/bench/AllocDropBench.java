package io.github.bufdsl.bench;

import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
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

    @Benchmark
    public Tensor allocDrop() {
        Tensor t = buf.alloc(n);
        buf.drop(t);
        return t;
    }

    @Benchmark
    public double[] newArray() {
        return new double[n];
    }
}
