package io.github.bufdsl.exec;

import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Tensor;
import java.util.List;

/** The values a script computes with. */
public sealed interface Value {
    /** The type's name as Julia calls it, for messages. */
    String typeName();

    /**
     * A number or Bool as Java holds it (Long, Double, Float, Boolean), or null for any other value:
     * the one rule by which the API, the sizing values and the analyzer's constants read them.
     */
    static Object plain(Value v) {
        if (v instanceof Int i) {
            return i.value();
        }
        if (v instanceof Float f) {
            return f.value();
        }
        if (v instanceof Float32 f) {
            return f.value();
        }
        if (v instanceof Bool b) {
            return b.value();
        }
        return null;
    }

    record Int(long value) implements Value {
        public String typeName() {
            return "Int64";
        }
    }

    record Float(double value) implements Value {
        public String typeName() {
            return "Float64";
        }
    }

    /** A Float32: read from a tensor of a Float32 buffer, a literal {@code 1.5f0}, {@code Float32(x)}. */
    record Float32(float value) implements Value {
        public String typeName() {
            return "Float32";
        }
    }

    record Bool(boolean value) implements Value {
        public static final Bool TRUE = new Bool(true);
        public static final Bool FALSE = new Bool(false);

        public static Bool of(boolean b) {
            return b ? TRUE : FALSE;
        }

        public String typeName() {
            return "Bool";
        }
    }

    record Str(String value) implements Value {
        public String typeName() {
            return "String";
        }
    }

    record Tuple(List<Value> items) implements Value {
        public String typeName() {
            return "Tuple";
        }
    }

    /** {@code start:step:stop} over integers. */
    record Range(long start, long step, long stop) implements Value {
        /** Julia's names: {@code 1:n} is a UnitRange, {@code 1:2:n} a StepRange. */
        public String typeName() {
            return step == 1 ? "UnitRange" : "StepRange";
        }

        public long length() {
            if (step > 0 ? start > stop : start < stop) {
                return 0;
            }
            return (stop - start) / step + 1;
        }
    }

    /** {@code Ref(x)}: a mutable cell, read with {@code r[]} and written with {@code r[] = v}. */
    final class Ref implements Value {
        private Value value;

        public Ref(Value value) {
            this.value = value;
        }

        public Value get() {
            return value;
        }

        public void set(Value v) {
            value = v;
        }

        public String typeName() {
            return "Ref";
        }
    }

    record BufferValue(Buffer buffer) implements Value {
        public String typeName() {
            return "Buffer";
        }
    }

    /** A pool of buffers for parallel loops: {@code ThreadsBuffer(len[, n])}. */
    record ThreadsBufferValue(io.github.bufdsl.runtime.ThreadsBuffer pool) implements Value {
        public String typeName() {
            return "ThreadsBuffer";
        }
    }

    record TensorValue(Tensor tensor) implements Value {
        public String typeName() {
            return "Tensor";
        }
    }

    /** A type used as a value: {@code Float64}, {@code Float32}. */
    record Type(String name) implements Value {
        public String typeName() {
            return "Type";
        }
    }

    enum Nothing implements Value {
        NOTHING;

        public String typeName() {
            return "Nothing";
        }
    }
}
