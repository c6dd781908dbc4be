package io.github.bufdsl.types;

import io.github.bufdsl.builtins.ArgType;
import io.github.bufdsl.builtins.Param;
import io.github.bufdsl.builtins.Signature;
import io.github.bufdsl.exec.Builtins;
import io.github.bufdsl.exec.NumType;
import io.github.bufdsl.exec.Ranges;
import io.github.bufdsl.exec.ScriptError;
import io.github.bufdsl.exec.Value;
import io.github.bufdsl.exec.Shapes;
import io.github.bufdsl.types.Type.Dim;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the type inference adds to the builtin registry ({@link Builtins}): the registry says what
 * each argument must be and the type of the result ({@link ArgType}); the rules here give results
 * the registry's types cannot say: a tensor's rank and dimensions ({@code alloc!}, {@code
 * neuralyze}), a size's value ({@code size(A, 2)}, {@code length}), constants through {@code Int}.
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

    private static final Map<String, Result> RULES = new HashMap<>();

    private static final Type INT = new Type.IntT(null);
    private static final Type FLOAT = Type.FloatT.f64(null);

    static {
        Result dims = a -> new Type.TensorT(List.copyOf(a.dims().subList(Math.min(1, a.dims().size()),
                a.dims().size())));
        RULES.put("alloc!", dims);
        RULES.put("reshape_buf!", dims);
        RULES.put("load", a -> new Type.TensorT(null));
        RULES.put("size", BuiltinTypes::size);
        RULES.put("ndims", a -> a.get(0) instanceof Type.TensorT t && t.dims() != null
                ? new Type.IntT((long) t.dims().size()) : INT);
        RULES.put("neuralyze", a -> a.get(0) instanceof Type.TensorT t ? t : new Type.TensorT(null));
        RULES.put("rand!", a -> a.get(0) instanceof Type.TensorT t ? t : new Type.TensorT(null));
        RULES.put("fill!", a -> a.get(0) instanceof Type.TensorT t ? t : new Type.TensorT(null));
        // an element of a tensor: a Float64, or a Float32 of a Float32 buffer (which the checks do not follow)
        Result reduce = a -> a.get(0) instanceof Type.TensorT ? Type.FloatT.of(null) : Type.UNKNOWN;
        for (String fn : Ranges.FUNCTIONS) { // of a range, an Int (its value when the bounds are constants)
            Result other = fn.equals("length") ? BuiltinTypes::length : fn.equals("prod") ? a -> Type.UNKNOWN
                    : fn.equals("sum") || fn.equals("maximum") || fn.equals("minimum") ? reduce : a -> INT;
            RULES.put(fn, a -> a.get(0) instanceof Type.RangeT r ? range(fn, r) : other.of(a));
        }
        RULES.put("norm", reduce);
        RULES.put("dot", reduce);
        RULES.put("pseudo_alloc!", a -> a.get(2) instanceof Type.IntT n ? n : INT);
        RULES.put("pseudo_reshape!", a -> a.get(3) instanceof Type.IntT n ? n : INT);
        RULES.put("min", BuiltinTypes::extreme);
        RULES.put("max", BuiltinTypes::extreme);
        RULES.put("abs", a -> a.get(0) instanceof Type.IntT n
                ? new Type.IntT(n.value() == null || n.value() == Long.MIN_VALUE ? null : Math.abs(n.value()))
                : a.get(0) instanceof Type.FloatT f ? Type.FloatT.of(f.type()) : Type.UNKNOWN);
        // sqrt, exp, log: a float of the argument's precision (a Float32 stays one), by NumType's rule
        Result toFloat = a -> Type.numTypes(a.get(0)).isEmpty() ? Type.FloatT.of(null)
                : Type.FloatT.of(Type.combine(a.get(0), a.get(0), (x, y) -> x.toFloat()));
        RULES.put("sqrt", toFloat);
        RULES.put("exp", toFloat);
        RULES.put("log", toFloat);
        RULES.put("Int", a -> a.get(0) instanceof Type.IntT n ? n : INT);
        RULES.put("Float64", a -> a.get(0) instanceof Type.IntT n && n.value() != null
                ? Type.FloatT.f64((double) n.value()) : a.get(0) instanceof Type.FloatT f ? Type.FloatT.f64(f.value())
                : FLOAT);
        RULES.put("Float32", a -> a.get(0) instanceof Type.IntT n && n.value() != null
                ? new Type.FloatT((double) (float) (long) n.value(), NumType.FLOAT32)
                : a.get(0) instanceof Type.FloatT f && f.value() != null
                ? new Type.FloatT((double) (float) (double) f.value(), NumType.FLOAT32) : Type.FloatT.of(NumType.FLOAT32));
    }

    private BuiltinTypes() {
    }

    /** The registry's signature of a builtin, or null. */
    public static Signature signature(String name) {
        return Builtins.signature(name);
    }

    /** What argument {@code i} (from 0) of a builtin must be. */
    static Kind param(Signature sig, int i) {
        Param p = sig.param(i);
        return p == null ? Kind.ANY : Kind.of(p.type());
    }

    /** What a keyword argument must be. */
    static Kind keyword(Signature sig, String keyword) {
        ArgType t = sig.keywords().get(keyword);
        return t == null ? Kind.ANY : Kind.of(t);
    }

    /** The type of a call's result. */
    static Type result(Signature sig, Args args) {
        Result rule = RULES.get(sig.name());
        return rule != null ? rule.of(args) : of(sig.returns());
    }

    /** A value of a registry type, nothing more known. */
    static Type of(ArgType t) {
        return switch (t) {
            case INT -> INT;
            case FLOAT -> FLOAT;
            case FLOAT32 -> Type.FloatT.of(NumType.FLOAT32);
            case BOOL -> new Type.BoolT(null);
            case STRING -> new Type.StrT(null);
            case BUFFER -> new Type.BufferT(8, true);
            case THREADS_BUFFER -> new Type.ThreadsBufferT();
            case TENSOR -> new Type.TensorT(null);
            case TUPLE -> new Type.TupleT(null);
            case REF -> new Type.RefT();
            case NOTHING -> new Type.NothingT();
            case ANY, NUMBER, SOME_BUFFER, TYPE, SAME_AS_ARGS -> Type.UNKNOWN;
        };
    }

    /** {@code fn(r)} of a range ({@link Ranges}): an Int, of the value run computes when the bounds are constants. */
    private static Type range(String fn, Type.RangeT r) {
        if (r.start() == null || r.step() == null || r.stop() == null || r.step() == 0) {
            return INT;
        }
        try {
            return Ranges.call(fn, new Value.Range(r.start(), r.step(), r.stop())) instanceof Value.Int i
                    ? new Type.IntT(i.value()) : INT;
        } catch (ScriptError e) {
            return INT; // the run's error (an empty range's maximum, an overflow)
        }
    }

    private static Type length(Args a) {
        if (a.get(0) instanceof Type.TupleT t && t.items() != null) {
            return new Type.IntT((long) t.items().size());
        }
        if (a.get(0) instanceof Type.TensorT t && t.dims() != null) { // the rule of Shapes, the interpreter's
            return Type.IntT.of(Shapes.length(t.dims().size(), i -> t.dims().get(i).poly(), Sym.constant(1), Sym::mul));
        }
        return INT;
    }

    private static Type size(Args a) {
        if (!(a.get(0) instanceof Type.TensorT t) || t.dims() == null) {
            return a.types().size() == 2 ? INT : new Type.TupleT(null);
        }
        if (a.types().size() == 2) {
            Long k = a.constant(1);
            Sym d = k == null ? null : Shapes.size(t.dims().size(), i -> t.dims().get(i).poly(), k, Sym.constant(1));
            return d == null ? INT : Type.IntT.of(d);
        }
        List<Type> items = new ArrayList<>();
        for (Dim d : t.dims()) {
            items.add(Type.IntT.of(d.poly()));
        }
        return new Type.TupleT(List.copyOf(items));
    }

    private static Type extreme(Args a) {
        boolean allInt = !a.types().isEmpty();
        boolean floats = false;
        Type promoted = null; // the arguments' promoted type so far, as min and max promote (NumType's rule)
        for (Type t : a.types()) {
            floats |= t instanceof Type.FloatT;
            allInt &= t instanceof Type.IntT;
            if (Type.numTypes(t).isEmpty()) {
                promoted = Type.UNKNOWN;
            } else if (promoted == null || !(promoted instanceof Type.Unknown)) {
                NumType p = promoted == null ? Type.combine(t, t, (x, y) -> x)
                        : Type.combine(promoted, t, NumType::promote);
                promoted = p == null ? Type.FloatT.of(null) : p.isInteger() ? INT : Type.FloatT.of(p);
            }
        }
        if (floats) {
            return promoted instanceof Type.FloatT ? promoted : Type.FloatT.of(null);
        }
        return allInt ? INT : Type.UNKNOWN;
    }
}
