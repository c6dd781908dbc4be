package io.github.bufdsl.api;

import io.github.bufdsl.exec.Interpreter;
import io.github.bufdsl.runtime.MemoryBudget;

/**
 * How a run may go: the seed of {@code rand!} (null: random), the most statements it may execute
 * (0: no limit), its wall time in seconds (0: none), and the most bytes its buffers may take
 * together (by default 80% of the JVM's heap, so that a script fails with a message before the
 * JVM runs out of memory), the threads a {@code Threads.@threads} loop runs on and the buffers a
 * ThreadsBuffer has by default (0: one per processor), and
 * the folder below which {@code save}/{@code load} may touch files (null: no file access).
 */
public record RunOptions(Long seed, long maxSteps, double timeoutSeconds, long maxMemoryBytes, int threads,
        java.nio.file.Path allowIo) {
    /**
     * @throws IllegalArgumentException for a negative step count, time or memory, or threads outside 0
     *     to {@link io.github.bufdsl.runtime.ThreadsBuffer#MAX_BUFFERS}
     */
    public RunOptions {
        if (maxSteps < 0 || !(timeoutSeconds >= 0) || Double.isInfinite(timeoutSeconds) || maxMemoryBytes < 0) {
            throw new IllegalArgumentException("maxSteps, timeoutSeconds and maxMemoryBytes must be finite and not"
                    + " negative");
        }
        if (threads < 0 || threads > io.github.bufdsl.runtime.ThreadsBuffer.MAX_BUFFERS) {
            throw new IllegalArgumentException("threads is 1 to " + io.github.bufdsl.runtime.ThreadsBuffer.MAX_BUFFERS
                    + " (or 0: one per processor), not " + threads);
        }
    }

    /** Options with the default number of buffers per ThreadsBuffer (one per processor) and no file access. */
    public RunOptions(Long seed, long maxSteps, double timeoutSeconds, long maxMemoryBytes) {
        this(seed, maxSteps, timeoutSeconds, maxMemoryBytes, 0, null);
    }

    /** The fraction of the JVM heap buffers may take by default. */
    public static final double DEFAULT_MEMORY_FRACTION = 0.8;

    public static final RunOptions DEFAULT = new RunOptions(null, 0, 0,
            (long) (Runtime.getRuntime().maxMemory() * DEFAULT_MEMORY_FRACTION), 0, null);

    public RunOptions withSeed(Long s) {
        return new RunOptions(s, maxSteps, timeoutSeconds, maxMemoryBytes, threads, allowIo);
    }

    Interpreter.Limits limits(io.github.bufdsl.runtime.MatrixBackend.Factory backend) {
        return new Interpreter.Limits(maxSteps, (long) (timeoutSeconds * 1000), Interpreter.Limits.NONE.maxCallDepth(),
                new MemoryBudget(maxMemoryBytes), threads, allowIo, backend);
    }
}
