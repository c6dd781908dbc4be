package io.github.bufdsl.types;

import io.github.bufdsl.exec.NumType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The static type of a value, as the inference knows it. {@link Unknown} is the top: a value the
 * inference cannot type (a function's parameter, a value read from a tensor's contents) is never
 * reported. Scalars carry their value when it is a constant, so that constant indices and sizes can
 * be checked; tensors carry their rank and, per dimension, a number, a free variable or nothing.
 */
public sealed interface Type {
    Unknown UNKNOWN = new Unknown(null, false);
    /** The type of an expression whose error is reported: it passes every check, so nothing follows from it. */
    Unknown ERROR = new Unknown(null, true);

    /** How messages name a value of this type: "Int64 3", "a tensor of size 2×2", "a buffer". */
    String describe();

    /**
     * The type of a value a Java caller binds to a free variable, and so which Java values a binding
     * may be: Boolean; Long, Integer, Short or Byte (an Int64); Double (a Float64); Float (a Float32); String;
     * a runtime {@code Buffer} or {@code Tensor}. Anything else is {@link #UNKNOWN}. The API's
     * conversion to the interpreter's values reads this, so the checks and the run accept the same.
     */
    static Type ofJava(Object v) {
        if (v instanceof Boolean b) {
            return new BoolT(b);
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return new IntT(((Number) v).longValue());
        }
        if (v instanceof Double d) {
            return FloatT.f64(d);
        }
        if (v instanceof Float f) {
            return new FloatT((double) f, NumType.FLOAT32);
        }
        if (v instanceof String s) {
            return new StrT(s);
        }
        if (v instanceof io.github.bufdsl.runtime.Buffer b) {
            return new BufferT(b.elementBytes(), false);
        }
        if (v instanceof io.github.bufdsl.runtime.Tensor t) {
            List<Dim> dims = new ArrayList<>();
            for (int d : t.dims()) {
                dims.add(Dim.of(d));
            }
            return new TensorT(List.copyOf(dims));
        }
        return UNKNOWN;
    }

    /**
     * Nothing is known of the type; {@code sym} when the value is a polynomial of free variables
     * ({@code n + 1} with {@code n} free, which may be an Int or a Float64); {@code error} when it is
     * the value of an expression already reported.
     */
    record Unknown(Sym sym, boolean error) implements Type {
        public String describe() {
            return "a value";
        }
    }

    /** An Int64, {@code value} when constant, {@code poly} when a polynomial of free variables. */
    record IntT(Long value, Sym poly) implements Type {
        public IntT(Long value) {
            this(value, null);
        }

        /** An Int64 whose value is {@code s} (null: nothing known). */
        static IntT of(Sym s) {
            return s == null ? new IntT(null) : s.isConstant() ? new IntT(s.constantValue()) : new IntT(null, s);
        }

        /** The value as a polynomial, or null. */
        Sym asSym() {
            return value != null ? Sym.constant(value) : poly;
        }

        public String describe() {
            return value == null ? "an Int64" : "Int64 " + value;
        }
    }

    /**
     * A float, {@code value} when constant: a Float64 or a Float32 ({@code type}), or either when
     * {@code type} is null (an element of a tensor, whose buffer's element type the checks do not
     * follow).
     */
    record FloatT(Double value, NumType type) implements Type {
        public FloatT {
            if (type != null && type.isInteger()) {
                throw new IllegalArgumentException("a float of type " + type);
            }
        }

        /** A Float64. */
        static FloatT f64(Double value) {
            return new FloatT(value, NumType.FLOAT64);
        }

        /** A float of {@code type} (null: of either precision), no value known. */
        static FloatT of(NumType type) {
            return new FloatT(null, type);
        }

        public String describe() {
            String name = type == null ? "float" : type.julia();
            return value == null ? (type == null ? "a float" : "a " + name) : name + " " + (type == NumType.FLOAT32
                    ? io.github.bufdsl.exec.ValueFormat.showFloat32((float) (double) value) : show(value));
        }

        static String show(double d) {
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return (long) d + ".0";
            }
            return Double.toString(d);
        }
    }

    /**
     * The number types a value of type {@code t} may have: one for an Int, a Bool or a float of known
     * precision, both floats for a float of unknown precision; empty when {@code t} is no number type.
     */
    static java.util.Set<NumType> numTypes(Type t) {
        if (t instanceof IntT) {
            return java.util.EnumSet.of(NumType.INT64);
        }
        if (t instanceof BoolT) {
            return java.util.EnumSet.of(NumType.BOOL);
        }
        if (t instanceof FloatT f) {
            return f.type() != null ? java.util.EnumSet.of(f.type()) : java.util.EnumSet.of(NumType.FLOAT32,
                    NumType.FLOAT64);
        }
        return java.util.EnumSet.noneOf(NumType.class);
    }

    /**
     * The number type {@code rule} (one of {@link NumType}'s, the interpreter's) gives for every
     * choice of the operands' possible types, when all choices agree; else null.
     */
    static NumType combine(Type a, Type b, java.util.function.BinaryOperator<NumType> rule) {
        NumType out = null;
        for (NumType x : numTypes(a)) {
            for (NumType y : numTypes(b)) {
                NumType r = rule.apply(x, y);
                if (out != null && out != r) {
                    return null;
                }
                out = r;
            }
        }
        return out;
    }

    /** A Bool, {@code value} when constant. */
    record BoolT(Boolean value) implements Type {
        public String describe() {
            return value == null ? "a Bool" : "Bool " + value;
        }
    }

    /** A String, {@code value} when constant. */
    record StrT(String value) implements Type {
        public String describe() {
            return value == null ? "a String" : "String \"" + (value.length() > 20 ? value.substring(0, 20) + "..."
                    : value) + "\"";
        }
    }

    record NothingT() implements Type {
        public String describe() {
            return "nothing";
        }
    }

    /**
     * A buffer of {@code elementBytes} bytes per element (8 for Float64, 4 for Float32); {@code own}
     * when the script made it (its memory comes from the run's budget, --max-memory); {@code shared}
     * names it inside a Threads.@threads loop made after it, whose iterations may not change its stack
     * (exec/ThreadRules), else null.
     */
    record BufferT(int elementBytes, boolean own, String shared) implements Type {
        public BufferT(int elementBytes, boolean own) {
            this(elementBytes, own, null);
        }

        public String describe() {
            return "a buffer";
        }

        // written out for start-up, as Pos's
        @Override
        public boolean equals(Object o) {
            return o instanceof BufferT b && b.elementBytes == elementBytes && b.own == own
                    && Objects.equals(b.shared, shared);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * elementBytes + (own ? 1 : 0)) + Objects.hashCode(shared);
        }
    }

    record ThreadsBufferT() implements Type {
        public String describe() {
            return "a ThreadsBuffer";
        }
    }

    /**
     * The buffer a tensor's memory belongs to, where the checks know it: a Buffer the script made (a
     * ThreadsBuffer's are not followed), named {@code buffer} as the variable given to alloc! was;
     * {@code shared} when that buffer was made before the Threads.@threads loop being checked.
     */
    record Home(String buffer, boolean shared) {
        // written out for start-up, as Pos's
        @Override
        public boolean equals(Object o) {
            return o instanceof Home h && h.shared == shared && Objects.equals(h.buffer, buffer);
        }

        @Override
        public int hashCode() {
            return 31 * Objects.hashCode(buffer) + (shared ? 1 : 0);
        }
    }

    /**
     * A tensor; {@code dims} is null when its rank is unknown; {@code home} is its buffer where known
     * (a view's is its parent's), else null.
     */
    record TensorT(List<Dim> dims, Home home) implements Type {
        public TensorT(List<Dim> dims) {
            this(dims, null);
        }

        public String describe() {
            if (dims == null) {
                return "a tensor";
            }
            return dims.stream().allMatch(d -> d.poly() != null)
                    ? "a tensor of size " + shape() : "a tensor of " + dims.size() + " dimension"
                            + (dims.size() == 1 ? "" : "s");
        }

        /** "2×3", "n×n", "2×?". */
        public String shape() {
            if (dims.isEmpty()) {
                return "()";
            }
            StringBuilder sb = new StringBuilder();
            for (Dim d : dims) {
                sb.append(sb.isEmpty() ? "" : "×").append(d.poly() != null && d.poly().compound() ? "(" + d + ")" : d);
            }
            return sb.toString();
        }

        public boolean allKnown() {
            return dims != null && dims.stream().allMatch(d -> d.value() != null);
        }

        // written out for start-up, as Pos's
        @Override
        public boolean equals(Object o) {
            return o instanceof TensorT t && Objects.equals(t.dims, dims) && Objects.equals(t.home, home);
        }

        @Override
        public int hashCode() {
            return 31 * Objects.hashCode(dims) + Objects.hashCode(home);
        }
    }

    /** A tuple; {@code items} is null when its length is unknown. */
    record TupleT(List<Type> items) implements Type {
        public String describe() {
            return items == null ? "a tuple" : "a tuple of " + items.size() + " item" + (items.size() == 1 ? "" : "s");
        }
    }

    /**
     * A range {@code start:step:stop}; the bounds when constant, and as polynomials of free
     * variables when they are ({@code startSym}, {@code stopSym}; null when unknown).
     */
    record RangeT(Long start, Long step, Long stop, Sym startSym, Sym stopSym) implements Type {
        public RangeT(Long start, Long step, Long stop) {
            this(start, step, stop, start == null ? null : Sym.constant(start), stop == null ? null : Sym.constant(stop));
        }

        public String describe() {
            return "a range";
        }

        /** True when the bounds are constant and the range holds no value. */
        public boolean knownEmpty() {
            if (start == null || step == null || stop == null || step == 0) {
                return false;
            }
            return step > 0 ? start > stop : start < stop;
        }
    }

    /** {@code Ref(x)}: what it holds is not followed (several names may share one). */
    record RefT() implements Type {
        public String describe() {
            return "a Ref";
        }
    }

    /** The element types {@code Float64} and {@code Float32} as values. */
    record TypeT(String name) implements Type {
        public String describe() {
            return "the type " + name;
        }
    }

    /** A user function's name. */
    record FunctionT(String name) implements Type {
        public String describe() {
            return "the function " + name;
        }
    }

    /** One dimension of a tensor: a number, a polynomial of free variables ({@code n + 1}), or unknown (null). */
    record Dim(Sym poly) {
        public static final Dim UNKNOWN = new Dim(null);

        public static Dim of(long v) {
            return new Dim(Sym.constant(v));
        }

        /** The number, when constant. */
        public Long value() {
            return poly == null ? null : poly.constantValue();
        }

        /** The formula, when it depends on free variables. */
        public String symbol() {
            return poly == null || poly.isConstant() ? null : poly.toString();
        }

        // written out for start-up, as Pos's
        @Override
        public boolean equals(Object o) {
            return o instanceof Dim d && java.util.Objects.equals(d.poly, poly);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hashCode(poly);
        }

        @Override
        public String toString() {
            return poly != null ? poly.toString() : "?";
        }

        Dim join(Dim o) {
            return equals(o) ? this : UNKNOWN;
        }
    }

    /**
     * What two paths give, joined where they meet: the same kind keeps what both agree on (a
     * constant both have, a dimension both have), different kinds are {@link Unknown}. A null side
     * (the variable is not assigned on that path) gives the other.
     */
    static Type join(Type a, Type b) {
        if (a == null) {
            return b;
        }
        if (b == null || a.equals(b)) {
            return a;
        }
        if (a instanceof IntT && b instanceof IntT) {
            return new IntT(null);
        }
        if (a instanceof FloatT x && b instanceof FloatT y) {
            return new FloatT(null, same(x.type(), y.type()));
        }
        if (a instanceof BoolT && b instanceof BoolT) {
            return new BoolT(null);
        }
        if (a instanceof StrT && b instanceof StrT) {
            return new StrT(null);
        }
        if (a instanceof RangeT x && b instanceof RangeT y) {
            return new RangeT(same(x.start(), y.start()), same(x.step(), y.step()), same(x.stop(), y.stop()),
                    same(x.startSym(), y.startSym()), same(x.stopSym(), y.stopSym()));
        }
        if (a instanceof BufferT x && b instanceof BufferT y) {
            // the element size matters only for memory limits, where the smaller is the safe one
            return new BufferT(Math.min(x.elementBytes(), y.elementBytes()), x.own() && y.own(),
                    same(x.shared(), y.shared()));
        }
        if (a instanceof TensorT x && b instanceof TensorT y) {
            Home home = same(x.home(), y.home());
            if (x.dims() == null || y.dims() == null || x.dims().size() != y.dims().size()) {
                return new TensorT(null, home);
            }
            List<Dim> dims = new ArrayList<>();
            for (int i = 0; i < x.dims().size(); i++) {
                dims.add(x.dims().get(i).join(y.dims().get(i)));
            }
            return new TensorT(List.copyOf(dims), home);
        }
        if (a instanceof TupleT x && b instanceof TupleT y) {
            if (x.items() == null || y.items() == null || x.items().size() != y.items().size()) {
                return new TupleT(null);
            }
            List<Type> items = new ArrayList<>();
            for (int i = 0; i < x.items().size(); i++) {
                items.add(join(x.items().get(i), y.items().get(i)));
            }
            return new TupleT(List.copyOf(items));
        }
        return UNKNOWN;
    }

    private static <T> T same(T a, T b) {
        return Objects.equals(a, b) ? a : null;
    }

    /** The type without its constants (what a loop keeps of a variable it reassigns). */
    static Type widen(Type t) {
        if (t instanceof IntT) {
            return new IntT(null);
        }
        if (t instanceof FloatT f) {
            return new FloatT(null, f.type());
        }
        if (t instanceof BoolT) {
            return new BoolT(null);
        }
        if (t instanceof StrT) {
            return new StrT(null);
        }
        if (t instanceof RangeT) {
            return new RangeT(null, null, null);
        }
        if (t instanceof TensorT x && x.dims() != null) {
            return new TensorT(x.dims().stream().map(d -> d.symbol() != null ? d : Dim.UNKNOWN).toList(), x.home());
        }
        if (t instanceof TupleT x && x.items() != null) {
            return new TupleT(x.items().stream().map(Type::widen).toList());
        }
        return t;
    }
}
