package io.github.bufdsl.analysis;

import static io.github.bufdsl.analysis.SizeExprs.expr;
import static io.github.bufdsl.analysis.SizeExprs.names;
import static io.github.bufdsl.analysis.SizeExprs.tryExpr;
import static io.github.bufdsl.analysis.SizeExprs.unsupported;

import io.github.bufdsl.ast.AssignOp;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.builtins.Role;
import io.github.bufdsl.diag.DiagnosticException;
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
    final Set<String> buffers;
    final Map<String, Stmt.Function> userFunctions;
    /** The pseudo_ functions built so far (shared by the builders of one sizing function). */
    final Map<String, SizingFunction.PseudoFunction> pseudo;
    /** Functions being built, to refuse recursion. */
    final Set<String> inProgress;
    /** For each tensor name, the buffer and dimensions of its latest alloc! (to size := from them). */
    final Map<String, SizeStmt.Alloc> allocations = new LinkedHashMap<>();
    /** How sizes that read tensors' dimensions are printed (set for the statements being translated). */
    PrintedShapes shapes;
    /** How many loops the statement being translated is in (in its function). */
    private int loops;
    /**
     * Whether the loop being translated has a condition usage cannot compute whose branches only leave
     * an iteration or the loop (if A[i] < 0 continue): then it is not followed if it changes no size.
     */
    private boolean leaves;
    /** Calls of user functions, sized where they are called. */
    final UserCalls calls = new UserCalls(this);

    SizingBuilder(Set<String> buffers, Map<String, Stmt.Function> userFunctions,
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
        List<Stmt> scope = new ArrayList<>(context);
        scope.addAll(body);
        b.shapes = new PrintedShapes(b.allocations, scope);
        List<SizeStmt> out = new ArrayList<>();
        for (Stmt s : context) {
            if (s instanceof Stmt.Assign) {
                List<SizeStmt> one = new ArrayList<>();
                b.statement(s, one);
                // from before the block only what assigns values (no = small ? 4 : 8 too): its
                // allocations are not the block's
                for (SizeStmt x : one) {
                    if (assignsOnly(x)) {
                        out.add(x);
                    } else if (x instanceof SizeStmt.Call c) {
                        c.targets().forEach(t -> out.add(new SizeStmt.Opaque(c.pos(), t)));
                    } else if (x instanceof SizeStmt.Alloc a && a.target() != null && a.define() == null) {
                        out.add(new SizeStmt.Before(a.pos(), a.target(), a.buffer(), a.dims()));
                    } else if (x instanceof SizeStmt.Before) { // from a buffer the block does not size
                        out.add(x);
                    }
                }
            } else if (s instanceof Stmt.If || s instanceof Stmt.For || s instanceof Stmt.While) {
                List<SizeStmt> one = new ArrayList<>();
                try { // if small n = 4 else n = 8 end, for i in 1:k n += i end: kept when they only assign values
                    b.statement(s, one);
                } catch (DiagnosticException e) {
                    one.clear();
                }
                if (!one.isEmpty() && one.stream().allMatch(SizingBuilder::assignsOnly)) {
                    out.addAll(one);
                } else { // else the numbers it assigns are not known in the block (not left free or stale)
                    Set<String> names = new LinkedHashSet<>();
                    scalarsAssigned(s, names);
                    names.forEach(n -> out.add(new SizeStmt.Opaque(s.pos(), n)));
                }
            }
        }
        out.addAll(b.statements(body));
        Map<String, SizingFunction.BufferDecl> own = new LinkedHashMap<>();
        for (String name : buffers) {
            own.put(name, decls.getOrDefault(name, SizingFunction.BufferDecl.UNKNOWN));
        }
        return new SizingFunction(pos, List.copyOf(buffers), own, out, b.pseudo);
    }

    /** The names a statement before a block assigns numbers or flags to, at any depth, and its loops' variables. */
    private static void scalarsAssigned(Stmt s, Set<String> into) {
        if (s instanceof Stmt.Assign a && a.targets().size() == 1 && a.targets().get(0) instanceof Expr.Name n
                && (tryExpr(a.value()) != null || a.value() instanceof Expr.Ternary)) {
            into.add(n.name());
        } else if (s instanceof Stmt.For f) {
            into.add(f.var());
            f.body().forEach(x -> scalarsAssigned(x, into));
        } else if (s instanceof Stmt.While w) {
            w.body().forEach(x -> scalarsAssigned(x, into));
        } else if (s instanceof Stmt.If i) {
            i.branches().forEach(br -> br.body().forEach(x -> scalarsAssigned(x, into)));
            if (i.elseBody() != null) {
                i.elseBody().forEach(x -> scalarsAssigned(x, into));
            }
        } else if (s instanceof Stmt.Block bl) {
            bl.body().forEach(x -> scalarsAssigned(x, into));
        }
    }

    /** A value assigned, or branches that only assign values. */
    private static boolean assignsOnly(SizeStmt s) {
        if (s instanceof SizeStmt.If || s instanceof SizeStmt.For || s instanceof SizeStmt.While) {
            return SizeStmts.bodies(s).stream().allMatch(body -> body.stream().allMatch(SizingBuilder::assignsOnly));
        }
        return s instanceof SizeStmt.Let || s instanceof SizeStmt.Opaque;
    }

    List<SizeStmt> statements(List<Stmt> body) {
        List<SizeStmt> out = new ArrayList<>();
        for (Stmt s : body) {
            statement(s, out);
        }
        return out;
    }

    private void statement(Stmt s, List<SizeStmt> out) {
        AssignmentSites.Site outer = shapes == null ? null : shapes.at(s);
        try {
            s.accept(new Translate(out));
        } finally {
            if (shapes != null) {
                shapes.restore(outer);
            }
        }
    }

    /** Translates one statement into {@code out}. */
    private final class Translate implements Stmt.Visitor<Void> {
        private final List<SizeStmt> out;

        Translate(List<SizeStmt> out) {
            this.out = out;
        }

        public Void visitExpr(Stmt.ExprStmt e) {
            Expr.Ternary t = TernarySplit.first(e.expr());
            if (t != null) {
                statement(split(t, new Stmt.ExprStmt(e.pos(), TernarySplit.replace(e.expr(), t, t.ifTrue())),
                        new Stmt.ExprStmt(e.pos(), TernarySplit.replace(e.expr(), t, t.ifFalse()))), out);
                return null;
            }
            calls.nested(e.expr(), true, out);
            if (!(e.expr() instanceof Expr.Call c && call(null, c, out))) {
                Set<String> names = new LinkedHashSet<>();
                names(e.expr(), names);
                use(e.pos(), names, out);
            }
            return null;
        }

        public Void visitAssign(Stmt.Assign a) {
            assignment(a, out);
            return null;
        }

        public Void visitIf(Stmt.If i) {
            List<SizeExpr> conditions = new ArrayList<>();
            List<List<SizeStmt>> bodies = new ArrayList<>();
            for (Stmt.Branch b : i.branches()) {
                // a condition may read dimensions too: if size(A, 1) > 8, if !isempty(A)
                SizeExpr condition = SizeExprs.trySize(b.condition());
                conditions.add(condition == null ? null : shapes.printed(condition));
                bodies.add(statements(b.body()));
            }
            List<SizeStmt> elseBody = i.elseBody() == null ? null : statements(i.elseBody());
            int open = conditions.indexOf(null);
            if (open >= 0) {
                // if A[i] > 0.5 around no allocation: which branch runs decides no size
                List<List<SizeStmt>> alternatives = new ArrayList<>(bodies.subList(open, bodies.size()));
                alternatives.add(elseBody == null ? List.of() : elseBody);
                Set<String> names = new LinkedHashSet<>();
                i.branches().forEach(b -> names(b.condition(), names));
                if (!SizeStmts.decideNoSize(alternatives, false)) {
                    // around what changes sizes or leaves: every way is sized when evaluating (DataChoices), under
                    // a name for the condition that is unknowable; a loop that changes no size is not followed
                    leaves |= loops > 0 && SizeStmts.decideNoSize(alternatives, true);
                    Expr c = i.branches().get(open).condition();
                    SizeExpr.Var data = new SizeExpr.Var(ScalarEval.DATA + io.github.bufdsl.ast.ExprPrinter.print(c));
                    use(i.pos(), names, out);
                    out.add(new SizeStmt.Opaque(c.pos(), data.name()));
                    List<SizeStmt.Branch> all = new ArrayList<>();
                    for (int k = 0; k < bodies.size(); k++) {
                        all.add(new SizeStmt.Branch(k < open ? conditions.get(k) : data, bodies.get(k)));
                    }
                    out.add(new SizeStmt.If(i.pos(), all, elseBody));
                    return null;
                }
                List<SizeStmt.Branch> known = new ArrayList<>();
                for (int k = 0; k < open; k++) {
                    known.add(new SizeStmt.Branch(conditions.get(k), bodies.get(k)));
                }
                List<SizeStmt> rest = new ArrayList<>();
                use(i.pos(), names, rest);
                alternatives.forEach(body -> SizeStmts.unknowable(body, rest));
                if (known.isEmpty()) {
                    out.addAll(rest);
                } else {
                    out.add(new SizeStmt.If(i.pos(), known, rest));
                }
                return null;
            }
            List<SizeStmt.Branch> branches = new ArrayList<>();
            for (int k = 0; k < conditions.size(); k++) {
                branches.add(new SizeStmt.Branch(conditions.get(k), bodies.get(k)));
            }
            out.add(new SizeStmt.If(i.pos(), branches, elseBody));
            return null;
        }

        public Void visitFor(Stmt.For f) {
            LoopBody loop = loopBody(f.body());
            List<SizeStmt> body = loop.body();
            boolean changes = SizeStmts.mustFollow(body);
            if (!loop.followed()) {
                out.addAll(SizeStmts.unfollowed(f.pos(), f.var(), body));
                return null;
            }
            if (f.iterable() instanceof Expr.Tuple t && changes) {
                if (!t.items().isEmpty()) { // for d in (): never runs
                    out.add(tupleLoop(f, t, body));
                }
                return null;
            }
            if (!(f.iterable() instanceof Expr.Range r)) {
                if (changes) {
                    throw unsupported(f.pos(), "usage can size loops over a range (for i in 1:n) or over a tuple"
                            + " written in the loop (for d in (2, 4, 8)) only");
                }
                out.addAll(SizeStmts.unfollowed(f.pos(), f.var(), body));
                return null;
            }
            if (!changes && (SizeExprs.trySize(r.start()) == null || SizeExprs.trySize(r.stop()) == null
                    || r.step() != null && SizeExprs.trySize(r.step()) == null)) {
                // a bound usage cannot compute, around no allocation: how often it runs decides no size
                out.addAll(SizeStmts.unfollowed(f.pos(), f.var(), body));
                return null;
            }
            // bounds as sizes: for k in 1:size(A, 1) reads A's dimension where the loop starts
            out.add(new SizeStmt.For(f.pos(), f.var(), bound(r.start()), r.step() == null ? null : bound(r.step()),
                    bound(r.stop()), body, f.threaded(), f.nested()));
            return null;
        }

        /**
         * {@code for d in (2, 4, 8)}: a loop over the positions of the tuple, {@code d} taking the
         * item at each ({@code for d_index = 1:3; if d_index == 1 d = 2 elseif ...}), so that the
         * sizing function stays a loop (break and continue mean what they do in the script's loop).
         */
        private SizeStmt tupleLoop(Stmt.For f, Expr.Tuple t, List<SizeStmt> body) {
            String index = f.var() + "_index";
            List<SizeStmt.Branch> branches = new ArrayList<>();
            List<SizeStmt> last = null;
            for (int k = 0; k < t.items().size(); k++) {
                Expr item = t.items().get(k);
                SizeExpr v = SizeExprs.trySize(item);
                if (v == null) {
                    throw unsupported(item.pos(), "usage cannot compute `" + io.github.bufdsl.ast.ExprPrinter.print(item)
                            + "`, an item of the tuple this loop runs over, before running");
                }
                List<SizeStmt> let = List.of(new SizeStmt.Let(item.pos(), f.var(), shapes.printed(v)));
                if (k == t.items().size() - 1) {
                    last = let;
                } else {
                    branches.add(new SizeStmt.Branch(new SizeExpr.Bin("==", new SizeExpr.Var(index),
                            new SizeExpr.Num(k + 1)), let));
                }
            }
            List<SizeStmt> inner = new ArrayList<>();
            inner.add(branches.isEmpty() ? last.get(0) : new SizeStmt.If(f.pos(), branches, last));
            inner.addAll(body);
            return new SizeStmt.For(f.pos(), index, new SizeExpr.Num(1), null, new SizeExpr.Num(t.items().size()),
                    inner, f.threaded(), f.nested());
        }

        private SizeExpr bound(Expr e) {
            return shapes.printed(SizeExprs.size(e));
        }

        public Void visitWhile(Stmt.While w) {
            LoopBody loop = loopBody(w.body());
            List<SizeStmt> body = loop.body();
            if (!loop.followed()) {
                out.addAll(SizeStmts.unfollowed(w.pos(), null, body));
            } else if (SizeStmts.mustFollow(body) || followable(tryExpr(w.condition()), body)) {
                out.add(new SizeStmt.While(w.pos(), tryExpr(w.condition()), body));
            } else {
                out.addAll(SizeStmts.unfollowed(w.pos(), null, body));
            }
            return null;
        }

        public Void visitReturn(Stmt.Return r) {
            if (!inProgress.isEmpty()) { // a return at the top level ends nothing being sized
                ReturnStatements.translate(SizingBuilder.this, r, out);
            }
            return null;
        }

        public Void visitBreak(Stmt.Break b) {
            out.add(new SizeStmt.Break(b.pos()));
            return null;
        }

        public Void visitContinue(Stmt.Continue c) {
            out.add(new SizeStmt.Continue(c.pos()));
            return null;
        }

        public Void visitBlock(Stmt.Block b) {
            out.addAll(statements(b.body()));
            return null;
        }

        public Void visitPrintBufferUsage(Stmt.PrintBufferUsage p) {
            out.addAll(statements(p.body()));
            return null;
        }

        public Void visitBufferScope(Stmt.BufferScope scope) {
            List<String> names = scope.buffers().stream().map(Stmt.ScopedBuffer::name)
                    .filter(buffers::contains).toList();
            out.addAll(statements(scope.body()));
            if (!names.isEmpty()) {
                out.add(new SizeStmt.ScopeEnd(scope.pos(), names));
            }
            return null;
        }

        public Void visitTensor(Stmt.Tensor t) {
            TensorStatements.translate(t, allocations, buffers, out);
            return null;
        }

        public Void visitShow(Stmt.Show sh) {
            calls.nested(sh.expr(), false, out);
            Set<String> names = new LinkedHashSet<>();
            names(sh.expr(), names);
            use(sh.pos(), names, out);
            return null;
        }

        public Void visitFunction(Stmt.Function f) {
            return null; // sized where it is called
        }

        public Void visitUsing(Stmt.Using u) {
            return null;
        }
    }

    /**
     * Whether usage follows a while loop around no allocation, so that the scalars it computes are known
     * after it ({@code k = 1; while k < n; k += 2; end}: counted, or iterated while usage knows the
     * condition): its condition is arithmetic, and a {@code while true} can be left (one that cannot
     * runs until the run's time-out, which is not an error before running).
     */
    private static boolean followable(SizeExpr condition, List<SizeStmt> body) {
        return condition != null && !(condition instanceof SizeExpr.Flag f && f.value() && !CountedLoop.leaves(body));
    }

    /** A loop's body, and whether usage follows its iterations. */
    private record LoopBody(List<SizeStmt> body, boolean followed) {
    }

    /**
     * A loop's body; not followed when a condition usage cannot compute decides whether an
     * iteration or the loop ends there (if A[i] < 0 continue) and the body changes no size, so that
     * the loop is one whose runs usage does not follow ({@link SizeStmts#unknowable}); in a loop that
     * changes sizes such a condition is sized both ways ({@link DataChoices}).
     */
    private LoopBody loopBody(List<Stmt> stmts) {
        boolean outer = leaves;
        leaves = false;
        loops++;
        List<SizeStmt> body;
        try {
            body = statements(stmts);
        } finally {
            loops--;
        }
        boolean inner = leaves;
        leaves = outer;
        return new LoopBody(body, !inner || SizeStmts.mustFollow(body));
    }

    static void use(Pos pos, Set<String> names, List<SizeStmt> out) {
        if (!names.isEmpty()) {
            out.add(new SizeStmt.Use(pos, List.copyOf(names)));
        }
    }

    /** The statement of a ternary as the {@code if} it runs as: {@code yes} where its condition holds, else {@code no}. */
    private static Stmt split(Expr.Ternary t, Stmt yes, Stmt no) {
        return new Stmt.If(yes.pos(), List.of(new Stmt.Branch(t.pos(), t.condition(), List.of(yes))), List.of(no));
    }

    private void assignment(Stmt.Assign a, List<SizeStmt> out) {
        Expr.Ternary tern = TernarySplit.first(a.value());
        if (tern != null) { // x = c ? p : q is sized as if c; x = p; else x = q; end
            statement(split(tern, new Stmt.Assign(a.pos(), a.targets(), a.op(),
                    TernarySplit.replace(a.value(), tern, tern.ifTrue())), new Stmt.Assign(a.pos(), a.targets(),
                    a.op(), TernarySplit.replace(a.value(), tern, tern.ifFalse()))), out);
            return;
        }
        boolean names = a.targets().stream().allMatch(t -> t instanceof Expr.Name);
        // A, W = f(buf, n): the call of a user function sized where it is called, its tuple's items the targets
        boolean tupleCall = a.targets().size() > 1 && names && a.op() == AssignOp.SET
                && a.value() instanceof Expr.Call tc && calls.sized(tc);
        calls.nested(a.value(), a.targets().size() == 1 && names || tupleCall, out);
        if (tupleCall) {
            calls.call(a.targets().stream().map(t -> ((Expr.Name) t).name()).toList(), (Expr.Call) a.value(), out);
            return;
        }
        Set<String> used = new LinkedHashSet<>();
        names(a.value(), used);
        for (Expr t : a.targets()) {
            if (t instanceof Expr.Index ix) {
                names(ix, used);
            }
        }
        if (a.targets().size() != 1 || !(a.targets().get(0) instanceof Expr.Name n)) {
            use(a.pos(), used, out);
            if (a.op() == AssignOp.SET && a.value() instanceof Expr.Call c && "size".equals(c.calleeName())
                    && c.args().size() == 1 && c.args().get(0) instanceof Expr.Name tensor
                    && a.targets().stream().allMatch(t -> t instanceof Expr.Name)) {
                for (int k = 0; k < a.targets().size(); k++) { // m, n = size(A): m = size(A, 1), n = size(A, 2)
                    String name = ((Expr.Name) a.targets().get(k)).name();
                    out.add(new SizeStmt.Let(a.pos(), name, shapes.printed(new SizeExpr.Call("size",
                            List.of(new SizeExpr.Var(tensor.name()), new SizeExpr.Num(k + 1))))));
                    allocations.remove(name);
                }
                return;
            }
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
        SizeExpr v = a.op() == AssignOp.SET ? SizeExprs.trySize(a.value()) : null; // L = length(A) too
        if (a.op() == AssignOp.SET && a.value() instanceof Expr.Range r) {
            v = SizeExprs.tryRange(r); // r = 1:n, for the slices it indexes
        }
        if (v == null && a.op() != AssignOp.SET && a.op() != AssignOp.BROADCAST) {
            SizeExpr rhs = SizeExprs.trySize(a.value());
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
            out.add(new SizeStmt.Let(a.pos(), n.name(), shapes.printed(v)));
            SizeStmt.Alloc same = v instanceof SizeExpr.Var of ? allocations.get(of.name()) : null;
            if (same != null) { // C = A: the same tensor
                allocations.put(n.name(), same);
            } else {
                allocations.remove(n.name());
            }
            return;
        }
        if (a.op() == AssignOp.BROADCAST) {
            used.add(n.name());
        }
        use(a.pos(), used, out);
        if (a.op() == AssignOp.SET && a.value() instanceof Expr.Index ix
                && SliceViews.translate(ix, n.name(), a.pos(), allocations, shapes, out)) {
            return;
        }
        if (a.op() != AssignOp.BROADCAST) { // a slice usage cannot write: a view
            out.add(new SizeStmt.Opaque(a.pos(), n.name(), a.value() instanceof Expr.Index,
                    SliceViews.elsewhere(a.value(), buffers)));
            allocations.remove(n.name());
        }
    }

    /** Translates a call on a named buffer; true if it was one. */
    boolean call(String target, Expr.Call c, List<SizeStmt> out) {
        String fn = c.calleeName();
        if (calls.sized(c)) {
            calls.call(target == null ? List.of() : List.of(target), c, out);
            return true;
        }
        return BufferCalls.translate(target, c, buffers, allocations, shapes, out);
    }
}
