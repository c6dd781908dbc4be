package io.github.bufdsl.builtins;

/**
 * What a builtin means to the sizing of buffers (the analyzer): each builtin has exactly one role.
 */
public sealed interface Role {
    /**
     * A function of its arguments only (no buffer, tensor or output): with concrete arguments the
     * analyzer runs the implementation. {@code symbolic}: an integer function that sizing functions
     * also keep as a formula of symbolic arguments (and print, in Julia and Java).
     */
    record Pure(boolean symbolic) implements Role {
    }

    /** Makes a buffer ({@code pool}: a ThreadsBuffer). */
    record MakesBuffer(boolean pool) implements Role {
    }

    /** Takes a tensor from the top of its first argument, a buffer. */
    record Alloc() implements Role {
    }

    /** Gives the tensors after its first argument back to it, a buffer. */
    record Drop() implements Role {
    }

    /** Gives back everything its first argument holds. */
    record Reset() implements Role {
    }

    /** A view of the buffer's memory without allocating (reshape mode). */
    record Reshape() implements Role {
    }

    /** Reads a buffer's state (its level, length, flags) without changing its stack. */
    record ReadsBuffer() implements Role {
    }

    /** Reads or writes the contents of tensors among its arguments, which must be live. */
    record ReadsTensors() implements Role {
    }

    /** Returns a new name for the memory of its tensor argument. */
    record Aliases() implements Role {
    }

    /** Changes a buffer's setting (whether it may grow), not its stack. */
    record SetsFlag() implements Role {
    }

    /**
     * No meaning for sizes: writes output, works on Refs or strings; sizing does not follow its
     * result.
     */
    record Effect() implements Role {
    }

    /** Sizing cannot follow it, for the reason given. */
    record Unsupported(String reason) implements Role {
    }

    Pure PURE = new Pure(false);
    Pure PURE_SYMBOLIC = new Pure(true);
    Alloc ALLOC = new Alloc();
    Drop DROP = new Drop();
    Reset RESET = new Reset();
    Reshape RESHAPE = new Reshape();
    ReadsBuffer READS_BUFFER = new ReadsBuffer();
    ReadsTensors READS_TENSORS = new ReadsTensors();
    Aliases ALIASES = new Aliases();
    SetsFlag SETS_FLAG = new SetsFlag();
    Effect EFFECT = new Effect();
}
