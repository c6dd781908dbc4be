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
        if (!(ix.target() instanceof Expr.Name of)
                || ix.indices().stream().noneMatch(i -> i instanceof Expr.Colon || i instanceof Expr.Range)) {
            return false;
        }
        List<SizeStmt.SliceIndex> slice = new ArrayList<>();
        for (Expr i : ix.indices()) {
            SizeStmt.SliceIndex one = index(i, shapes);
            if (one == null) {
                return false;
            }
            slice.add(one);
        }
        out.add(new SizeStmt.Alias(pos, target, of.name(), List.copyOf(slice)));
        SizeStmt.Alloc parent = allocations.get(of.name());
        List<SizeExpr> dims = parent == null || parent.dims().size() != slice.size() ? null
                : Shapes.dims(parent.dims(), slice.stream().map(SliceViews::printed).toList());
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

    /**
     * An index as the printed function sizes it; a range's length is a number when its bounds and
     * step are, else {@code stop - start + 1} for a step of 1 (null for another step).
     */
    private static Shapes.Index<SizeExpr> printed(SizeStmt.SliceIndex i) {
        if (i.start() == null) {
            return new Shapes.Whole<>();
        }
        if (i.stop() == null) {
            return new Shapes.Drop<>();
        }
        SizeExpr step = i.step() == null ? new SizeExpr.Num(1) : i.step();
        if (i.start() instanceof SizeExpr.Num a && step instanceof SizeExpr.Num s && s.value() != 0
                && i.stop() instanceof SizeExpr.Num b) {
            return new Shapes.Span<>(new SizeExpr.Num(Shapes.length(a.value(), s.value(), b.value())));
        }
        return new Shapes.Span<>(i.step() != null ? null : new SizeExpr.Bin("+",
                new SizeExpr.Bin("-", i.stop(), i.start()), new SizeExpr.Num(1)));
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
     * kept dimensions; a value usage cannot know when the parent is not a tensor it knows, or an
     * index is not one it can compute (a range whose length may be negative as a formula, say).
     */
    static Object view(PathRun run, SizeStmt.Alias s) {
        Object parent = run.lookup(s.of());
        Opaque unknown = new Opaque(s.pos(), true, parent instanceof Opaque o && o.elsewhere());
        if (!(parent instanceof TensorRec t) || t.dims == null || t.dims.size() != s.slice().size()) {
            return unknown;
        }
        List<Shapes.Index<Poly>> indices = new ArrayList<>();
        boolean fromStart = true; // every range starts at 1 and steps by 1: all of it, when the sizes agree
        try {
            for (SizeStmt.SliceIndex i : s.slice()) {
                if (i.start() == null) {
                    indices.add(new Shapes.Whole<>());
                } else if (i.stop() == null) {
                    if (!(run.value(i.start()) instanceof Poly || run.value(i.start()) instanceof Symbolic.Free)) {
                        return unknown; // not an integer (a range in a variable, say)
                    }
                    indices.add(new Shapes.Drop<>());
                } else {
                    Poly start = run.integer(i.start(), "a range bound");
                    Poly stop = run.integer(i.stop(), "a range bound");
                    Poly step = i.step() == null ? Poly.constant(1) : run.integer(i.step(), "a range step");
                    Poly length = length(start, step, stop);
                    if (length == null) {
                        return unknown;
                    }
                    fromStart &= start.equals(Poly.constant(1)) && step.equals(Poly.constant(1));
                    indices.add(new Shapes.Span<>(length));
                }
            }
        } catch (PathRun.Unknowable u) {
            return unknown;
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
        Poly rest = v.of.size.minus(size);
        v.whole = Boolean.FALSE.equals(t.whole) || !fromStart || rest.isConstant() && rest.constantValue() != 0
                ? Boolean.FALSE : rest.isConstant() ? Boolean.TRUE : null;
        v.rest = rest;
        return v;
    }

    /**
     * How many indices {@code start:step:stop} has ({@link Shapes#length}, as the interpreter counts
     * them) with numbers; with formulas, {@code stop - start + 1} for a step of 1 when it cannot be
     * negative; else null.
     */
    private static Poly length(Poly start, Poly step, Poly stop) {
        if (start.isConstant() && step.isConstant() && stop.isConstant()) {
            return step.constantValue() == 0 ? null
                    : Poly.constant(Shapes.length(start.constantValue(), step.constantValue(), stop.constantValue()));
        }
        if (!step.equals(Poly.constant(1))) {
            return null;
        }
        Poly length = stop.minus(start).plus(Poly.constant(1));
        return length.dominates(Poly.ZERO) ? length : null;
    }
}
