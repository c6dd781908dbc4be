package io.github.bufdsl.analysis;

import io.github.bufdsl.ast.AssignOp;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.ExprPrinter;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.ast.TensorExpr;
import io.github.bufdsl.builtins.Role;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.exec.Builtins;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Slices a block of statements down to its sizing function, as {@code @print_buffer_usage} does:
 * calls on the named buffers become {@code pseudo_} calls, the branches and loops around them stay,
 * and so do the assignments (Buffers.jl forgets those and flattens loops). Uses of tensors are kept
 * too, for the checks; printing prunes everything the peaks do not depend on.
 */
final class SizingBuilder {
    private final Set<String> buffers;
    private final Map<String, Stmt.Function> userFunctions;
    /** The pseudo_ functions built so far (shared by the builders of one sizing function). */
    private final Map<String, SizingFunction.PseudoFunction> pseudo;
    /** Functions being built, to refuse recursion. */
    private final Set<String> inProgress;
    /** For each tensor name, the buffer and dimensions of its latest alloc! (to size := from them). */
    private final Map<String, SizeStmt.Alloc> allocations = new LinkedHashMap<>();

    private SizingBuilder(Set<String> buffers, Map<String, Stmt.Function> userFunctions,
            Map<String, SizingFunction.PseudoFunction> pseudo, Set<String> inProgress) {
        this.buffers = buffers;
        this.userFunctions = userFunctions;
        this.pseudo = pseudo;
        this.inProgress = inProgress;
    }

    /**
     * The sizing function of {@code body} for {@code buffers}; {@code context} are the statements
     * before it at the top level, whose assignments its sizes may need.
     */
    static SizingFunction build(Pos pos, List<String> buffers, List<Stmt> context, List<Stmt> body,
            Map<String, SizingFunction.BufferDecl> decls, Map<String, Stmt.Function> userFunctions) {
        SizingBuilder b = new SizingBuilder(new HashSet<>(buffers), userFunctions, new LinkedHashMap<>(),
                new HashSet<>());
        List<SizeStmt> out = new ArrayList<>();
        for (Stmt s : context) {
            if (s instanceof Stmt.Assign a) {
                List<SizeStmt> one = new ArrayList<>();
                b.assignment(a, one);
                // from before the block only what assigns values: its allocations are not the block's
                one.stream().filter(x -> x instanceof SizeStmt.Let || x instanceof SizeStmt.Opaque).forEach(out::add);
            }
        }
        out.addAll(b.statements(body));
        Map<String, SizingFunction.BufferDecl> own = new LinkedHashMap<>();
        for (String name : buffers) {
            own.put(name, decls.getOrDefault(name, SizingFunction.BufferDecl.UNKNOWN));
        }
        return new SizingFunction(pos, List.copyOf(buffers), own, out, b.pseudo);
    }

    /** How the buffers of a script are made ({@code name = Buffer(len; extend=...)} at the top level). */
    static Map<String, SizingFunction.BufferDecl> declarations(List<Stmt> body) {
        Map<String, SizingFunction.BufferDecl> found = new LinkedHashMap<>();
        for (Stmt s : body) {
            if (s instanceof Stmt.Assign a && a.targets().size() == 1 && a.targets().get(0) instanceof Expr.Name n
                    && a.value() instanceof Expr.Call c
                    && Builtins.role(c.calleeName()) instanceof Role.MakesBuffer m && !m.pool()) {
                SizeExpr capacity = c.args().size() == 1 ? tryExpr(c.args().get(0)) : null;
                boolean extendable = true;
                for (Expr.KwArg k : c.kwargs()) {
                    if (k.name().equals("extend") && k.value() instanceof Expr.BoolLit b) {
                        extendable = b.value();
                    }
                }
                int bytes = c.callee() instanceof Expr.Parametric p && !p.params().isEmpty()
                        && p.params().get(0) instanceof Expr.Name t && t.name().equals("Float32") ? 4 : 8;
                found.putIfAbsent(n.name(), new SizingFunction.BufferDecl(a.pos(), bytes, capacity, extendable, false));
            } else if (s instanceof Stmt.Assign a && a.targets().size() == 1 && a.targets().get(0) instanceof Expr.Name n
                    && a.value() instanceof Expr.Call c
                    && Builtins.role(c.calleeName()) instanceof Role.MakesBuffer m && m.pool() && !c.args().isEmpty()) {
                SizingFunction.Pool pool = new SizingFunction.Pool(c.args().size() > 1 ? tryExpr(c.args().get(1)) : null);
                found.putIfAbsent(n.name(), new SizingFunction.BufferDecl(a.pos(), 8, tryExpr(c.args().get(0)), true,
                        false, pool));
            } else if (s instanceof Stmt.BufferScope scope) {
                for (Stmt.ScopedBuffer b : scope.buffers()) {
                    int bytes = b.type() instanceof Expr.Name t && t.name().equals("Float32") ? 4 : 8;
                    found.putIfAbsent(b.name(), scope.threads()
                            ? new SizingFunction.BufferDecl(b.pos(), bytes, tryExpr(b.length()), true, true,
                                    new SizingFunction.Pool(null))
                            : new SizingFunction.BufferDecl(b.pos(), bytes, tryExpr(b.length()), false, true));
                }
                found.putAll(declarationsMissing(found, scope.body()));
            }
        }
        return found;
    }

    /** Scoped buffers nested in a block, not yet in {@code known}. */
    private static Map<String, SizingFunction.BufferDecl> declarationsMissing(Map<String, SizingFunction.BufferDecl> known,
            List<Stmt> body) {
        Map<String, SizingFunction.BufferDecl> inner = new LinkedHashMap<>(declarations(body));
        inner.keySet().removeAll(known.keySet());
        return inner;
    }

    private List<SizeStmt> statements(List<Stmt> body) {
        List<SizeStmt> out = new ArrayList<>();
        for (Stmt s : body) {
            statement(s, out);
        }
        return out;
    }

    private void statement(Stmt s, List<SizeStmt> out) {
        if (s instanceof Stmt.ExprStmt e && e.expr() instanceof Expr.Call c && call(null, c, out)) {
            return;
        }
        if (s instanceof Stmt.Assign a) {
            assignment(a, out);
        } else if (s instanceof Stmt.If i) {
            List<SizeStmt.Branch> branches = new ArrayList<>();
            for (Stmt.Branch b : i.branches()) {
                branches.add(new SizeStmt.Branch(expr(b.condition()), statements(b.body())));
            }
            out.add(new SizeStmt.If(i.pos(), branches, i.elseBody() == null ? null : statements(i.elseBody())));
        } else if (s instanceof Stmt.For f) {
            List<SizeStmt> body = statements(f.body());
            if (!(f.iterable() instanceof Expr.Range r)) {
                if (body.stream().anyMatch(SizingBuilder::changesSizes)) {
                    throw unsupported(f.pos(), "usage can size loops over a range (for i in 1:n) only");
                }
                out.add(new SizeStmt.Opaque(f.pos(), f.var()));
                out.addAll(body.stream().filter(x -> x instanceof SizeStmt.Use).toList());
                return;
            }
            out.add(new SizeStmt.For(f.pos(), f.var(), expr(r.start()), r.step() == null ? null : expr(r.step()),
                    expr(r.stop()), body, f.threaded(), f.nested()));
        } else if (s instanceof Stmt.While w) {
            List<SizeStmt> body = statements(w.body());
            if (body.stream().anyMatch(SizingBuilder::changesSizes)) {
                out.add(new SizeStmt.While(w.pos(), tryExpr(w.condition()), body));
            } else {
                out.addAll(body.stream().filter(x -> x instanceof SizeStmt.Use).toList());
            }
        } else if (s instanceof Stmt.Return r && inProgress.size() > 0) {
            if (r.value() != null) {
                Set<String> names = new LinkedHashSet<>();
                names(r.value(), names);
                use(r.pos(), names, out);
            }
            out.add(new SizeStmt.Return(r.pos()));
        } else if (s instanceof Stmt.Break b) {
            out.add(new SizeStmt.Break(b.pos()));
        } else if (s instanceof Stmt.Continue c) {
            out.add(new SizeStmt.Continue(c.pos()));
        } else if (s instanceof Stmt.Block b) {
            out.addAll(statements(b.body()));
        } else if (s instanceof Stmt.PrintBufferUsage p) {
            out.addAll(statements(p.body()));
        } else if (s instanceof Stmt.BufferScope scope) {
            List<String> names = scope.buffers().stream().map(Stmt.ScopedBuffer::name)
                    .filter(buffers::contains).toList();
            out.addAll(statements(scope.body()));
            if (!names.isEmpty()) {
                out.add(new SizeStmt.ScopeEnd(scope.pos(), names));
            }
        } else if (s instanceof Stmt.Tensor t) {
            Set<String> names = new LinkedHashSet<>();
            if (t.op() != AssignOp.DEFINE) {
                names(t.lhs().tensor(), names);
            }
            tensorNames(t.rhs(), names);
            use(t.pos(), names, out);
            List<List<SizeStmt.Factor>> terms = terms(t.rhs());
            boolean define = t.op() == AssignOp.DEFINE;
            if (define && t.lhs().tensor() instanceof Expr.Name n) {
                SizeStmt.Alloc made = defineAlloc(t, n.name(), terms);
                out.add(made != null ? made : new SizeStmt.Opaque(t.pos(), n.name()));
                if (made != null) {
                    allocations.put(n.name(), made);
                }
            }
            if (t.lhs().tensor() instanceof Expr.Name n && terms != null) {
                List<io.github.bufdsl.runtime.ContractionOrder.Plan> plans = new ArrayList<>();
                plans(t.rhs(), plans);
                List<SizeStmt.Factor> refs = new ArrayList<>();
                refs(t.rhs(), refs);
                SizeStmt.Order order = new SizeStmt.Order(plans, t.optimize(),
                        t.maxIntermediate() == null ? null : tryExpr(t.maxIntermediate()), t.order(), refs);
                out.add(new SizeStmt.TensorOp(t.pos(), n.name(), t.lhs().indices(), define, terms, order));
            }
        } else if (s instanceof Stmt.ExprStmt e) {
            Set<String> names = new LinkedHashSet<>();
            names(e.expr(), names);
            use(e.pos(), names, out);
        } else if (s instanceof Stmt.Show sh) {
            Set<String> names = new LinkedHashSet<>();
            names(sh.expr(), names);
            use(sh.pos(), names, out);
        }
    }

    /** True for statements that change a buffer's level (directly or inside). */
    private static boolean changesSizes(SizeStmt s) {
        if (s instanceof SizeStmt.Alloc || s instanceof SizeStmt.Drop || s instanceof SizeStmt.Reset
                || s instanceof SizeStmt.Reshape
                || s instanceof SizeStmt.Call || s instanceof SizeStmt.ScopeEnd) {
            return true;
        }
        if (s instanceof SizeStmt.While w) {
            return w.body().stream().anyMatch(SizingBuilder::changesSizes);
        }
        if (s instanceof SizeStmt.If f) {
            return f.branches().stream().anyMatch(b -> b.body().stream().anyMatch(SizingBuilder::changesSizes))
                    || (f.elseBody() != null && f.elseBody().stream().anyMatch(SizingBuilder::changesSizes));
        }
        if (s instanceof SizeStmt.For f) {
            return f.body().stream().anyMatch(SizingBuilder::changesSizes);
        }
        return false;
    }

    private static void use(Pos pos, Set<String> names, List<SizeStmt> out) {
        if (!names.isEmpty()) {
            out.add(new SizeStmt.Use(pos, List.copyOf(names)));
        }
    }

    private void assignment(Stmt.Assign a, List<SizeStmt> out) {
        Set<String> used = new LinkedHashSet<>();
        names(a.value(), used);
        for (Expr t : a.targets()) {
            if (t instanceof Expr.Index ix) {
                names(ix, used);
            }
        }
        if (a.targets().size() != 1 || !(a.targets().get(0) instanceof Expr.Name n)) {
            use(a.pos(), used, out);
            for (Expr t : a.targets()) {
                if (t instanceof Expr.Name name) {
                    out.add(new SizeStmt.Opaque(a.pos(), name.name()));
                }
            }
            return;
        }
        if (a.value() instanceof Expr.Call c && call(n.name(), c, out)) {
            return;
        }
        if (a.op() == AssignOp.SET && a.value() instanceof Expr.Call c && Builtins.role(c.calleeName()) == Role.ALIASES
                && c.args().size() == 1 && c.args().get(0) instanceof Expr.Name of) {
            out.add(new SizeStmt.Use(a.pos(), List.of(of.name())));
            out.add(new SizeStmt.Alias(a.pos(), n.name(), of.name()));
            return;
        }
        SizeExpr v = a.op() == AssignOp.SET ? tryExpr(a.value()) : null;
        if (v == null && a.op() != AssignOp.SET && a.op() != AssignOp.BROADCAST) {
            SizeExpr rhs = tryExpr(a.value());
            if (rhs != null) {
                String op = switch (a.op()) {
                    case ADD -> "+";
                    case SUB -> "-";
                    case MUL -> "*";
                    default -> "/";
                };
                v = new SizeExpr.Bin(op, new SizeExpr.Var(n.name()), rhs);
            }
        }
        if (v != null) {
            out.add(new SizeStmt.Let(a.pos(), n.name(), v));
            return;
        }
        if (a.op() == AssignOp.BROADCAST) {
            used.add(n.name());
        }
        use(a.pos(), used, out);
        if (a.op() != AssignOp.BROADCAST) {
            out.add(new SizeStmt.Opaque(a.pos(), n.name(), a.value() instanceof Expr.Index)); // a slice: a view
        }
    }

    /** Translates a call on a named buffer; true if it was one. */
    private boolean call(String target, Expr.Call c, List<SizeStmt> out) {
        String fn = c.calleeName();
        if (fn != null && userFunctions.containsKey(fn) && passesBuffer(c)) {
            userCall(target, c, out);
            return true;
        }
        if (fn == null || c.args().isEmpty() || !(c.args().get(0) instanceof Expr.Name b)
                || !buffers.contains(b.name())) {
            return false;
        }
        Role role = Builtins.role(fn);
        if (role instanceof Role.Alloc) {
            List<SizeExpr> dims = new ArrayList<>();
            for (Expr d : c.args().subList(1, c.args().size())) {
                dims.add(expr(d));
            }
            SizeStmt.Alloc alloc = new SizeStmt.Alloc(c.pos(), target, b.name(), dims);
            out.add(alloc);
            if (target != null) {
                allocations.put(target, alloc);
            }
        } else if (role instanceof Role.Drop) {
            List<String> names = new ArrayList<>();
            for (Expr t : c.args().subList(1, c.args().size())) {
                if (!(t instanceof Expr.Name n)) {
                    throw unsupported(t.pos(), "usage can follow drop! of named tensors only");
                }
                names.add(n.name());
            }
            out.add(new SizeStmt.Drop(c.pos(), b.name(), names));
        } else if (role instanceof Role.Reset) {
            out.add(new SizeStmt.Reset(c.pos(), b.name()));
        } else if (role instanceof Role.Reshape) {
            List<SizeExpr> dims = new ArrayList<>();
            for (Expr d : c.args().subList(1, c.args().size())) {
                dims.add(expr(d));
            }
            SizeExpr offset = new SizeExpr.Num(0);
            for (Expr.KwArg k : c.kwargs()) {
                if (k.name().equals("offset")) {
                    offset = expr(k.value());
                }
            }
            out.add(new SizeStmt.Reshape(c.pos(), target, b.name(), dims, offset));
        } else if (role instanceof Role.Unsupported u) {
            throw unsupported(c.pos(), u.reason());
        } else if (role instanceof Role.ReadsBuffer || role instanceof Role.SetsFlag) {
            return false;
        } else {
            throw unsupported(c.pos(), "usage cannot follow the buffer " + b.name() + " into " + fn + " yet");
        }
        return true;
    }

    private boolean passesBuffer(Expr.Call c) {
        return c.args().stream().anyMatch(a -> a instanceof Expr.Name n && buffers.contains(n.name()));
    }

    /** {@code f(buf, n)} becomes {@code pseudo_f(lenbuf, peakbuf, n)}, f's body translated once. */
    private void userCall(String target, Expr.Call c, List<SizeStmt> out) {
        String fn = c.calleeName();
        Stmt.Function f = userFunctions.get(fn);
        List<SizeStmt.Arg> args = new ArrayList<>();
        List<Boolean> isBuffer = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (Expr a : c.args()) {
            boolean buffer = a instanceof Expr.Name n && buffers.contains(n.name());
            isBuffer.add(buffer);
            if (buffer) {
                args.add(new SizeStmt.Arg(((Expr.Name) a).name(), null));
            } else {
                args.add(new SizeStmt.Arg(null, a instanceof Expr.Name n ? new SizeExpr.Var(n.name()) : tryExpr(a)));
                names(a, names);
            }
        }
        use(c.pos(), names, out);
        SizingFunction.PseudoFunction existing = pseudo.get(fn);
        if (existing == null && inProgress.contains(fn)) {
            // a recursive call: sized by evaluating the calls, which needs the arguments' values
            out.add(new SizeStmt.Call(c.pos(), fn, args));
            if (target != null) {
                out.add(new SizeStmt.Opaque(c.pos(), target));
            }
            return;
        }
        if (existing == null) {
            inProgress.add(fn);
            Set<String> own = new HashSet<>(buffers);
            List<String> params = new ArrayList<>();
            for (int i = 0; i < f.params().size(); i++) {
                String p = f.params().get(i).name();
                params.add(p);
                if (isBuffer.get(i)) {
                    own.add(p);
                } else {
                    own.remove(p);
                }
            }
            SizingBuilder inner = new SizingBuilder(own, userFunctions, pseudo, inProgress);
            List<SizeStmt> body = inner.statements(f.body());
            inProgress.remove(fn);
            pseudo.put(fn, new SizingFunction.PseudoFunction(fn, params, isBuffer, body));
        } else if (!existing.isBuffer().equals(isBuffer)) {
            throw unsupported(c.pos(), "usage sizes " + fn + " for one arrangement of buffer arguments;"
                    + " here they are passed in other places than at its first call");
        }
        out.add(new SizeStmt.Call(c.pos(), fn, args));
        if (target != null) {
            out.add(new SizeStmt.Opaque(c.pos(), target));
        }
    }

    private static SizeExpr expr(Expr e) {
        SizeExpr s = tryExpr(e);
        if (s == null) {
            throw unsupported(e.pos(), "usage cannot compute `" + ExprPrinter.print(e)
                    + "` before running; sizes and conditions must be arithmetic on numbers and variables");
        }
        return s;
    }

    /** The expression in the sizing function's terms, or null if it has none. */
    private static SizeExpr tryExpr(Expr e) {
        if (e instanceof Expr.IntLit i) {
            return new SizeExpr.Num(i.value());
        }
        if (e instanceof Expr.FloatLit f) {
            return new SizeExpr.Real(f.value());
        }
        if (e instanceof Expr.BoolLit b) {
            return new SizeExpr.Flag(b.value());
        }
        if (e instanceof Expr.Name n) {
            return new SizeExpr.Var(n.name());
        }
        if (e instanceof Expr.Binary b) {
            SizeExpr l = tryExpr(b.left());
            SizeExpr r = tryExpr(b.right());
            return l == null || r == null ? null : new SizeExpr.Bin(b.op().symbol(), l, r);
        }
        if (e instanceof Expr.Logical l) {
            SizeExpr x = tryExpr(l.left());
            SizeExpr y = tryExpr(l.right());
            return x == null || y == null ? null : new SizeExpr.Logic(l.isAnd(), x, y);
        }
        if (e instanceof Expr.Unary u) {
            SizeExpr x = tryExpr(u.operand());
            if (x == null) {
                return null;
            }
            return switch (u.op()) {
                case PLUS -> x;
                case NEG -> new SizeExpr.Unary("-", x);
                case NOT -> new SizeExpr.Unary("!", x);
            };
        }
        if (e instanceof Expr.Call c && c.callee() instanceof Expr.Name n
                && Builtins.role(n.name()) instanceof Role.Pure p && p.symbolic() && c.kwargs().isEmpty()) {
            List<SizeExpr> args = new ArrayList<>();
            for (Expr a : c.args()) {
                SizeExpr x = tryExpr(a);
                if (x == null) {
                    return null;
                }
                args.add(x);
            }
            return new SizeExpr.Call(n.name(), args);
        }
        return null;
    }

    /** Every plain name an expression reads. */
    private static void names(Expr e, Set<String> into) {
        if (e instanceof Expr.Name n) {
            into.add(n.name());
        } else if (e instanceof Expr.Call c) {
            c.args().forEach(a -> names(a, into));
            c.kwargs().forEach(k -> names(k.value(), into));
        } else if (e instanceof Expr.Index ix) {
            names(ix.target(), into);
            ix.indices().forEach(i -> names(i, into));
        } else if (e instanceof Expr.Binary b) {
            names(b.left(), into);
            names(b.right(), into);
        } else if (e instanceof Expr.Logical l) {
            names(l.left(), into);
            names(l.right(), into);
        } else if (e instanceof Expr.Unary u) {
            names(u.operand(), into);
        } else if (e instanceof Expr.Range r) {
            names(r.start(), into);
            if (r.step() != null) {
                names(r.step(), into);
            }
            names(r.stop(), into);
        } else if (e instanceof Expr.Tuple t) {
            t.items().forEach(i -> names(i, into));
        } else if (e instanceof Expr.Field f) {
            names(f.target(), into);
        } else if (e instanceof Expr.Broadcast b) {
            b.args().forEach(a -> names(a, into));
        } else if (e instanceof Expr.Ternary t) {
            names(t.condition(), into);
            names(t.ifTrue(), into);
            names(t.ifFalse(), into);
        }
    }

    /**
     * {@code C[i,k] := A[i,j] * B[j,k]} as the alloc! it is: from the buffer of the first tensor on
     * the right, each dimension that of its label where the label first appears; null when usage
     * cannot see where those tensors come from.
     */
    private SizeStmt.Alloc defineAlloc(Stmt.Tensor t, String name, List<List<SizeStmt.Factor>> terms) {
        if (terms == null || terms.isEmpty() || terms.get(0).isEmpty()) {
            return null;
        }
        SizeStmt.Alloc first = allocations.get(terms.get(0).get(0).tensor());
        if (first == null) {
            return null;
        }
        List<SizeExpr> dims = new ArrayList<>();
        for (String label : t.lhs().indices()) {
            SizeExpr d = null;
            for (List<SizeStmt.Factor> term : terms) {
                for (SizeStmt.Factor f : term) {
                    SizeStmt.Alloc a = allocations.get(f.tensor());
                    int k = f.labels().indexOf(label);
                    if (d == null && a != null && k >= 0 && k < a.dims().size()) {
                        d = a.dims().get(k);
                    }
                }
            }
            if (d == null) {
                return null;
            }
            dims.add(d);
        }
        return new SizeStmt.Alloc(t.pos(), name, first.buffer(), dims);
    }

    /** The contraction tree of each term as written, in the order {@link #terms} gives the terms. */
    private static void plans(TensorExpr t, List<io.github.bufdsl.runtime.ContractionOrder.Plan> into) {
        into.addAll(expand(t, new int[1]).stream().map(Term::plan).toList());
    }

    /** A term of the right side: its tensors (null entries for tensors that are not plain names) and its tree. */
    private record Term(List<SizeStmt.Factor> factors, io.github.bufdsl.runtime.ContractionOrder.Plan plan) {
    }

    /** The right side as a sum of products, each with the grouping it was written with. */
    private static List<Term> expand(TensorExpr t, int[] nextRef) {
        if (t instanceof TensorExpr.Ref r) {
            SizeStmt.Factor f = r.tensor() instanceof Expr.Name n
                    ? new SizeStmt.Factor(n.name(), r.indices(), nextRef[0]++) : null;
            return List.of(new Term(java.util.Collections.singletonList(f),
                    new io.github.bufdsl.runtime.ContractionOrder.Leaf(0)));
        }
        if (t instanceof TensorExpr.Scalar) {
            return List.of(new Term(List.of(), null));
        }
        if (t instanceof TensorExpr.Negate n) {
            return expand(n.operand(), nextRef);
        }
        TensorExpr.Binary b = (TensorExpr.Binary) t;
        List<Term> left = expand(b.left(), nextRef);
        List<Term> right = expand(b.right(), nextRef);
        if (b.op() == '+' || b.op() == '-') {
            List<Term> all = new ArrayList<>(left);
            all.addAll(right);
            return all;
        }
        if (b.op() == '/') {
            return left;
        }
        List<Term> all = new ArrayList<>();
        for (Term l : left) {
            for (Term r : right) {
                List<SizeStmt.Factor> fs = new ArrayList<>(l.factors());
                fs.addAll(r.factors());
                all.add(new Term(fs, l.plan() == null ? r.plan() : r.plan() == null ? l.plan()
                        : new io.github.bufdsl.runtime.ContractionOrder.Pair(l.plan(), r.plan().shift(l.factors().size()))));
            }
        }
        return all;
    }

    /** Every indexed tensor as written, in order (a tensor used twice is there twice). */
    private static void refs(TensorExpr t, List<SizeStmt.Factor> into) {
        if (t instanceof TensorExpr.Ref r && r.tensor() instanceof Expr.Name n) {
            into.add(new SizeStmt.Factor(n.name(), r.indices(), into.size()));
        } else if (t instanceof TensorExpr.Binary b) {
            refs(b.left(), into);
            refs(b.right(), into);
        } else if (t instanceof TensorExpr.Negate n) {
            refs(n.operand(), into);
        }
    }

    /** The right side as a sum of products of named tensors, or null if a tensor is not a plain name. */
    private static List<List<SizeStmt.Factor>> terms(TensorExpr t) {
        List<List<SizeStmt.Factor>> out = new ArrayList<>();
        for (Term term : expand(t, new int[1])) {
            if (term.factors().stream().anyMatch(java.util.Objects::isNull)) {
                return null;
            }
            out.add(term.factors());
        }
        return out;
    }

    private static void tensorNames(TensorExpr t, Set<String> into) {
        if (t instanceof TensorExpr.Ref r) {
            names(r.tensor(), into);
        } else if (t instanceof TensorExpr.Scalar s) {
            names(s.value(), into);
        } else if (t instanceof TensorExpr.Binary b) {
            tensorNames(b.left(), into);
            tensorNames(b.right(), into);
        } else if (t instanceof TensorExpr.Negate n) {
            tensorNames(n.operand(), into);
        }
    }

    private static DiagnosticException unsupported(Pos pos, String message) {
        return new DiagnosticException(Phase.STATIC, pos, message);
    }
}
