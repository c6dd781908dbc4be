package io.github.bufdsl.runtime;

/**
 * A misuse of a {@link Buffer} or {@link Tensor}: dropping out of stack order, using a tensor whose
 * memory was given back, overflowing a fixed-size buffer, a bad dimension. The message names what
 * went wrong in the caller's terms (buffer and tensor names where they are known).
 */
public class BufferException extends RuntimeException {
    public BufferException(String message) {
        super(message);
    }
}
