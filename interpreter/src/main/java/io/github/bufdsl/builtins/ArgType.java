package io.github.bufdsl.builtins;

import java.util.EnumSet;
import java.util.Set;

/**
 * The type of a builtin's argument or result, in the language's terms (Julia's names where it has
 * them). A type checker compares what it infers for an argument with {@link #admits}.
 */
public enum ArgType {
    /** Anything, including nothing. */
    ANY("Any"),
    /** An Int64, or a Bool (Julia's Bool is an integer: {@code true + 1 == 2}). */
    INT("Int"),
    /** An Int64, a Float64, a Float32 or a Bool. */
    NUMBER("Number"),
    /** A Float64. */
    FLOAT("Float64"),
    /** A Float32. */
    FLOAT32("Float32"),
    BOOL("Bool"),
    STRING("String"),
    /** A Buffer. */
    BUFFER("Buffer"),
    /** A ThreadsBuffer (a pool of buffers). */
    THREADS_BUFFER("ThreadsBuffer"),
    /** A Buffer, or a ThreadsBuffer (the running iteration's buffer of the pool). */
    SOME_BUFFER("Buffer or ThreadsBuffer"),
    TENSOR("Tensor"),
    TUPLE("Tuple"),
    REF("Ref"),
    /** An element type, Float64 or Float32. */
    TYPE("Type"),
    /** What a function that gives nothing back returns. */
    NOTHING("Nothing"),
    /** The result of a builtin whose type follows its arguments' (abs, min, max, sum of a tuple). */
    SAME_AS_ARGS("same as the arguments");

    private final String text;

    ArgType(String text) {
        this.text = text;
    }

    /** How a message names the type. */
    public String text() {
        return text;
    }

    /** The types a value of this type may have at run time (ANY and SAME_AS_ARGS: all of them). */
    public Set<ArgType> members() {
        return switch (this) {
            case ANY, SAME_AS_ARGS -> EnumSet.allOf(ArgType.class);
            case INT -> EnumSet.of(INT, BOOL);
            case NUMBER -> EnumSet.of(INT, FLOAT, FLOAT32, BOOL, NUMBER);
            case SOME_BUFFER -> EnumSet.of(BUFFER, THREADS_BUFFER, SOME_BUFFER);
            default -> EnumSet.of(this);
        };
    }

    /** True if an argument of type {@code actual} is accepted where this type is expected. */
    public boolean admits(ArgType actual) {
        return members().containsAll(actual.members()) || this == ANY;
    }
}
