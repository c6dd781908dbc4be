package io.github.bufdsl.exec;

import io.github.bufdsl.ast.AssignedNames;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.ExprPrinter;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.runtime.BufferException;
import io.github.bufdsl.runtime.BufferRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The half of {@link Compiler} that compiles expressions, and the scopes names are read from and
 * written to: a name becomes a slot of a frame, a builtin is looked up once per call site. The
 * statements are {@link Compiler}'s.
 */
abstract class ExprCompiler {    /** A compiled expression. */
    interface Eval {
        Value eval(Ctx c);
    }

    /** A compiled statement. */
    interface Code {
        void exec(Ctx c);
    }

    final Interpreter interp;
    Scope scope;

    ExprCompiler(Interpreter interp, Scope scope) {
        this.interp = interp;
        this.scope = scope;
    }

    // ------------------------------------------------------------------ scopes

    /**
     * Declares in {@code into} every name {@code body} assigns: targets, loop variables, scoped
     * buffers, {@code :=} outputs. Threaded loops and functions have scopes of their own and are
     * not entered.
     */
    static void declareAssigned(List<Stmt> body, Scope into) {
        AssignedNames.collect(body, false, into::declare);
    }

    /** Where a variable is read from: the innermost scope declaring it, then outward; the globals last. */
    Eval read(Expr.Name e) {
        List<int[]> places = new ArrayList<>();
        int depth = 0;
        for (Scope s = scope; s != null; s = s.parent, depth++) {
            int slot = s.isGlobal() ? s.declare(e.name()) : s.find(e.name());
            if (slot >= 0) {
                places.add(new int[] {depth, slot});
            }
        }
        String name = e.name();
        if (places.size() == 1 && places.get(0)[0] == 0) {
            int slot = places.get(0)[1];
            return c -> {
                Value v = c.frame.slots[slot];
                return v != null ? v : interp.undefined(e);
            };
        }
        int[] depths = places.stream().mapToInt(p -> p[0]).toArray();
        int[] slots = places.stream().mapToInt(p -> p[1]).toArray();
        return c -> {
            for (int i = 0; i < depths.length; i++) {
                Value v = c.frame.up(depths[i]).slots[slots[i]];
                if (v != null) {
                    return v;
                }
            }
            return interp.undefined(e);
        };
    }

    /** Writes a variable of the current scope (declared there beforehand, or global). */
    interface Store {
        void store(Ctx c, Value v);
    }

    Store write(String name) {
        Place p = place(name);
        int slot = p.slot();
        if (p.global()) {
            return (c, v) -> interp.globalFrame().slots[slot] = v;
        }
        int up = p.up();
        return up == 0 ? (c, v) -> c.frame.slots[slot] = v : (c, v) -> c.frame.up(up).slots[slot] = v;
    }

    /** Where an assignment here stores: a slot of the global frame, or of the frame {@code up} levels out. */
    private record Place(boolean global, int up, int slot) {
    }

    private Place place(String name) {
        int local = scope.find(name);
        if (local < 0 && !scope.isGlobal()) {
            int depth = 1;
            for (Scope s = scope.parent; s != null && !s.isGlobal(); s = s.parent, depth++) {
                int slot = s.find(name);
                if (slot >= 0) { // a variable of an enclosing local scope (a let inside a function)
                    return new Place(false, depth, slot);
                }
            }
            return new Place(true, 0, interp.globalSlot(name));
        }
        return new Place(false, 0, local >= 0 ? local : scope.declare(name));
    }

    /** What {@link #write} stores into, read without failing when it has no value (null then). */
    Eval stored(String name) {
        Place p = place(name);
        int slot = p.slot();
        int up = p.up();
        if (p.global()) {
            return c -> interp.globalFrame().slots[slot];
        }
        return up == 0 ? c -> c.frame.slots[slot] : c -> c.frame.up(up).slots[slot];
    }

    // ------------------------------------------------------------------ expressions

    Eval[] exprs(List<Expr> list) {
        Eval[] out = new Eval[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = expr(list.get(i));
        }
        return out;
    }

    Eval expr(Expr e) {
        if (e instanceof Expr.IntLit i) {
            Value v = new Value.Int(i.value());
            return c -> v;
        }
        if (e instanceof Expr.FloatLit f) {
            Value v = f.single() ? new Value.Float32((float) f.value()) : new Value.Float(f.value());
            return c -> v;
        }
        if (e instanceof Expr.StrLit s) {
            Value v = new Value.Str(s.value());
            return c -> v;
        }
        if (e instanceof Expr.BoolLit b) {
            Value v = Value.Bool.of(b.value());
            return c -> v;
        }
        if (e instanceof Expr.Name n) {
            return read(n);
        }
        if (e instanceof Expr.Call call) {
            return call(call);
        }
        if (e instanceof Expr.Binary b) {
            return binary(b);
        }
        if (e instanceof Expr.Logical l) {
            Eval left = expr(l.left());
            Eval right = expr(l.right());
            boolean and = l.isAnd();
            return c -> {
                boolean x = interp.condition(left.eval(c), l.left());
                if (and ? !x : x) {
                    return Value.Bool.of(x);
                }
                return Value.Bool.of(interp.condition(right.eval(c), l.right()));
            };
        }
        if (e instanceof Expr.Unary u) {
            Eval operand = expr(u.operand());
            return c -> Interpreter.unary(u, operand.eval(c));
        }
        if (e instanceof Expr.Index ix) {
            Eval target = expr(ix.target());
            Eval[] indices = exprs(ix.indices());
            return c -> Indexing.index(ix, target.eval(c), indices, c);
        }
        if (e instanceof Expr.Range r) {
            Eval start = expr(r.start());
            Eval step = r.step() == null ? null : expr(r.step());
            Eval stop = expr(r.stop());
            return c -> {
                long a = Interpreter.integer(start.eval(c), r.start().pos(), "a range bound");
                long d = step == null ? 1 : Interpreter.integer(step.eval(c), r.step().pos(), "a range step");
                long b = Interpreter.integer(stop.eval(c), r.stop().pos(), "a range bound");
                if (d == 0) {
                    throw new ScriptError(r.step().pos(), "a range step cannot be zero");
                }
                return new Value.Range(a, d, b);
            };
        }
        if (e instanceof Expr.Tuple t) {
            Eval[] items = exprs(t.items());
            return c -> {
                Value[] vs = new Value[items.length];
                for (int i = 0; i < vs.length; i++) {
                    vs[i] = items[i].eval(c);
                }
                return new Value.Tuple(List.of(vs));
            };
        }
        if (e instanceof Expr.Broadcast) {
            Broadcasts.Kernel kernel = Broadcasts.compile(this, interp, e);
            return c -> Broadcasts.value(kernel, c);
        }
        if (e instanceof Expr.Ternary t) {
            Eval cond = expr(t.condition());
            Eval yes = expr(t.ifTrue());
            Eval no = expr(t.ifFalse());
            return c -> interp.condition(cond.eval(c), t.condition()) ? yes.eval(c) : no.eval(c);
        }
        if (e instanceof Expr.Parametric p) {
            return c -> {
                throw new ScriptError(p.pos(), p.name() + "{...} must be called");
            };
        }
        if (e instanceof Expr.Colon) {
            return c -> {
                throw new ScriptError(e.pos(), "`:` is only allowed in an index");
            };
        }
        return c -> {
            throw new ScriptError(e.pos(), "fields are not supported");
        };
    }

    /**
     * A binary operator, specialised by operator at compile time: + - * / and the comparisons on
     * Int and Float64 operands are computed in place (Int + Int only while it does not overflow,
     * comparisons of two Float64s by IEEE rules, as Julia's); everything else (Float32 operands among
     * it), and every error, goes through {@link Arith#binary}, which has the full rules.
     */
    private Eval binary(Expr.Binary e) {
        Eval left = expr(e.left());
        Eval right = expr(e.right());
        Expr.BinOp op = e.op();
        Pos pos = e.pos();
        return switch (op) {
            case ADD -> c -> {
                Value l = left.eval(c);
                Value r = right.eval(c);
                if (l instanceof Value.Float a) {
                    if (r instanceof Value.Float b) {
                        return new Value.Float(a.value() + b.value());
                    }
                    if (r instanceof Value.Int b) {
                        return new Value.Float(a.value() + b.value());
                    }
                } else if (l instanceof Value.Int a) {
                    if (r instanceof Value.Int b) {
                        long x = a.value();
                        long y = b.value();
                        long z = x + y;
                        if (((x ^ z) & (y ^ z)) >= 0) {
                            return new Value.Int(z);
                        }
                    } else if (r instanceof Value.Float b) {
                        return new Value.Float(a.value() + b.value());
                    }
                }
                return slow(op, l, r, pos);
            };
            case SUB -> c -> {
                Value l = left.eval(c);
                Value r = right.eval(c);
                if (l instanceof Value.Float a) {
                    if (r instanceof Value.Float b) {
                        return new Value.Float(a.value() - b.value());
                    }
                    if (r instanceof Value.Int b) {
                        return new Value.Float(a.value() - b.value());
                    }
                } else if (l instanceof Value.Int a) {
                    if (r instanceof Value.Int b) {
                        long x = a.value();
                        long y = b.value();
                        long z = x - y;
                        if (((x ^ y) & (x ^ z)) >= 0) {
                            return new Value.Int(z);
                        }
                    } else if (r instanceof Value.Float b) {
                        return new Value.Float(a.value() - b.value());
                    }
                }
                return slow(op, l, r, pos);
            };
            case MUL -> c -> {
                Value l = left.eval(c);
                Value r = right.eval(c);
                if (l instanceof Value.Float a) {
                    if (r instanceof Value.Float b) {
                        return new Value.Float(a.value() * b.value());
                    }
                    if (r instanceof Value.Int b) {
                        return new Value.Float(a.value() * b.value());
                    }
                } else if (l instanceof Value.Int a && r instanceof Value.Float b) {
                    return new Value.Float(a.value() * b.value());
                }
                return slow(op, l, r, pos); // Int * Int checks for overflow there
            };
            case DIV -> c -> {
                Value l = left.eval(c);
                Value r = right.eval(c);
                if ((l instanceof Value.Float || l instanceof Value.Int)
                        && (r instanceof Value.Float || r instanceof Value.Int)) {
                    return new Value.Float(number(l) / number(r));
                }
                return slow(op, l, r, pos);
            };
            case LT, LE, GT, GE -> c -> {
                Value l = left.eval(c);
                Value r = right.eval(c);
                if (l instanceof Value.Int a && r instanceof Value.Int b) {
                    return Value.Bool.of(compare(op, Long.compare(a.value(), b.value())));
                }
                if (l instanceof Value.Float a) {
                    if (r instanceof Value.Float b) {
                        return Value.Bool.of(Arith.compareFloats(op, a.value(), b.value()));
                    }
                    if (r instanceof Value.Int b && Arith.exactDouble(b.value())) {
                        return Value.Bool.of(Arith.compareFloats(op, a.value(), b.value()));
                    }
                } else if (l instanceof Value.Int a && r instanceof Value.Float b && Arith.exactDouble(a.value())) {
                    return Value.Bool.of(Arith.compareFloats(op, a.value(), b.value()));
                }
                return slow(op, l, r, pos); // Float32, and Int64s beyond 2^53, compare exactly there
            };
            case EQ, NE -> c -> {
                Value l = left.eval(c);
                Value r = right.eval(c);
                if (l instanceof Value.Int a && r instanceof Value.Int b) {
                    return Value.Bool.of((a.value() == b.value()) == (op == Expr.BinOp.EQ));
                }
                return slow(op, l, r, pos);
            };
            default -> {
                Long k = e.literalExponent();
                if (k != null) { // 2^-1, x^2: Julia's literal power
                    yield c -> {
                        Value l = left.eval(c);
                        try {
                            return Arith.literalPower(l, k);
                        } catch (ScriptError err) {
                            throw err.at(pos);
                        }
                    };
                }
                yield c -> slow(op, left.eval(c), right.eval(c), pos);
            }
        };
    }

    private static boolean compare(Expr.BinOp op, int c) {
        return switch (op) {
            case LT -> c < 0;
            case LE -> c <= 0;
            case GT -> c > 0;
            default -> c >= 0;
        };
    }

    /** An Int or Float64 as a double. */
    private static double number(Value v) {
        return v instanceof Value.Float f ? f.value() : ((Value.Int) v).value();
    }

    private static Value slow(Expr.BinOp op, Value l, Value r, Pos pos) {
        try {
            return Arith.binary(op, l, r);
        } catch (ScriptError err) {
            throw err.at(pos);
        }
    }

    /** A call site: a user function (looked up when called, so a REPL may redefine it) or a builtin. */
    private Eval call(Expr.Call e) {
        Eval[] args = exprs(e.args());
        String name = e.calleeName();
        if (interp.isUserFunction(name)) {
            return c -> {
                Value[] values = new Value[args.length];
                for (int i = 0; i < values.length; i++) {
                    values[i] = args[i].eval(c);
                }
                try {
                    return interp.callUser(c, name, values, e.pos());
                } catch (ScriptError err) {
                    throw err.pos() != null ? err : new ScriptError(e.pos(), callText(e) + ": " + err.getMessage());
                }
            };
        }
        CallSite site = new CallSite(e, interp.builtin(name));
        String[] kwNames = e.kwargs().stream().map(Expr.KwArg::name).toArray(String[]::new);
        Eval[] kwValues = exprs(e.kwargs().stream().map(Expr.KwArg::value).toList());
        Eval[] params = e.callee() instanceof Expr.Parametric p ? exprs(p.params()) : new Eval[0];
        return c -> {
            Value[] values = new Value[args.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = args[i].eval(c);
            }
            try {
                Map<String, Value> kwargs = Map.of();
                if (kwNames.length > 0) {
                    kwargs = new LinkedHashMap<>();
                    for (int i = 0; i < kwNames.length; i++) {
                        kwargs.put(kwNames[i], kwValues[i].eval(c));
                    }
                }
                List<Value> typeParams = List.of();
                if (params.length > 0) {
                    Value[] ps = new Value[params.length];
                    for (int i = 0; i < ps.length; i++) {
                        ps[i] = params[i].eval(c);
                    }
                    typeParams = Arrays.asList(ps);
                }
                return site.impl().call(new Builtin.Call(c, site, Arrays.asList(values), kwargs, typeParams));
            } catch (ScriptError err) {
                throw err.pos() != null ? err : new ScriptError(e.pos(), callText(e) + ": " + err.getMessage());
            } catch (BufferException err) {
                // a tensor used after it was given back is named by the message itself, as wherever it is used
                throw new ScriptError(e.pos(), err.violation() instanceof BufferRules.Violation.UsedAfterGivenBack
                        ? err.getMessage() : callText(e) + ": " + err.getMessage());
            }
        };
    }

    static String callText(Expr.Call e) {
        String text = ExprPrinter.print(e);
        return text.length() > 60 ? e.calleeName() + "(...)" : text;
    }

    /**
     * A builtin's call site: its implementation, found once, and the text that names the call in
     * messages ("drop!(buf, A) at line 7"), made the first time one needs it.
     */
    static final class CallSite {
        private final Expr.Call node;
        private final Builtin.Impl impl;
        private volatile String site;

        CallSite(Expr.Call node, Builtin.Impl impl) {
            this.node = node;
            this.impl = impl;
        }

        Expr.Call node() {
            return node;
        }

        Builtin.Impl impl() {
            return impl;
        }

        String site() {
            String s = site;
            if (s == null) {
                s = callText(node) + " at line " + node.pos().line();
                site = s;
            }
            return s;
        }
    }
}
