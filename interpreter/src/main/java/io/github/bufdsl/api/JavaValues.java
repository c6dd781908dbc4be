package io.github.bufdsl.api;

import io.github.bufdsl.exec.NumType;
import io.github.bufdsl.exec.Value;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Tensor;
import io.github.bufdsl.types.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The values of scripts as Java sees them, and back: what bindings a script takes and what it gives. */
final class JavaValues {
    private JavaValues() {
    }

    /**
     * A binding as the interpreter's value, or null when bufdsl has no such value: which Java values
     * are which is {@link Type#ofJava}'s, as the checks read them.
     */
    static Value fromJava(Object v) {
        Type t = Type.ofJava(v);
        if (t instanceof Type.BoolT b) {
            return Value.Bool.of(b.value());
        }
        if (t instanceof Type.IntT i) {
            return new Value.Int(i.value());
        }
        if (t instanceof Type.FloatT f) {
            return f.type() == NumType.FLOAT32 ? new Value.Float32((float) (double) f.value()) : new Value.Float(f.value());
        }
        if (t instanceof Type.StrT s) {
            return new Value.Str(s.value());
        }
        if (t instanceof Type.BufferT) {
            return new Value.BufferValue((Buffer) v);
        }
        if (t instanceof Type.TensorT) {
            return new Value.TensorValue((Tensor) v);
        }
        return null;
    }


    /**
     * A value as Java sees it. Tuples may nest deeper than any stack ({@code t = (t, i)} in a loop)
     * and reach themselves through a Ref, so they are converted with a stack of our own; a tuple met
     * again inside itself becomes null.
     */
    static Object toJava(Value v) {
        Value root = deref(v);
        if (!(root instanceof Value.Tuple top)) {
            return scalar(root);
        }
        java.util.Map<Value.Tuple, Object> done = new java.util.IdentityHashMap<>();
        java.util.Set<Value.Tuple> open = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.ArrayDeque<Value.Tuple> stack = new java.util.ArrayDeque<>();
        stack.push(top);
        open.add(top);
        while (!stack.isEmpty()) {
            Value.Tuple t = stack.peek();
            boolean ready = true;
            for (Value item : t.items()) {
                if (deref(item) instanceof Value.Tuple c && !done.containsKey(c) && !open.contains(c)) {
                    stack.push(c);
                    open.add(c);
                    ready = false;
                }
            }
            if (ready) {
                stack.pop();
                open.remove(t);
                List<Object> items = new java.util.ArrayList<>(t.items().size());
                for (Value item : t.items()) {
                    Value d = deref(item);
                    items.add(d instanceof Value.Tuple c ? done.get(c) : scalar(d));
                }
                done.put(t, java.util.Collections.unmodifiableList(items));
            }
        }
        return done.get(top);
    }


    /** What a chain of Refs holds in the end (null when the chain goes round). */
    private static Value deref(Value v) {
        Value x = v;
        for (int i = 0; x instanceof Value.Ref r && i < 10_000; i++) {
            x = r.get();
        }
        return x instanceof Value.Ref ? Value.Nothing.NOTHING : x;
    }

    private static Object scalar(Value v) {
        Object plain = Value.plain(v);
        if (plain != null) {
            return plain;
        }
        if (v instanceof Value.Str s) {
            return s.value();
        }
        if (v instanceof Value.BufferValue b) {
            return b.buffer();
        }
        if (v instanceof Value.TensorValue t) {
            return t.tensor();
        }
        if (v instanceof Value.Range r) {
            return List.of(r.start(), r.step(), r.stop());
        }
        return null;
    }
}
