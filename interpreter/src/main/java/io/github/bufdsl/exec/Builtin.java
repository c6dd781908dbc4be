package io.github.bufdsl.exec;

import static io.github.bufdsl.builtins.ArgType.*;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.ElementType;
import io.github.bufdsl.runtime.Tensor;
import io.github.bufdsl.runtime.ThreadsBuffer;
import io.github.bufdsl.builtins.ArgType;
import io.github.bufdsl.builtins.Role;
import io.github.bufdsl.builtins.Signature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The builtin functions, one entry each in one table ({@link #TABLE}): signature (argument counts
 * and types, keywords, result; the resolver and the type checker read it), role in sizing (the
 * analyzer reads it) and implementation (the interpreter runs it, and the analyzer runs a pure one
 * on concrete arguments). Read from outside this package through {@link Builtins}.
 */
final class Builtin {
    private Builtin() {
    }

    /** One call of a builtin: the thread's context, the call site, its evaluated arguments. */
    record Call(Ctx ctx, Compiler.CallSite site, List<Value> args, Map<String, Value> kwargs, List<Value> typeParams) {
        Expr.Call node() {
            return site.node();
        }

        Value arg(int i) {
            return args.get(i);
        }

        Buffer buffer(int i) {
            if (args.get(i) instanceof Value.BufferValue b) {
                return b.buffer();
            }
            if (args.get(i) instanceof Value.ThreadsBufferValue t) {
                return t.pool().acquire();
            }
            throw new ScriptError("argument " + (i + 1) + " must be a buffer, not " + Arith.describe(args.get(i)));
        }

        /** The buffer argument {@code i}, whose stack the call changes (see {@link Ctx#ownStack}). */
        Buffer stack(int i) {
            Buffer b = buffer(i);
            return args.get(i) instanceof Value.BufferValue ? ctx.ownStack(b) : b;
        }

        ThreadsBuffer threadsBuffer(int i) {
            if (args.get(i) instanceof Value.ThreadsBufferValue t) {
                return t.pool();
            }
            throw new ScriptError("argument " + (i + 1) + " must be a ThreadsBuffer, not " + Arith.describe(args.get(i)));
        }

        Tensor tensor(int i) {
            if (args.get(i) instanceof Value.TensorValue t) {
                return t.tensor();
            }
            throw new ScriptError("argument " + (i + 1) + " must be a tensor, not " + Arith.describe(args.get(i)));
        }

        Value.Ref ref(int i) {
            if (args.get(i) instanceof Value.Ref r) {
                return r;
            }
            throw new ScriptError("argument " + (i + 1) + " must be a Ref, not " + Arith.describe(args.get(i)));
        }

        long integer(int i) {
            Value v = args.get(i);
            if (v instanceof Value.Int n) {
                return n.value();
            }
            throw new ScriptError("argument " + (i + 1) + " must be an integer, not " + Arith.describe(v));
        }

        double number(int i) {
            Value v = args.get(i);
            if (Arith.isNumber(v)) {
                return Arith.asDouble(v);
            }
            throw new ScriptError("argument " + (i + 1) + " must be a number, not " + Arith.describe(v));
        }

        double kwNumber(String name) {
            Value v = kwargs.get(name);
            if (Arith.isNumber(v)) {
                return Arith.asDouble(v);
            }
            throw new ScriptError(name + " must be a number, not " + Arith.describe(v));
        }

        long kwInteger(String name) {
            if (kwargs.get(name) instanceof Value.Int n) {
                return n.value();
            }
            throw new ScriptError(name + " must be an integer, not " + Arith.describe(kwargs.get(name)));
        }

        boolean bool(Value v, String what) {
            if (v instanceof Value.Bool b) {
                return b.value();
            }
            throw new ScriptError(what + " must be true or false, not " + Arith.describe(v));
        }
    }

    interface Impl {
        Value call(Call c);
    }

    /** One builtin: what it accepts, what it means to sizing, and what it does. */
    record Entry(Signature signature, Role role, Impl impl) {
    }

    static Value constant(String name) {
        return switch (name) {
            case "nothing" -> Value.Nothing.NOTHING;
            case "pi" -> new Value.Float(Math.PI);
            case "Inf" -> new Value.Float(Double.POSITIVE_INFINITY);
            case "NaN" -> new Value.Float(Double.NaN);
            case "Inf32" -> new Value.Float32(Float.POSITIVE_INFINITY);
            case "NaN32" -> new Value.Float32(Float.NaN);
            case "Float64", "Float32" -> new Value.Type(name);
            default -> null;
        };
    }

    private static final Value NOTHING_VALUE = Value.Nothing.NOTHING;

    /** The registry: every builtin, in one table (read through {@link Builtins}). */
    static final Map<String, Entry> TABLE = table();

    static void def(Map<String, Entry> m, Signature.Builder sig, ArgType returns, Role role, Impl impl) {
        Signature s = sig.returns(returns);
        if (m.put(s.name(), new Entry(s, role, impl)) != null) {
            throw new IllegalStateException("builtin " + s.name() + " defined twice");
        }
    }

    static Signature.Builder sig(String name, String usage) {
        return Signature.of(name, usage);
    }

    private static Map<String, Entry> table() {
        Map<String, Entry> m = new LinkedHashMap<>();
        // buffers
        def(m, sig("Buffer", "Buffer(len; extend=true)").arg("len", INT).kw("extend", BOOL), BUFFER,
                new Role.MakesBuffer(false), Builtin::buffer);
        def(m, sig("alloc!", "alloc!(buf, dims...)").arg("buf", SOME_BUFFER).rest("dims", INT), TENSOR,
                Role.ALLOC, Builtin::alloc);
        def(m, sig("drop!", "drop!(buf, tensors...)").arg("buf", SOME_BUFFER).arg("tensor", TENSOR)
                .rest("tensors", TENSOR), NOTHING, Role.DROP, c -> {
                    if (c.args().size() == 2) {
                        c.stack(0).drop(site(c), c.tensor(1));
                        return NOTHING_VALUE;
                    }
                    Tensor[] ts = new Tensor[c.args().size() - 1];
                    for (int i = 1; i < c.args().size(); i++) {
                        ts[i - 1] = c.tensor(i);
                    }
                    c.stack(0).drop(site(c), ts);
                    return NOTHING_VALUE;
                });
        def(m, sig("reset!", "reset!(buf)").arg("buf", SOME_BUFFER), NOTHING, Role.RESET, c -> {
            if (c.arg(0) instanceof Value.ThreadsBufferValue pool) {
                pool.pool().reset(site(c));
            } else {
                c.stack(0).reset(site(c));
            }
            return NOTHING_VALUE;
        });
        def(m, sig("save", "save(\"file.npy\", A)").arg("file", STRING).arg("A", TENSOR), NOTHING,
                Role.READS_TENSORS, c -> {
                    if (!(c.arg(0) instanceof Value.Str path)) {
                        throw new ScriptError("argument 1 must be a file name, as save(\"out/E.npy\", E)");
                    }
                    Tensor tensor = c.tensor(1);
                    tensor.checkLive();
                    io.github.bufdsl.runtime.Npy.save(c.ctx().file(path.value(), true), tensor);
                    return NOTHING_VALUE;
                });
        def(m, sig("load", "load(buf, \"file.npy\")").arg("buf", SOME_BUFFER).arg("file", STRING), TENSOR,
                new Role.Unsupported("usage cannot know the size of a tensor loaded from a file before running;"
                        + " allocate it with alloc! and the sizes the file has to size the buffer"), c -> {
                    if (!(c.arg(1) instanceof Value.Str path)) {
                        throw new ScriptError("argument 2 must be a file name, as load(buf, \"in/X.npy\")");
                    }
                    return new Value.TensorValue(io.github.bufdsl.runtime.Npy.load(c.stack(0),
                            c.ctx().file(path.value(), false), c.ctx().nameHint(), false));
                });
        def(m, sig("reshape_buf!", "reshape_buf!(buf, dims...; offset=0)").arg("buf", SOME_BUFFER).rest("dims", INT)
                .kw("offset", INT), TENSOR, Role.RESHAPE, c -> {
                    long offset = 0;
                    if (c.kwargs().containsKey("offset")) {
                        if (!(c.kwargs().get("offset") instanceof Value.Int o)) {
                            throw new ScriptError("offset must be an integer, not "
                                    + Arith.describe(c.kwargs().get("offset")));
                        }
                        offset = o.value();
                    }
                    return new Value.TensorValue(c.stack(0).reshape(site(c), c.ctx().nameHint(), offset, dims(c)));
                });
        def(m, sig("used", "used(buf)").arg("buf", SOME_BUFFER), INT, Role.READS_BUFFER,
                c -> new Value.Int(c.buffer(0).used()));
        def(m, sig("ThreadsBuffer", "ThreadsBuffer(len[, n])").arg("len", INT).opt("n", INT), THREADS_BUFFER,
                new Role.MakesBuffer(true), Builtin::threadsBuffer);
        def(m, sig("nbuffers", "nbuffers(tbuf)").arg("tbuf", THREADS_BUFFER), INT, Role.READS_BUFFER,
                c -> new Value.Int(c.threadsBuffer(0).nbuffers()));
        def(m, sig("release!", "release!(tbuf)").arg("tbuf", THREADS_BUFFER), NOTHING, Role.RESET, c -> {
            c.threadsBuffer(0).reset(site(c));
            return NOTHING_VALUE;
        });
        def(m, sig("isextendable", "isextendable(buf)").arg("buf", SOME_BUFFER), BOOL, Role.READS_BUFFER,
                c -> Value.Bool.of(c.buffer(0).isExtendable()));
        def(m, sig("set_extendable!", "set_extendable!(buf, flag)").arg("buf", SOME_BUFFER).arg("flag", BOOL),
                NOTHING, Role.SETS_FLAG, c -> {
                    c.buffer(0).setExtendable(c.bool(c.arg(1), "the flag"));
                    return NOTHING_VALUE;
                });
        // tensors
        def(m, sig("length", "length(x)").arg("x", ANY), INT, Role.READS_BUFFER, Builtin::length);
        def(m, sig("size", "size(A) or size(A, k)").arg("A", TENSOR).opt("k", INT), ANY, Role.READS_TENSORS,
                Builtin::size);
        def(m, sig("ndims", "ndims(A)").arg("A", TENSOR), INT, Role.READS_TENSORS,
                c -> new Value.Int(c.tensor(0).rank()));
        def(m, sig("neuralyze", "neuralyze(A)").arg("A", TENSOR), TENSOR, Role.ALIASES, c -> {
            Tensor n = c.tensor(0).neuralyze();
            String hint = c.ctx().nameHint();
            return new Value.TensorValue(hint == null ? n : n.withName(hint));
        });
        def(m, sig("rand!", "rand!(A)").arg("A", TENSOR), TENSOR, Role.READS_TENSORS, c -> {
            c.tensor(0).fillRandom(c.ctx().random());
            return c.arg(0);
        });
        def(m, sig("fill!", "fill!(A, value)").arg("A", TENSOR).arg("value", NUMBER), TENSOR, Role.READS_TENSORS,
                c -> {
                    Tensor t = c.tensor(0);
                    c.number(1); // a number, or the error that says it must be
                    t.fill(TensorElements.stored(t, c.arg(1)));
                    return c.arg(0);
                });
        def(m, sig("sum", "sum(A or r)").arg("A", ANY), SAME_AS_ARGS, Role.READS_TENSORS, c -> reduce(c, "sum"));
        def(m, sig("maximum", "maximum(A or r)").arg("A", ANY), SAME_AS_ARGS, Role.READS_TENSORS,
                c -> reduce(c, "maximum"));
        def(m, sig("minimum", "minimum(A or r)").arg("A", ANY), SAME_AS_ARGS, Role.READS_TENSORS,
                c -> reduce(c, "minimum"));
        // output, strings, Refs
        def(m, sig("println", "println(values...)").rest("values", ANY), NOTHING, Role.EFFECT, c -> {
            c.ctx().out().println(concat(c.args()).toString());
            return NOTHING_VALUE;
        });
        def(m, sig("error", "error(values...)").rest("values", ANY), NOTHING, Role.EFFECT, c -> {
            // Julia's ErrorException: the values printed together are the message; the run stops here
            throw new ScriptError(c.node().pos(), concat(c.args()).toString());
        });
        def(m, sig("print", "print(values...)").rest("values", ANY), NOTHING, Role.EFFECT, c -> {
            c.ctx().out().print(concat(c.args()).toString());
            return NOTHING_VALUE;
        });
        def(m, sig("string", "string(values...)").rest("values", ANY), STRING, Role.EFFECT,
                c -> concat(c.args()).value());
        // Printf's @sprintf (and @printf, which prints what it gives): the parser checked the format
        def(m, sig("@sprintf", "@sprintf(\"format\", values...)").arg("format", STRING).rest("values", ANY), STRING,
                Role.EFFECT, Sprintf::call);
        def(m, sig("repeat", "repeat(s, n)").arg("s", STRING).arg("n", INT), STRING, Role.EFFECT, c -> {
            if (!(c.arg(0) instanceof Value.Str s)) {
                throw new ScriptError("argument 1 must be a string, not " + Arith.describe(c.arg(0)));
            }
            return Arith.repeat(s.value(), c.integer(1));
        });
        def(m, sig("Ref", "Ref(value)").arg("value", ANY), REF, Role.EFFECT, c -> new Value.Ref(c.arg(0)));
        def(m, sig("typeof", "typeof(x)").arg("x", ANY), TYPE, Role.EFFECT, Builtin::typeOf);
        // the sizing function's own
        def(m, sig("pseudo_alloc!", "pseudo_alloc!(len, peak, n)").arg("len", REF).arg("peak", REF).arg("n", INT),
                INT, Role.EFFECT, c -> {
                    Value.Ref len = c.ref(0);
                    Value.Ref peak = c.ref(1);
                    long n = c.integer(2);
                    long now = refInt(len) + n;
                    len.set(new Value.Int(now));
                    if (now > refInt(peak)) {
                        peak.set(new Value.Int(now));
                    }
                    return new Value.Int(n);
                });
        def(m, sig("pseudo_drop!", "pseudo_drop!(len, lens...)").arg("len", REF).rest("lens", INT), NOTHING,
                Role.EFFECT, c -> {
                    Value.Ref len = c.ref(0);
                    long now = refInt(len);
                    for (int i = 1; i < c.args().size(); i++) {
                        now -= c.integer(i);
                    }
                    len.set(new Value.Int(now));
                    return NOTHING_VALUE;
                });
        def(m, sig("pseudo_reset!", "pseudo_reset!(len)").arg("len", REF), NOTHING, Role.EFFECT, c -> {
            c.ref(0).set(new Value.Int(0));
            return NOTHING_VALUE;
        });
        def(m, sig("pseudo_reshape!", "pseudo_reshape!(len, peak, offset, n)").arg("len", REF).arg("peak", REF)
                .arg("offset", INT).arg("n", INT), INT, Role.EFFECT, c -> {
                    Value.Ref peak = c.ref(1);
                    long end = c.integer(2) + c.integer(3);
                    if (end > refInt(peak)) {
                        peak.set(new Value.Int(end));
                    }
                    return new Value.Int(c.integer(3));
                });
        NumericBuiltins.define(m);
        Ranges.define(m);
        LinearAlgebraBuiltins.define(m);
        return java.util.Collections.unmodifiableMap(m);
    }

    private static String site(Call c) {
        return c.site().site();
    }

    private static long refInt(Value.Ref r) {
        if (r.get() instanceof Value.Int i) {
            return i.value();
        }
        throw new ScriptError("the Ref must hold an integer, not " + Arith.describe(r.get()));
    }

    private static Value buffer(Call c) {
        ElementType type = ElementType.FLOAT64;
        if (!c.typeParams().isEmpty()) {
            Value p = c.typeParams().get(0);
            if (!(p instanceof Value.Type t) || c.typeParams().size() != 1) {
                throw new ScriptError("a buffer's element type is Float64 or Float32, as Buffer{Float32}(len)");
            }
            if (!t.name().equals("Float32") && !t.name().equals("Float64")) {
                throw new ScriptError("a buffer's element type is Float64 or Float32, not " + t.name());
            }
            type = t.name().equals("Float32") ? ElementType.FLOAT32 : ElementType.FLOAT64;
        }
        long len = c.integer(0);
        boolean extend = true;
        if (c.kwargs().containsKey("extend")) {
            extend = c.bool(c.kwargs().get("extend"), "extend");
        }
        String hint = c.ctx().nameHint();
        Buffer b = new Buffer(len, extend, c.ctx().memory(), hint == null ? "buffer" : hint, type,
                type == ElementType.FLOAT64 && c.ctx().offHeap());
        c.ctx().registerBuffer(b);
        return new Value.BufferValue(b);
    }

    private static Value threadsBuffer(Call c) {
        long len = c.integer(0);
        long n = c.args().size() > 1 ? c.integer(1) : c.ctx().threads();
        if (n < 1 || n > MAX_POOL) {
            throw new ScriptError("a ThreadsBuffer has 1 to " + MAX_POOL + " buffers, not " + n);
        }
        String hint = c.ctx().nameHint();
        ThreadsBuffer t = new ThreadsBuffer(len, (int) n, true, c.ctx().memory(), hint == null ? "tbuf" : hint,
                c.ctx().offHeap());
        c.ctx().registerThreadsBuffer(t);
        return new Value.ThreadsBufferValue(t);
    }

    /** Most buffers in one ThreadsBuffer. */
    private static final int MAX_POOL = ThreadsBuffer.MAX_BUFFERS;

    private static Value alloc(Call c) {
        Buffer b = c.stack(0);
        return new Value.TensorValue(b.alloc(c.ctx().nameHint(), dims(c)));
    }

    /** Arguments 2... as dimensions. */
    private static long[] dims(Call c) {
        long[] dims = new long[c.args().size() - 1];
        for (int i = 1; i < c.args().size(); i++) {
            Value v = c.arg(i);
            if (!(v instanceof Value.Int n)) {
                throw new ScriptError("dimension " + i + " must be an integer, not " + Arith.describe(v));
            }
            dims[i - 1] = n.value();
        }
        return dims;
    }

    private static Value length(Call c) {
        Value v = c.arg(0);
        if (v instanceof Value.BufferValue b) {
            return new Value.Int(b.buffer().length());
        }
        if (v instanceof Value.TensorValue t) {
            Tensor a = t.tensor();
            a.checkLive();
            return new Value.Int(Shapes.length(a.rank(), i -> (long) a.dim(i), 1L, Math::multiplyExact));
        }
        if (v instanceof Value.Tuple t) {
            return new Value.Int(t.items().size());
        }
        if (v instanceof Value.Str s) {
            return new Value.Int(s.value().codePointCount(0, s.value().length()));
        }
        if (v instanceof Value.Range r) {
            return new Value.Int(r.length());
        }
        throw new ScriptError("length of " + Arith.describe(v) + " is not defined");
    }

    private static Value size(Call c) {
        Tensor t = c.tensor(0);
        t.checkLive();
        if (c.args().size() == 2) {
            long k = c.integer(1);
            Integer d = Shapes.size(t.rank(), t::dim, k, 1);
            if (d == null) {
                throw new ScriptError("dimension " + k + " does not exist; dimensions count from 1");
            }
            return new Value.Int(d);
        }
        List<Value> dims = new ArrayList<>();
        for (int d : t.dims()) {
            dims.add(new Value.Int(d));
        }
        return new Value.Tuple(List.copyOf(dims));
    }

    private static Value reduce(Call c, String what) {
        if (c.arg(0) instanceof Value.Range r) { // sum(1:n): Julia's formula, as usage sizes it
            return Ranges.call(what, r);
        }
        if (c.arg(0) instanceof Value.Tuple tup) {
            Value r = null;
            for (Value v : tup.items()) {
                r = r == null ? v : what.equals("sum") ? Arith.binary(Expr.BinOp.ADD, r, v)
                        : NumericBuiltins.pick(r, v, what.equals("maximum") ? 1 : -1);
            }
            if (r == null) {
                throw new ScriptError(what + " of an empty tuple");
            }
            return r;
        }
        Tensor t = c.tensor(0);
        boolean single = t.buffer().elementType() == ElementType.FLOAT32;
        if (what.equals("sum") && !single) {
            return new Value.Float(t.sum());
        }
        double[] values = t.toArray();
        if (what.equals("sum")) { // in Float32, element after element, as Julia sums fewer than 16 elements
            float s = values.length == 0 ? 0 : -0.0f; // the sum of one element is that element, -0.0 too
            for (double v : values) {
                s += (float) v;
            }
            return new Value.Float32(s);
        }
        if (values.length == 0) {
            throw new ScriptError(what + " of an empty tensor");
        }
        double r = values[0];
        for (double v : values) {
            r = what.equals("maximum") ? Math.max(r, v) : Math.min(r, v);
        }
        return TensorElements.read(t, r);
    }


    /**
     * Julia's {@code typeof} of a number, a string or nothing (what prints the same here as there);
     * the types of tuples, ranges, tensors and buffers are named differently here, so refused.
     */
    private static Value typeOf(Call c) {
        Value v = c.arg(0);
        if (Arith.isNumber(v) || v instanceof Value.Str || v instanceof Value.Nothing || v instanceof Value.Type) {
            return new Value.Type(v instanceof Value.Type ? "DataType" : v.typeName());
        }
        throw new ScriptError("bufdsl does not support typeof of " + Arith.describe(v) + " (only of numbers, strings"
                + " and nothing, whose types are Julia's Int64, Float64, Float32, Bool, String and Nothing)");
    }

    /** The values as print prints them, one after the other, within the limits of {@link Text}. */
    static Text concat(List<Value> values) {
        Text t = new Text("the text");
        for (Value v : values) {
            ValueFormat.print(v, t);
        }
        return t;
    }
}
