package io.github.bufdsl.bench;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.RunOptions;
import io.github.bufdsl.api.RunResult;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.api.Usage;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Tensor;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The language: a loop of a million iterations of three simple statements against the same loop in
 * Java on the runtime; @tensoropt against left to right on a poor chain; usage of a generated
 * 100,000-statement script.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LanguageBench {
    private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());
    private BufScript loop;
    private BufScript leftToRight;
    private BufScript optimized;
    private BufScript big;
    private String bigText;
    private BufScript flags;
    private BufScript threaded;
    private BufScript scalar;
    private io.github.bufdsl.resolve.Resolution scalarResolved;

    @Setup
    public void setup() throws ScriptException {
        loop = BufScript.fromString("loop.buf", """
                buf = Buffer(100)
                s = 0
                for i in 1:1000000
                    A = alloc!(buf, 10)
                    s = s + i * 2
                    drop!(buf, A)
                end
                """);
        String chain = """
                buf = Buffer(0)
                A = alloc!(buf, 300, 300)
                B = alloc!(buf, 300, 300)
                C = alloc!(buf, 300, 300)
                v = alloc!(buf, 300)
                w = alloc!(buf, 300)
                fill!(A, 1.0); fill!(B, 1.0); fill!(C, 1.0); fill!(v, 1.0)
                """;
        leftToRight = BufScript.fromString("chain.buf", chain + "@tensor w[i] = A[i, j] * B[j, k] * C[k, l] * v[l]\n");
        optimized = BufScript.fromString("chain.buf", chain + "@tensoropt w[i] = A[i, j] * B[j, k] * C[k, l] * v[l]\n");
        StringBuilder sb = new StringBuilder("buf = Buffer(0)\n");
        for (int i = 0; i < 25_000; i++) {
            sb.append("A").append(i).append(" = alloc!(buf, n, ").append(1 + i % 7).append(")\n");
            sb.append("B").append(i).append(" = alloc!(buf, ").append(1 + i % 5).append(")\n");
            sb.append("drop!(buf, B").append(i).append(")\n");
            sb.append("drop!(buf, A").append(i).append(")\n");
        }
        bigText = sb.toString();
        big = BufScript.fromString("big.buf", bigText);
        StringBuilder fl = new StringBuilder("buf = Buffer(0)\n");
        for (int i = 1; i <= 30; i++) {
            fl.append("if f").append(i).append("\n    T = alloc!(buf, ").append(i).append(", 10)\n    drop!(buf, T)\nelse\n")
                    .append("    T = alloc!(buf, ").append(31 - i).append(", 3)\n    drop!(buf, T)\nend\n")
                    .append("K").append(i).append(" = alloc!(buf, 2)\n");
        }
        flags = BufScript.fromString("flags.buf", fl.toString());
        threaded = BufScript.fromString("threaded.buf", """
                buf = Buffer(0)
                C = alloc!(buf, 120, 8)
                tbuf = ThreadsBuffer(0)
                Threads.@threads for k in 1:8
                    A = alloc!(tbuf, 120, 120)
                    B = alloc!(tbuf, 120, 120)
                    D = alloc!(tbuf, 120, 120)
                    v = alloc!(tbuf, 120)
                    fill!(A, 1.0)
                    fill!(B, 0.5)
                    fill!(v, k)
                    Ck = C[:, k]
                    for r in 1:20
                        @tensor D[i, j] = A[i, l] * B[l, j] / 60
                    end
                    s = 0
                    for j in 1:100000
                        s = s + j
                    end
                    @tensor Ck[i] = D[i, j] * v[j]
                    reset!(tbuf)
                end
                """);
    }

    private static final String SCALAR = """
            s = 0.0
            for i in 1:20000000
                s = s + i * 0.5
            end
            """;

    @Setup
    public void setupScalar() throws ScriptException {
        scalar = BufScript.fromString("loop.buf", SCALAR);
        scalarResolved = io.github.bufdsl.resolve.Resolver.resolve(io.github.bufdsl.parse.Parser.parse(
                new io.github.bufdsl.diag.Source("loop.buf", SCALAR)));
    }

    /**
     * The scalar loop of bench/e2e (20 million statements) in the interpreter alone, without the checks
     * before running: statements per second are 2e7 / this time.
     */
    @Benchmark
    public void interpreterScalarLoop20M() {
        new io.github.bufdsl.exec.Interpreter(scalarResolved, new io.github.bufdsl.exec.Interpreter.Options(NOWHERE,
                Map.of(), 1L, b -> { })).run();
    }

    /** The same loop as a run: the checks before running, then the interpreter. */
    @Benchmark
    public RunResult runScalarLoop20M() throws ScriptException {
        return scalar.run(Map.of(), NOWHERE);
    }

    private RunResult threadedOn(int threads) throws ScriptException {
        return threaded.run(Map.of(), NOWHERE, new RunOptions(1L, 0, 0, 1L << 30, threads, null), r -> { });
    }

    /** A Threads.@threads loop of 8 iterations (contractions and interpreted arithmetic) on one thread. */
    @Benchmark
    public RunResult threadedLoopOneThread() throws ScriptException {
        return threadedOn(1);
    }

    /** The same loop on two threads (the machine's cores). */
    @Benchmark
    public RunResult threadedLoopTwoThreads() throws ScriptException {
        return threadedOn(2);
    }

    @Benchmark
    public RunResult interpreterMillionIterations() throws ScriptException {
        return loop.run(Map.of(), NOWHERE);
    }

    @Benchmark
    public long javaMillionIterations() {
        Buffer buf = new Buffer(100);
        long s = 0;
        for (long i = 1; i <= 1_000_000; i++) {
            Tensor a = buf.alloc(10);
            s = s + i * 2;
            buf.drop(a);
        }
        return s;
    }

    @Benchmark
    public RunResult chainLeftToRight() throws ScriptException {
        return leftToRight.run(Map.of(), NOWHERE);
    }

    @Benchmark
    public RunResult chainTensoropt() throws ScriptException {
        return optimized.run(Map.of(), NOWHERE);
    }

    @Benchmark
    public Usage usageOf30IndependentFlags() throws ScriptException {
        return flags.usage(Map.of());
    }

    @Benchmark
    public Usage usageOf100kStatements() throws ScriptException {
        return big.usage(Map.of());
    }

    /** Parsing, resolving and sizing the 100,000 statements, from the text. */
    @Benchmark
    public Usage loadAndUsageOf100kStatements() throws ScriptException {
        return BufScript.fromString("big.buf", bigText).usage(Map.of());
    }
}
