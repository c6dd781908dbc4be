package io.github.bufdsl.api;

import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Tensor;
import io.github.bufdsl.runtime.ThreadsBuffer;
import java.util.List;
import java.util.Map;

/**
 * What a run left: the script's global variables as Java values (Long, Double, Float for a Float32,
 * Boolean, String, {@link Buffer}, {@link Tensor}, List for tuples, null for nothing), the buffers it created that
 * are still reachable (a buffer nothing refers to any more is collected and its memory given back
 * to the budget, as in Julia), and the figures of every buffer it created ({@code --stats}).
 */
public record RunResult(Map<String, Object> variables, List<Buffer> buffersCreated, long workspaceHighWater,
        List<Buffer.Stats> bufferStats, List<ThreadsBuffer.Stats> threadsBufferStats) {
    /** A result without ThreadsBuffers. */
    public RunResult(Map<String, Object> variables, List<Buffer> buffersCreated, long workspaceHighWater,
            List<Buffer.Stats> bufferStats) {
        this(variables, buffersCreated, workspaceHighWater, bufferStats, List.of());
    }

    /** A result whose figures are those of the buffers given. */
    public RunResult(Map<String, Object> variables, List<Buffer> buffersCreated, long workspaceHighWater) {
        this(variables, buffersCreated, workspaceHighWater, buffersCreated.stream().map(Buffer::stats).toList());
    }

    /** A variable's value, or null. */
    public Object get(String name) {
        return variables.get(name);
    }

    /**
     * A tensor the script left in a variable.
     *
     * @throws IllegalArgumentException if the variable does not hold a tensor
     */
    public Tensor tensor(String name) {
        if (variables.get(name) instanceof Tensor t) {
            return t;
        }
        throw new IllegalArgumentException(name + " is not a tensor: " + variables.get(name));
    }
}
