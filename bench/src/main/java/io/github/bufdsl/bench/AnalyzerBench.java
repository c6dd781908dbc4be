package io.github.bufdsl.bench;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.api.Usage;
import java.util.Map;
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
 * The worst case of a script with k independent Bool flags: flag i chooses a tensor of i+1 or 2i+1
 * elements, given back inside the branch, after which 2 elements are kept; the worst case is
 * 2(k-1) + 2(k-1)+1 = 4k-3. The setup checks that number, so a wrong analyzer does not produce a
 * figure.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class AnalyzerBench {
    @Param({"8", "16", "30"})
    public int flags;

    private BufScript script;

    @Setup
    public void setup() throws ScriptException {
        StringBuilder sb = new StringBuilder("buf = Buffer(10)\n@print_buffer_usage buf begin\n");
        for (int i = 0; i < flags; i++) {
            sb.append("  if f").append(i)
                    .append("\n    T").append(i).append(" = alloc!(buf, ").append(i + 1).append(")\n    drop!(buf, T")
                    .append(i).append(")\n  else\n    T").append(i).append(" = alloc!(buf, ").append(2 * i + 1)
                    .append(")\n    drop!(buf, T").append(i).append(")\n  end\n  K").append(i)
                    .append(" = alloc!(buf, 2)\n");
        }
        script = BufScript.fromString("flags.buf", sb.append("end\n").toString());
        Long worst = script.usage(Map.of()).buffer("buf").peak();
        if (worst == null || worst != 4L * flags - 3) {
            throw new IllegalStateException("worst case " + worst + ", expected " + (4 * flags - 3));
        }
    }

    @Benchmark
    public Usage worstCaseOfIndependentFlags() throws ScriptException {
        return script.usage(Map.of());
    }
}
