package io.github.bufdsl.types;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.ExprPrinter;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.exec.ThreadRules;
import io.github.bufdsl.resolve.Resolution;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.BufferRules;
import io.github.bufdsl.types.Type.Dim;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Calls: builtins' arguments as the registry types them, their results ({@link BuiltinTypes}),
 * sizes against the largest buffer and --max-memory; user functions through {@link #returnType}.
 */
abstract class CallTypes extends IndexTypes {
    CallTypes(Resolution resolution, TypeChecker.Options options) {
        super(resolution, options);
    }

    // ------------------------------------------------------------------ calls

    Type call(Expr.Call c) {
        String name = c.calleeName();
        List<Type> types = new ArrayList<>();
        for (Expr a : c.args()) {
            types.add(expr(a));
        }
        Map<String, Type> kw = new HashMap<>();
        for (Expr.KwArg k : c.kwargs()) {
            kw.put(k.name(), expr(k.value()));
        }
        if (name != null && resolution.functions().containsKey(name)) {
            called.add(name);
            io.github.bufdsl.ast.Stmt.Function f = resolution.functions().get(name);
            Type result = returnType(f, types);
            // what the function does to a buffer made before a Threads.@threads loop: one holding the
            // call, or one in the function given the buffer
            Set<String> said = new HashSet<>();
            for (SharedChange ch : sharedChanges(f, types)) {
                SharedChange here = inCaller(ch, f, c.args());
                if (here == null || !said.add(here.buffer())) {
                    continue;
                }
                if (following != null) {
                    following.add(here); // the call of the function this call is in reports it
                } else {
                    error(c.pos(), ThreadRules.sharedStack(here.buffer() + " (" + ch.what() + ", line "
                            + ch.pos().line() + ")", callText(c) + (ch.loop() == null ? "" : " runs a Threads.@threads"
                            + " loop (line " + ch.loop().line() + ") whose iterations") + " would change the stack of "));
                }
            }
            return homesInCaller(result, f, c.args());
        }
        if (name == null) {
            return Type.UNKNOWN;
        }
        io.github.bufdsl.builtins.Signature sig = BuiltinTypes.signature(name);
        if (sig == null) {
            return Type.UNKNOWN;
        }
        if (!types.isEmpty() && types.get(0) instanceof Type.BufferT b && b.shared() != null
                && ThreadRules.changesStack(name)) {
            sharedStack(c.pos(), callText(c), b.shared(), null);
        }
        boolean sized = name.equals("alloc!") || name.equals("reshape_buf!");
        List<Dim> dims = new ArrayList<>();
        boolean wrong = false;
        for (int i = 0; i < types.size(); i++) {
            Expr a = c.args().get(i);
            Type t = types.get(i);
            int number = i + 1;
            String what = freeName(a) == null ? null // only a free variable's use is recorded
                    : sized && i > 0 ? "dimension " + i + " of " + name : "argument " + number + " of " + name;
            Kind kind = BuiltinTypes.param(sig, i);
            wrong |= t instanceof Type.Unknown u && u.error();
            wrong |= !demand(a, t, kind, what, c.pos(), x -> callText(c) + ": " + (sized && number > 1
                    ? "dimension " + (number - 1) + " must be an integer, not " + x
                    : "argument " + number + " must be " + kind.words() + ", not " + x));
            dims.add(new Dim(symOf(t)));
        }
        for (Expr.KwArg k : c.kwargs()) {
            Kind kind = BuiltinTypes.keyword(sig, k.name());
            if (kind != Kind.ANY) {
                wrong |= !demand(k.value(), kw.get(k.name()), kind, k.name() + " of " + name, k.pos(),
                        x -> callText(c) + ": " + k.name() + " must be " + kind.words() + ", not " + x);
            }
        }
        if (name.equals("@sprintf") && !wrong) {
            wrong = !formatted(c, types);
        }
        BuiltinTypes.Args args = new BuiltinTypes.Args(types, dims);
        if (wrong) {
            return Type.ERROR; // its error is said: nothing follows from its value
        }
        if (sized) {
            sizeLimit(c, args);
        }
        if (name.equals("Buffer") && !types.isEmpty()) {
            lengthLimit(c.pos(), types.get(0), () -> callText(c));
            boolean float32 = c.callee() instanceof Expr.Parametric p && p.params().size() == 1
                    && p.params().get(0) instanceof Expr.Name t && t.name().equals("Float32");
            memoryLimit(c.pos(), args.constant(0), float32 ? 4 : 8, () -> callText(c) + ": the buffer");
        }
        if (name.equals("ThreadsBuffer") && !types.isEmpty()) {
            lengthLimit(c.pos(), types.get(0), () -> callText(c));
            Long n = args.constant(1);
            if (n != null && (n < 1 || n > 1024)) {
                error(c.pos(), callText(c) + ": a ThreadsBuffer has 1 to 1024 buffers, not " + n);
            }
        }
        if (name.equals("size") && types.size() == 2) {
            Long k = args.constant(1);
            if (k != null && k < 1) {
                error(c.pos(), callText(c) + ": dimension " + k + " does not exist; dimensions count from 1");
            }
        }
        Type result = BuiltinTypes.result(sig, args);
        if (name.equals("Buffer") && c.callee() instanceof Expr.Parametric p && p.params().size() == 1
                && p.params().get(0) instanceof Expr.Name t && t.name().equals("Float32")) {
            result = new Type.BufferT(4, true);
        }
        if (sized && result instanceof Type.TensorT t && types.get(0) instanceof Type.BufferT b) {
            String home = b.shared() != null ? b.shared() : c.args().get(0) instanceof Expr.Name n ? n.name() : null;
            result = home == null ? t : new Type.TensorT(t.dims(), new Type.Home(home, b.shared() != null));
        }
        return result;
    }

    /**
     * A change a call of {@code f} makes, as the caller sees it: a change in a loop of {@code f} to a
     * buffer a parameter names is to the argument's buffer (named as the caller names it); one to a
     * buffer {@code f} makes itself is left to {@code f}'s own check (null); a change in a loop holding
     * the call is in this function's loop, if one holds it here.
     */
    SharedChange inCaller(SharedChange ch, io.github.bufdsl.ast.Stmt.Function f, List<Expr> args) {
        if (ch.loop() == null) {
            return new SharedChange(ch.buffer(), ch.what(), ch.pos(), threadedAt);
        }
        int i = f.params().stream().map(io.github.bufdsl.ast.Stmt.Param::name).toList().indexOf(ch.buffer());
        if (i >= 0) {
            return new SharedChange(i < args.size() && args.get(i) instanceof Expr.Name n ? n.name() : ch.buffer(),
                    ch.what(), ch.pos(), ch.loop());
        }
        Set<String> own = new HashSet<>();
        io.github.bufdsl.ast.AssignedNames.collect(f.body(), true, own::add);
        return own.contains(ch.buffer()) ? null : ch;
    }

    /** The changes a call of {@code f} with arguments of these types makes to shared buffers' stacks. */
    abstract List<SharedChange> sharedChanges(io.github.bufdsl.ast.Stmt.Function f, List<Type> args);

    /**
     * What a function returns, as its caller sees it: a tensor in the buffer a parameter names is in
     * the buffer of the argument (named as the caller names it), or of an unknown one.
     */
    static Type homesInCaller(Type t, io.github.bufdsl.ast.Stmt.Function f, List<Expr> args) {
        if (t instanceof Type.TupleT tuple && tuple.items() != null) {
            return new Type.TupleT(tuple.items().stream().map(x -> homesInCaller(x, f, args)).toList());
        }
        if (!(t instanceof Type.TensorT x) || x.home() == null || x.home().shared()) {
            return t;
        }
        for (int i = 0; i < f.params().size(); i++) {
            if (f.params().get(i).name().equals(x.home().buffer())) {
                return new Type.TensorT(x.dims(), i < args.size() && args.get(i) instanceof Expr.Name n
                        ? new Type.Home(n.name(), false) : null);
            }
        }
        return t;
    }

    /** A buffer's length, when constant: not negative, not past the largest buffer. */
    void lengthLimit(Pos pos, Type len, java.util.function.Supplier<String> where) {
        if (len instanceof Type.IntT n && n.value() != null) {
            if (n.value() < 0) {
                error(pos, BufferRules.length(where.get(), n.value()).message()); // the runtime's rule and words
            } else if (n.value() > Buffer.MAX_LENGTH) {
                error(pos, where.get() + ": length " + n.value() + " is larger than the largest buffer (" + Buffer.MAX_LENGTH
                        + " elements)");
            }
        }
    }

    /** The dimensions of alloc! and reshape_buf!, where constant: not negative, not past the largest buffer. */
    void sizeLimit(Expr.Call c, BuiltinTypes.Args args) {
        long length = 1;
        boolean allKnown = true;
        boolean overflow = false;
        boolean zero = false;
        for (int i = 1; i < args.types().size(); i++) {
            Long d = args.constant(i);
            if (d == null) {
                allKnown = false;
                continue;
            }
            if (d < 0) {
                error(c.pos(), callText(c) + ": " + BufferRules.dimension(d, i).message()); // the runtime's rule and words
                return;
            }
            if (d > Buffer.MAX_LENGTH) {
                error(c.pos(), callText(c) + ": dimension " + d + " is larger than the largest buffer (" + Buffer.MAX_LENGTH
                        + " elements)");
                return;
            }
            zero |= d == 0;
            if (d != 0 && length > Long.MAX_VALUE / d) {
                overflow = true;
            } else {
                length *= d;
            }
        }
        if (!allKnown || zero) {
            return;
        }
        if (overflow) {
            error(c.pos(), callText(c) + ": the dimensions multiply to more than 64 bits hold");
        } else if (length > Buffer.MAX_LENGTH) {
            error(c.pos(), callText(c) + ": a tensor of " + length + " elements is larger than the largest buffer ("
                    + Buffer.MAX_LENGTH + " elements)");
        } else if (c.calleeName().equals("alloc!")) {
            Type b = args.get(0);
            if (b instanceof Type.BufferT bt && bt.own()) {
                long n = length;
                memoryLimit(c.pos(), n, bt.elementBytes(), () -> callText(c) + ": a tensor of " + n + " elements");
            } else if (b instanceof Type.ThreadsBufferT) {
                long n = length;
                memoryLimit(c.pos(), n, 8, () -> callText(c) + ": a tensor of " + n + " elements");
            }
        }
    }

    /**
     * In a run, a buffer or tensor of a constant size whose bytes alone are more than all buffers may
     * take ({@code --max-memory}) cannot be made.
     */
    void memoryLimit(Pos pos, Long elements, int bytesPerElement, java.util.function.Supplier<String> what) {
        long max = options.maxMemoryBytes();
        if (max <= 0 || elements == null || elements < 0 || elements > Buffer.MAX_LENGTH) {
            return;
        }
        long bytes = elements * bytesPerElement;
        if (bytes > max) {
            error(pos, what.get() + " needs " + io.github.bufdsl.runtime.MemoryBudget.format(bytes)
                    + ", but buffers may take " + io.github.bufdsl.runtime.MemoryBudget.format(max)
                    + " in all (raise --max-memory, or the JVM's heap with -Xmx, if the machine has the memory)");
        }
    }

    static String callText(Expr.Call e) {
        String text = ExprPrinter.print(e);
        return text.length() > 60 ? e.calleeName() + "(...)" : text;
    }

    /**
     * The values of {@code @sprintf} (and {@code @printf}) against what their format's conversions
     * need (a number for {@code %d} or {@code %f}, an integer for a {@code *} width): false when one
     * cannot be.
     */
    private boolean formatted(Expr.Call c, List<Type> types) {
        if (!(c.args().get(0) instanceof Expr.StrLit f)) {
            return true;
        }
        List<String[]> demands = io.github.bufdsl.builtins.PrintfFormat.parse(f.value()).demands();
        boolean ok = true;
        for (int i = 1; i < types.size() && i - 1 < demands.size(); i++) {
            String[] d = demands.get(i - 1);
            if (d != null) {
                Kind kind = d[0].equals("integer") ? Kind.INT : Kind.NUMBER;
                ok &= demand(c.args().get(i), types.get(i), kind, null, c.pos(),
                        x -> d[1] + " needs " + kind.words() + ", not " + x);
            }
        }
        return ok;
    }
}
