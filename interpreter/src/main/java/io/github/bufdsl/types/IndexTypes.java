package io.github.bufdsl.types;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.exec.Shapes;
import io.github.bufdsl.resolve.Resolution;
import io.github.bufdsl.types.Type.Dim;
import java.util.ArrayList;
import java.util.List;

/**
 * Indexing: a tensor's indices and slices against its dimensions, tuples, Refs.
 */
abstract class IndexTypes extends ArithTypes {
    IndexTypes(Resolution resolution, TypeChecker.Options options) {
        super(resolution, options);
    }

    // ------------------------------------------------------------------ indexing

    Type index(Expr.Index e) {
        Type target = expr(e.target());
        if (target instanceof Type.RefT) {
            if (!e.indices().isEmpty()) {
                error(e.pos(), "a Ref is read with r[]");
            }
            e.indices().forEach(this::expr);
            return Type.UNKNOWN;
        }
        if (target instanceof Type.TensorT t) {
            return indexTensor(e, t);
        }
        if (target instanceof Type.TupleT t) {
            List<Type> idx = e.indices().stream().map(this::expr).toList();
            if (idx.size() != 1) {
                error(e.pos(), "a tuple takes one index");
                return Type.UNKNOWN;
            }
            Expr ie = e.indices().get(0);
            demand(ie, idx.get(0), Kind.INDEX, "a tuple index", ie.pos(),
                    x -> "a tuple index must be an integer, not " + x);
            Long i = integerValue(idx.get(0));
            if (t.items() == null) {
                return Type.UNKNOWN;
            }
            if (i != null) {
                if (i < 1 || i > t.items().size()) {
                    error(e.pos(), "index " + i + " is out of bounds 1:" + t.items().size() + " of the tuple");
                    return Type.UNKNOWN;
                }
                return t.items().get((int) (i - 1));
            }
            Type joined = null;
            for (Type item : t.items()) {
                joined = Type.join(joined, item);
            }
            return joined == null ? Type.UNKNOWN : joined;
        }
        e.indices().forEach(this::expr);
        if (use(e.target(), Kind.TENSOR, "an indexed value") && !(target instanceof Type.Unknown)) {
            error(e.pos(), "cannot index " + describe(e.target(), target));
        }
        return Type.UNKNOWN;
    }

    /**
     * {@code A[i, j]} or a slice {@code A[:, k]}, {@code A[2:3, :]}: the count of indices, and each
     * index or slice bound against its dimension where that is decided: both numbers, or their
     * difference a number ({@code A[n + 2, 1]} of an {@code n×(n + 1)} tensor is past its end for
     * every n).
     */
    Type indexTensor(Expr.Index e, Type.TensorT t) {
        int n = e.indices().size();
        boolean slice = e.indices().stream().anyMatch(i -> i instanceof Expr.Colon || i instanceof Expr.Range);
        List<Dim> dims = t.dims();
        Integer rank = dims == null ? null : dims.size();
        boolean countOk = rank == null || n == rank || (n == 1 && !(e.indices().get(0) instanceof Expr.Colon));
        if (!countOk) {
            error(e.pos(), "a tensor of " + (dims.stream().allMatch(d -> d.poly() != null) ? "size " + t.shape()
                    : rank + " dimension" + (rank == 1 ? "" : "s"))
                    + " takes " + rank + " ind" + (rank == 1 ? "ex" : "ices") + ", not " + n);
        }
        boolean wrong = !countOk;
        List<Dim> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            Expr ie = e.indices().get(k);
            Sym bound = null;
            if (countOk && dims != null) {
                if (n == 1 && rank != 1) {
                    bound = Sym.constant(1);
                    for (Dim d : dims) {
                        bound = Sym.mul(bound, d.poly());
                    }
                } else {
                    bound = dims.get(k).poly();
                }
            }
            if (ie instanceof Expr.Colon) { // the dimensions a slice keeps: Shapes, the interpreter's rule
                out.add(Shapes.kept(new Shapes.Whole<>(), countOk && dims != null && n == rank ? dims.get(k)
                        : Dim.UNKNOWN));
                continue;
            }
            Type it = expr(ie);
            if (it instanceof Type.RangeT r) {
                slice = true; // a range a variable holds (A[r, s] after r = 1:3): a slice too
                out.add(Shapes.kept(new Shapes.Span<>(sliceLength(r)), Dim.UNKNOWN));
                wrong |= !rangeBounds(ie, k, n, t, r, bound);
                continue;
            }
            if (!demand(ie, it, Kind.INDEX, "an index", ie.pos(), x -> "an index must be an integer, not "
                    + x)) {
                wrong = true;
                continue;
            }
            Sym i = symOf(it);
            if (i != null) {
                wrong |= !checkBound(ie, k, n, t, i, bound);
            }
        }
        if (wrong) {
            return Type.ERROR;
        }
        return slice ? new Type.TensorT(rank != null && countOk && n == rank ? List.copyOf(out) : null, t.home())
                : Type.FloatT.of(null); // a Float64, or a Float32 of a Float32 buffer
    }

    /** How many indices a range takes: a number, or a formula when its step is 1 or -1. */
    static Dim sliceLength(Type.RangeT r) {
        if (r.start() != null && r.step() != null && r.stop() != null && r.step() != 0) {
            return Dim.of(r.knownEmpty() ? 0 : (r.stop() - r.start()) / r.step() + 1);
        }
        if (r.step() != null && Math.abs(r.step()) == 1) {
            Sym span = r.step() == 1 ? Sym.sub(r.stopSym(), r.startSym()) : Sym.sub(r.startSym(), r.stopSym());
            return new Dim(Sym.add(span, Sym.constant(1))); // a negative count is an empty range: past no end
        }
        return Dim.UNKNOWN;
    }

    /**
     * A range's bounds against its dimension, when the range is certainly not empty: its first
     * and last index from 1 to the dimension. False when an error was reported.
     */
    boolean rangeBounds(Expr ie, int k, int n, Type.TensorT t, Type.RangeT r, Sym bound) {
        Long step = r.step();
        if (step == null || step == 0 || r.startSym() == null || r.stopSym() == null) {
            return true;
        }
        Long span = Sym.difference(r.stopSym(), r.startSym());
        boolean nonEmpty = span != null && (step > 0 ? span >= 0 : span <= 0);
        if (!nonEmpty) {
            return true; // an empty range is in bounds anywhere; one that may be empty is left to the run
        }
        String text = r.startSym() + (step == 1 ? "" : ":" + step) + ":" + r.stopSym();
        // the smallest and largest index the range takes (a backwards one, 3:-1:1, from its end)
        Sym lo = step > 0 ? r.startSym() : Sym.add(r.stopSym(), Sym.constant(Math.floorMod(-span, -step)));
        Sym hi = step > 0 ? Sym.sub(r.stopSym(), Sym.constant(Math.floorMod(span, step))) : r.startSym();
        Long low = lo.constantValue();
        Long past = bound == null || hi == null ? null : Sym.difference(hi, bound);
        if ((low != null && low < 1) || (past != null && past > 0)) {
            error(start(ie), "index " + text + " is out of bounds" + (bound == null ? ": indices count from 1"
                    : " 1:" + bound + (n == 1 ? "" : " in dimension " + (k + 1)) + sizeOf(t)));
            return false;
        }
        return true;
    }

    static String sizeOf(Type.TensorT t) {
        return t.dims() != null && t.dims().stream().allMatch(d -> d.poly() != null)
                ? " of a tensor of size " + t.shape() : "";
    }

    /** A scalar index against its dimension; false when an error was reported. */
    boolean checkBound(Expr ie, int k, int n, Type.TensorT t, Sym i, Sym bound) {
        Long low = i.constantValue();
        Long past = bound == null ? null : Sym.difference(i, bound);
        if ((low == null || low >= 1) && (past == null || past <= 0)) {
            return true;
        }
        String size = sizeOf(t);
        if (bound != null) {
            error(start(ie), "index " + i + " is out of bounds 1:" + bound + (n == 1 ? "" : " in dimension " + (k + 1))
                    + size);
        } else {
            error(start(ie), "index " + i + " is out of bounds: indices count from 1"
                    + (n == 1 ? "" : " (dimension " + (k + 1) + ")"));
        }
        return false;
    }

    /** Where an expression begins: {@code n + 2} at n, not at its operator. */
    static Pos start(Expr e) {
        if (e instanceof Expr.Binary b) {
            return start(b.left());
        }
        if (e instanceof Expr.Range r) {
            return start(r.start());
        }
        if (e instanceof Expr.Logical l) {
            return start(l.left());
        }
        if (e instanceof Expr.Index ix) {
            return start(ix.target());
        }
        return e.pos();
    }

}
