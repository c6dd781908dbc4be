package io.github.bufdsl.types;

/**
 * What a place in the program demands of a value (an argument of a builtin, a condition, an index).
 * {@link #admits} is false only when the type is known and can never do: the inference reports
 * nothing it is unsure of.
 */
public enum Kind {
    ANY("a value", "Any"),
    BUFFER("a buffer", "Buffer"),
    THREADS_BUFFER("a ThreadsBuffer", "ThreadsBuffer"),
    TENSOR("a tensor", "Tensor"),
    INT("an integer", "Int"),
    /** An index or range bound: an Int, or a Float64 with a whole value. */
    INDEX("an integer", "Number"),
    NUMBER("a number", "Number"),
    BOOL("true or false", "Bool"),
    STRING("a string", "String"),
    REF("a Ref", "Ref"),
    TUPLE("a tuple", "Tuple"),
    TUPLE_OR_TENSOR("a tensor or a tuple", "Tensor"),
    /** What {@code length} takes. */
    SIZED("a buffer, a tensor, a tuple, a string or a range", "Tensor");

    private final String words;
    private final String typeName;

    Kind(String words, String typeName) {
        this.words = words;
        this.typeName = typeName;
    }

    /** What the builtin registry's type demands of an argument. */
    public static Kind of(io.github.bufdsl.builtins.ArgType t) {
        return switch (t) {
            case INT -> INT;
            case NUMBER, FLOAT, FLOAT32 -> NUMBER;
            case BOOL -> BOOL;
            case STRING -> STRING;
            case BUFFER, SOME_BUFFER -> BUFFER;
            case THREADS_BUFFER -> THREADS_BUFFER;
            case TENSOR -> TENSOR;
            case TUPLE -> TUPLE;
            case REF -> REF;
            case ANY, TYPE, NOTHING, SAME_AS_ARGS -> ANY;
        };
    }

    /** "a buffer", "an integer": how a message names what is expected. */
    public String words() {
        return words;
    }

    /** The type a free variable gets from a use of this kind. */
    public String typeName() {
        return typeName;
    }

    /** Whether {@code --var} can give a value of this kind (true, false, an integer or a number). */
    public boolean givenByVar() {
        return this == ANY || this == INT || this == INDEX || this == NUMBER || this == BOOL;
    }

    /** False only when a value of type {@code t} can never be used here. */
    public boolean admits(Type t) {
        if (t instanceof Type.Unknown || this == ANY) {
            return true;
        }
        return switch (this) {
            case ANY -> true;
            case BUFFER -> t instanceof Type.BufferT || t instanceof Type.ThreadsBufferT;
            case THREADS_BUFFER -> t instanceof Type.ThreadsBufferT;
            case TENSOR -> t instanceof Type.TensorT;
            case INT -> t instanceof Type.IntT || t instanceof Type.BoolT; // the registry's Int takes a Bool
            case INDEX -> t instanceof Type.IntT || (t instanceof Type.FloatT f
                    && (f.value() == null || (f.value() == Math.rint(f.value()) && Math.abs(f.value()) < 9e15)));
            case NUMBER -> t instanceof Type.IntT || t instanceof Type.FloatT || t instanceof Type.BoolT;
            case BOOL -> t instanceof Type.BoolT;
            case STRING -> t instanceof Type.StrT;
            case REF -> t instanceof Type.RefT;
            case TUPLE -> t instanceof Type.TupleT;
            case TUPLE_OR_TENSOR -> t instanceof Type.TupleT || t instanceof Type.TensorT;
            case SIZED -> t instanceof Type.BufferT || t instanceof Type.TensorT || t instanceof Type.TupleT
                    || t instanceof Type.StrT || t instanceof Type.RangeT;
        };
    }
}
