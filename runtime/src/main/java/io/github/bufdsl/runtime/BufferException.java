package io.github.bufdsl.runtime;

/**
 * A misuse of a {@link Buffer} or {@link Tensor}: dropping out of stack order, using a tensor whose
 * memory was given back, overflowing a fixed-size buffer, a bad dimension. The message names what
 * went wrong in the caller's terms (buffer and tensor names where they are known).
 */
public class BufferException extends RuntimeException {
    private final transient BufferRules.Violation violation;

    public BufferException(String message) {
        super(message);
        this.violation = null;
    }

    /** A broken buffer rule, with the rule's message. */
    public BufferException(BufferRules.Violation violation) {
        super(violation.message());
        this.violation = violation;
    }

    /** The buffer rule broken, or null when the problem is another (memory, files, limits). */
    public BufferRules.Violation violation() {
        return violation;
    }
}
