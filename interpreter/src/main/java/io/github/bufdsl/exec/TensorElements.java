package io.github.bufdsl.exec;

import io.github.bufdsl.runtime.ElementType;
import io.github.bufdsl.runtime.Tensor;

/**
 * A tensor's elements as the language's numbers, by its buffer's element type: what reading one
 * gives and what storing one keeps, as Julia converts them.
 */
final class TensorElements {
    private TensorElements() {
    }

    /** An element read from a tensor: a Float32 of a Float32 buffer, else a Float64. */
    static Value read(Tensor t, double x) {
        return t.buffer().elementType() == ElementType.FLOAT32 ? new Value.Float32((float) x) : new Value.Float(x);
    }

    /**
     * A number as a tensor stores it: converted to the buffer's element type as Julia converts (an
     * Int to a Float32 rounds once, not through a Float64).
     */
    static double stored(Tensor t, Value v) {
        return t.buffer().elementType() == ElementType.FLOAT32 ? Arith.asFloat32(v) : Arith.asDouble(v);
    }
}
