package io.github.bufdsl.runtime;

/** Thrown by tensor operations whose operands' shapes or index labels do not fit together. */
public class ShapeMismatchException extends BufferException {
    public ShapeMismatchException(String message) {
        super(message);
    }
}
