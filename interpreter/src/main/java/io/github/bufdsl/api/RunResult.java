package io.github.bufdsl.api;

import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Tensor;
import java.util.List;
import java.util.Map;

/**
 * What a run left: the script's global variables as Java values (Long, Double, Boolean, String,
 * {@link Buffer}, {@link Tensor}, List for tuples, null for nothing) and the buffers it created.
 */
public record RunResult(Map<String, Object> variables, List<Buffer> buffersCreated, long workspaceHighWater) {
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
