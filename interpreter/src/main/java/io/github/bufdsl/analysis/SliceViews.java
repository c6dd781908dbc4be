package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.Symbolic.Opaque;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.builtins.Role;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.exec.Builtins;
import io.github.bufdsl.exec.Shapes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shapes in the sizing function ({@code Av = A[:, :, p]}): a view of part of a tensor, with its
 * parent's buffer and the dimensions {@link Shapes} gives (the interpreter's rule), so that
 * {@code @tensor S[...] := Av[...] * ...} is allocated where running allocates it and its workspace
 * is sized. A slice usage cannot follow (of a tensor it does not know, or with a range whose
 * length it cannot tell) is a value usage cannot know.
 */
final class SliceViews {
    private SliceViews() {
    }

    /**
     * Translates {@code target = ix} when {@code ix} is a slice of a named tensor with indices usage
     * can write ({@code :}, arithmetic, ranges of arithmetic); false (nothing added) otherwise. The
     * printed function's view of it ({@code allocations}, for a {@code :=} from it) is its parent's
     * alloc! with the kept dimensions, where the ranges have step 1.
     */
    static boolean translate(Expr.Index ix, String target, Pos pos, Map<String, SizeStmt.Alloc> allocations,
            PrintedShapes shapes, List<SizeStmt> out) {
        if (!(ix.target() instanceof Expr.Name of) || ix.indices().stream().noneMatch(i -> i instanceof Expr.Colon
                || i instanceof Expr.Range || i instanceof Expr.Name n && shapes.mayBeRange(n.name()))) {
            return false;
        }
        List<SizeStmt.SliceIndex> slice = new ArrayList<>();
        List<Shapes.Index<SizeExpr>> printed = new ArrayList<>();
        for (Expr i : ix.indices()) {
            SizeStmt.SliceIndex one = index(i, shapes);
            if (one == null) {
                return false;
            }
            slice.add(one);
            // a variable may hold a range (A[:, r] after r = 1:3): its count, else it drops the dimension
            printed.add(i instanceof Expr.Name n ? shapes.variableIndex(n.name()) : printed(one));
        }
        out.add(new SizeStmt.Alias(pos, target, of.name(), List.copyOf(slice)));
        SizeStmt.Alloc parent = allocations.get(of.name());
        List<SizeExpr> dims = parent == null || parent.dims().size() != slice.size() ? null
                : Shapes.dims(parent.dims(), printed);
        if (dims != null && !dims.contains(null)) {
            allocations.put(target, new SizeStmt.Alloc(pos, target, parent.buffer(), dims));
        } else {
            allocations.remove(target);
        }
        return true;
    }

    /** One index; {@code end} (size(A, k) or length(A)) reads the tensor's dimension. */
    private static SizeStmt.SliceIndex index(Expr i, PrintedShapes shapes) {
        if (i instanceof Expr.Colon) {
            return new SizeStmt.SliceIndex(null, null, null);
        }
        if (i instanceof Expr.Range r) {
            SizeExpr start = SizeExprs.trySize(r.start());
            SizeExpr stop = SizeExprs.trySize(r.stop());
            SizeExpr step = r.step() == null ? null : SizeExprs.trySize(r.step());
            return start == null || stop == null || r.step() != null && step == null ? null
                    : new SizeStmt.SliceIndex(shapes.printed(start), step == null ? null : shapes.printed(step),
                            shapes.printed(stop));
        }
        SizeExpr at = SizeExprs.trySize(i);
        return at == null ? null : new SizeStmt.SliceIndex(shapes.printed(at), null, null);
    }

    /** An index as the printed function sizes it ({@link #printedLength} for a range). */
    private static Shapes.Index<SizeExpr> printed(SizeStmt.SliceIndex i) {
        if (i.start() == null) {
            return new Shapes.Whole<>();
        }
        if (i.stop() == null) {
            return new Shapes.Drop<>();
        }
        return new Shapes.Span<>(printedLength(i.start(), i.step(), i.stop()));
    }

    /**
     * Julia's length of {@code start:step:stop} ({@code step} null for 1) as the printed function
     * writes it: a number where the bounds are numbers, else {@code max(0, stop - start + 1)} and for
     * a step {@code s} past 1 {@code max(0, cld(stop - start + 1, s))} (downwards {@code start - stop +
     * 1} and {@code -s}); null for a step that is a formula, whose sign the printed function does not know.
     */
    static SizeExpr printedLength(SizeExpr start, SizeExpr step, SizeExpr stop) {
        Long a = constant(start);
        Long b = constant(stop);
        Long s = step == null ? Long.valueOf(1) : constant(step);
        if (s == null || s == 0) {
            return null;
        }
        if (a != null && b != null) {
            return new SizeExpr.Num(Shapes.length(a, s, b));
        }
        // the count of integers from low to high: high - low + 1
        SizeExpr high = s > 0 ? stop : start;
        SizeExpr low = s > 0 ? start : stop;
        Long l = s > 0 ? a : b;
        SizeExpr runs = l == null ? new SizeExpr.Bin("+", new SizeExpr.Bin("-", high, low), new SizeExpr.Num(1))
                : l == 1 ? high : new SizeExpr.Bin(l > 1 ? "-" : "+", high, new SizeExpr.Num(Math.abs(l - 1)));
        SizeExpr count = Math.abs(s) == 1 ? runs : new SizeExpr.Call("cld", List.of(runs, new SizeExpr.Num(Math.abs(s))));
        return new SizeExpr.Call("max", List.of(new SizeExpr.Num(0), count));
    }

    /** The value of a printed size that is a number ({@code 4 - 2}, {@code size(A, 2)} printed as 4), else null. */
    private static Long constant(SizeExpr e) {
        if (e instanceof SizeExpr.Num n) {
            return n.value();
        }
        if (e instanceof SizeExpr.Call c && PrintedShapes.formOf(c) != null) {
            return constant(PrintedShapes.formOf(c));
        }
        if (e instanceof SizeExpr.Unary u && u.op().equals("-")) {
            Long x = constant(u.operand());
            return x == null ? null : -x;
        }
        if (e instanceof SizeExpr.Bin bin && (bin.op().equals("+") || bin.op().equals("-") || bin.op().equals("*"))) {
            Long x = constant(bin.left());
            Long y = constant(bin.right());
            return x == null || y == null ? null : switch (bin.op()) {
                case "+" -> x + y;
                case "-" -> x - y;
                default -> x * y;
            };
        }
        return null;
    }

    /** Whether {@code value} makes a tensor in a buffer the sizing function does not size. */
    static boolean elsewhere(Expr value, Set<String> buffers) {
        return value instanceof Expr.Call c && c.calleeName() != null
                && (Builtins.role(c.calleeName()) instanceof Role.Alloc
                        || Builtins.role(c.calleeName()) instanceof Role.Reshape)
                && !c.args().isEmpty() && c.args().get(0) instanceof Expr.Name b && !buffers.contains(b.name());
    }

    /**
     * The view {@code s} makes on this path: a record on no stack, part of its parent, with the
     * kept dimensions; a value usage cannot know, with the reason, when the parent is not a tensor it
     * knows or an index is not one it can compute.
     */
    static Object view(PathRun run, SizeStmt.Alias s) {
        Object parent = run.lookup(s.of());
        boolean elsewhere = parent instanceof Opaque o && o.elsewhere();
        if (!(parent instanceof TensorRec t) || t.dims == null || t.dims.size() != s.slice().size()) {
            return new Opaque(s.pos(), true, elsewhere);
        }
        List<Shapes.Index<Poly>> indices = new ArrayList<>();
        // all of it in place where these are all 0: a range starts at 1, and steps by 1 or has one index
        List<Poly> wholeWhen = new ArrayList<>();
        try {
            for (SizeStmt.SliceIndex i : s.slice()) {
                if (i.start() == null) {
                    indices.add(new Shapes.Whole<>());
                } else if (i.stop() == null && !(run.value(i.start()) instanceof Symbolic.Range)) {
                    if (!(run.value(i.start()) instanceof Poly || run.value(i.start()) instanceof Symbolic.Free)) {
                        return new Opaque(s.pos(), true, elsewhere); // not an integer
                    }
                    indices.add(new Shapes.Drop<>());
                } else {
                    // a range as written, or one a variable holds (A[:, r] after r = 1:3)
                    Symbolic.Range r = i.stop() == null ? (Symbolic.Range) run.value(i.start()) : null;
                    Poly start = r != null ? r.start() : run.integer(i.start(), "a range bound");
                    Poly stop = r != null ? r.stop() : run.integer(i.stop(), "a range bound");
                    Poly step = r != null ? r.step()
                            : i.step() == null ? Poly.constant(1) : run.integer(i.step(), "a range step");
                    Poly count = length(run, start, step, stop);
                    if (!step.equals(Poly.constant(1))) {
                        wholeWhen.add(count.minus(Poly.constant(1)));
                    }
                    wholeWhen.add(start.minus(Poly.constant(1)));
                    indices.add(new Shapes.Span<>(count));
                }
            }
        } catch (PathRun.Unknowable u) {
            return new Opaque(s.pos(), true, elsewhere, u.getMessage());
        } catch (NoLength n) {
            return new Opaque(s.pos(), true, elsewhere, n.getMessage());
        }
        if (indices.stream().allMatch(i -> i instanceof Shapes.Drop)) {
            return new Opaque(s.pos()); // A[r, 1] where r holds an integer on this path: an element, a number
        }
        List<Poly> dims = Shapes.dims(t.dims, indices);
        Poly size = Poly.constant(1);
        for (Poly d : dims) {
            size = run.times(size, d);
        }
        TensorRec v = new TensorRec(s.name(), t.buffer, size, s.pos(), dims, t.offset, t.float32);
        v.offHeap = t.offHeap;
        v.view = t.view;
        v.of = t.of != null ? t.of : t;
        // all of its allocation (used in place as it is) when it has as many elements from its start
        wholeWhen.add(v.of.size.minus(size));
        if (t.whole == null) {
            wholeWhen.addAll(t.wholeWhen);
        }
        wholeWhen.removeIf(p -> p.isConstant() && p.constantValue() == 0);
        v.whole = Boolean.FALSE.equals(t.whole) || wholeWhen.stream().anyMatch(Poly::isConstant) ? Boolean.FALSE
                : wholeWhen.isEmpty() ? Boolean.TRUE : null;
        v.wholeWhen = List.copyOf(wholeWhen);
        return v;
    }

    /** {@code length(r)} of a range a variable holds; a value usage cannot know when it cannot tell. */
    static Poly length(PathRun run, Symbolic.Range r) {
        try {
            return length(run, r.start(), r.step(), r.stop());
        } catch (NoLength n) {
            throw run.unknowable("usage cannot compute length(" + r + ") before running: " + n.getMessage());
        }
    }

    /** A range whose length usage cannot tell on this path, with the reason. */
    private static final class NoLength extends RuntimeException {
        NoLength(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * How many indices {@code start:step:stop} has, as Julia counts them ({@link Shapes#length} with
     * numbers): with formulas {@code stop - start + 1} for a step of 1 (-1: {@code start - stop + 1}),
     * {@code fld(stop - start, step) + 1} for another, where that span plus 1 is not negative, and 0
     * where it is; whether it is, when that depends on the free variables, is a condition followed
     * both ways ({@code n >= 1} for {@code 2:n}), and in a loop one on its variable splits it.
     */
    static Poly length(PathRun run, Poly start, Poly step, Poly stop) {
        if (step.isConstant() && step.constantValue() == 0) {
            throw run.fail(run.at, "a range step cannot be zero");
        }
        if (start.isConstant() && step.isConstant() && stop.isConstant()) {
            return Poly.constant(Shapes.length(start.constantValue(), step.constantValue(), stop.constantValue()));
        }
        boolean down;
        if (step.isConstant()) {
            down = step.constantValue() < 0;
        } else if (step.dominates(Poly.ZERO)) { // s, 2s: free variables are sizes; its 0 is running's error
            down = false;
        } else if (Poly.ZERO.dominates(step)) {
            down = true;
        } else {
            throw new NoLength("whether the step " + step + " of a range counts up or down depends on the free"
                    + " variables");
        }
        Poly span = down ? start.minus(stop) : stop.minus(start);
        Poly by = down ? step.negate() : step;
        Poly count = by.equals(Poly.constant(1)) ? span.plus(Poly.constant(1))
                : Poly.symbol("fld(" + span + ", " + by + ")").plus(Poly.constant(1));
        return nonNegative(run, span.plus(Poly.constant(1))) ? count : Poly.ZERO;
    }

    /** Whether {@code runs} (a range's span plus 1) is not negative on this path: the range's count is then its formula. */
    private static boolean nonNegative(PathRun run, Poly runs) {
        if (runs.dominates(Poly.ZERO)) {
            return true;
        }
        if (Poly.ZERO.dominates(runs.plus(Poly.constant(1)))) {
            return false;
        }
        if (run.loops.pieces.mentionsLoop(runs)) { // on the piece of the loop, or split it where it changes
            Boolean r = run.loops.pieces.compare(">=", runs, Poly.ZERO);
            if (r == null) {
                throw new Signals.NotClosed("whether the range of length " + runs + " is empty is not linear in the"
                        + " loop variable");
            }
            return r;
        }
        if (run.worstCase) {
            throw new NoLength("whether a range of length " + runs + " is empty depends on the free variables, and"
                    + " usage merged the paths (more than " + run.ev.maxPaths + "); give values with --var");
        }
        long c = runs.constantTerm();
        return run.decide(runs.minus(Poly.constant(c)) + " >= " + (-c));
    }
}
