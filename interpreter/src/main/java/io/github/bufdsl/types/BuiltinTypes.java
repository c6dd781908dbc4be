package io.github.bufdsl.types;

import io.github.bufdsl.types.Type.Dim;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The types of the builtins: what each argument must be and what a call gives. This is the one
 * place the type inference reads about builtins; it is meant to move into the builtin registry
 * (issue 14) once that exists, beside each builtin's argument count and implementation.
 * Builtins missing here are checked by count only (their arguments are {@link Kind#ANY}).
 */
public final class BuiltinTypes {
    /** The types of the arguments (known or not) and, for each, the dimension it gives as a size. */
    public record Args(List<Type> types, List<Dim> dims) {
        Type get(int i) {
            return i < types.size() ? types.get(i) : Type.UNKNOWN;
        }

        Long constant(int i) {
            return get(i) instanceof Type.IntT n ? n.value() : null;
        }
    }

    /** The result of a call from its arguments' types. */
    interface Result {
        Type of(Args args);
    }

    /**
     * A builtin's types: {@code params} for the first arguments, {@code rest} for every further one
     * (null: there are no more), {@code keywords} for keyword arguments.
     */
    public record Signature(String name, List<Kind> params, Kind rest, Map<String, Kind> keywords, Result result) {
        /** What argument {@code i} (0-based) must be. */
        public Kind param(int i) {
            return i < params.size() ? params.get(i) : rest == null ? Kind.ANY : rest;
        }
    }

    private static final Map<String, Signature> TABLE = new HashMap<>();

    private static void add(String name, List<Kind> params, Kind rest, Map<String, Kind> keywords, Result result) {
        TABLE.put(name, new Signature(name, params, rest, keywords, result));
    }

    private static void add(String name, List<Kind> params, Kind rest, Result result) {
        add(name, params, rest, Map.of(), result);
    }

    private static final Type NOTHING = new Type.NothingT();
    private static final Type INT = new Type.IntT(null);
    private static final Type FLOAT = new Type.FloatT(null);
    private static final Type BOOL = new Type.BoolT(null);

    static {
        List<Kind> none = List.of();
        add("Buffer", List.of(Kind.INT), null, Map.of("extend", Kind.BOOL), a -> new Type.BufferT(8));
        add("alloc!", List.of(Kind.BUFFER), Kind.INT, a -> new Type.TensorT(List.copyOf(a.dims().subList(1,
                a.dims().size()))));
        add("drop!", List.of(Kind.BUFFER), Kind.TENSOR, a -> NOTHING);
        add("reset!", List.of(Kind.BUFFER), null, a -> NOTHING);
        add("save", List.of(Kind.STRING, Kind.TENSOR), null, a -> NOTHING);
        add("load", List.of(Kind.BUFFER, Kind.STRING), null, a -> new Type.TensorT(null));
        add("reshape_buf!", List.of(Kind.BUFFER), Kind.INT, Map.of("offset", Kind.INT),
                a -> new Type.TensorT(List.copyOf(a.dims().subList(1, a.dims().size()))));
        add("used", List.of(Kind.BUFFER), null, a -> INT);
        add("ThreadsBuffer", List.of(Kind.INT, Kind.INT), null, a -> new Type.ThreadsBufferT());
        add("nbuffers", List.of(Kind.THREADS_BUFFER), null, a -> INT);
        add("release!", List.of(Kind.THREADS_BUFFER), null, a -> NOTHING);
        add("isextendable", List.of(Kind.BUFFER), null, a -> BOOL);
        add("set_extendable!", List.of(Kind.BUFFER, Kind.BOOL), null, a -> NOTHING);
        add("length", List.of(Kind.SIZED), null, BuiltinTypes::length);
        add("size", List.of(Kind.TENSOR, Kind.INT), null, BuiltinTypes::size);
        add("ndims", List.of(Kind.TENSOR), null,
                a -> a.get(0) instanceof Type.TensorT t && t.dims() != null ? new Type.IntT((long) t.dims().size()) : INT);
        add("neuralyze", List.of(Kind.TENSOR), null, a -> a.get(0) instanceof Type.TensorT t ? t : new Type.TensorT(null));
        add("rand!", List.of(Kind.TENSOR), null, a -> a.get(0));
        add("fill!", List.of(Kind.TENSOR, Kind.NUMBER), null, a -> a.get(0));
        add("sum", List.of(Kind.TUPLE_OR_TENSOR), null, a -> a.get(0) instanceof Type.TensorT ? FLOAT : Type.UNKNOWN);
        add("maximum", List.of(Kind.TUPLE_OR_TENSOR), null,
                a -> a.get(0) instanceof Type.TensorT ? FLOAT : Type.UNKNOWN);
        add("minimum", List.of(Kind.TUPLE_OR_TENSOR), null,
                a -> a.get(0) instanceof Type.TensorT ? FLOAT : Type.UNKNOWN);
        add("println", none, Kind.ANY, a -> NOTHING);
        add("print", none, Kind.ANY, a -> NOTHING);
        add("string", none, Kind.ANY, a -> new Type.StrT(null));
        add("Ref", List.of(Kind.ANY), null, a -> new Type.RefT());
        add("pseudo_alloc!", List.of(Kind.REF, Kind.REF, Kind.INT), null, a -> a.get(2));
        add("pseudo_drop!", List.of(Kind.REF), Kind.INT, a -> NOTHING);
        add("pseudo_reset!", List.of(Kind.REF), null, a -> NOTHING);
        add("pseudo_reshape!", List.of(Kind.ANY, Kind.REF, Kind.INT, Kind.INT), null, a -> a.get(3));
        add("min", none, Kind.NUMBER, BuiltinTypes::extreme);
        add("max", none, Kind.NUMBER, BuiltinTypes::extreme);
        add("abs", List.of(Kind.NUMBER), null, a -> a.get(0) instanceof Type.IntT n
                ? new Type.IntT(n.value() == null || n.value() == Long.MIN_VALUE ? null : Math.abs(n.value()))
                : a.get(0) instanceof Type.Unknown ? Type.UNKNOWN : FLOAT);
        add("sqrt", List.of(Kind.NUMBER), null, a -> FLOAT);
        add("exp", List.of(Kind.NUMBER), null, a -> FLOAT);
        add("log", List.of(Kind.NUMBER), null, a -> FLOAT);
        add("div", List.of(Kind.INT, Kind.INT), null, a -> INT);
        add("mod", List.of(Kind.INT, Kind.INT), null, a -> INT);
        add("cld", List.of(Kind.INT, Kind.INT), null, a -> INT);
        add("prod", List.of(Kind.TUPLE), null, a -> Type.UNKNOWN);
        add("Int", List.of(Kind.NUMBER), null, a -> a.get(0) instanceof Type.IntT n ? n : INT);
        add("Float64", List.of(Kind.NUMBER), null, a -> a.get(0) instanceof Type.IntT n && n.value() != null
                ? new Type.FloatT((double) n.value()) : a.get(0) instanceof Type.FloatT f ? f : FLOAT);
        add("isapprox", List.of(Kind.NUMBER, Kind.NUMBER), null, Map.of("rtol", Kind.NUMBER, "atol", Kind.NUMBER),
                a -> BOOL);
    }

    private BuiltinTypes() {
    }

    /** The types of a builtin, or null when the table has none (its arguments are then not checked). */
    public static Signature of(String name) {
        return TABLE.get(name);
    }

    private static Type length(Args a) {
        if (a.get(0) instanceof Type.TupleT t && t.items() != null) {
            return new Type.IntT((long) t.items().size());
        }
        if (a.get(0) instanceof Type.TensorT t && t.allKnown()) {
            long n = 1;
            for (Dim d : t.dims()) {
                n *= d.value();
            }
            return new Type.IntT(n);
        }
        return INT;
    }

    private static Type size(Args a) {
        if (!(a.get(0) instanceof Type.TensorT t) || t.dims() == null) {
            return a.types().size() == 2 ? INT : new Type.TupleT(null);
        }
        if (a.types().size() == 2) {
            Long k = a.constant(1);
            if (k == null || k < 1) {
                return INT;
            }
            return k > t.dims().size() ? new Type.IntT(1L) : new Type.IntT(t.dims().get((int) (k - 1)).value());
        }
        List<Type> items = new ArrayList<>();
        for (Dim d : t.dims()) {
            items.add(new Type.IntT(d.value()));
        }
        return new Type.TupleT(List.copyOf(items));
    }

    private static Type extreme(Args a) {
        boolean allInt = !a.types().isEmpty();
        for (Type t : a.types()) {
            if (t instanceof Type.FloatT) {
                return FLOAT;
            }
            allInt &= t instanceof Type.IntT;
        }
        return allInt ? INT : Type.UNKNOWN;
    }
}
