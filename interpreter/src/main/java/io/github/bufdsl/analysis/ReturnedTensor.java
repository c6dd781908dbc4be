package io.github.bufdsl.analysis;

import io.github.bufdsl.diag.Pos;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The printed sizing function's view of a tensor a user function returns ({@code A = g(buf, 3)}
 * where g ends with {@code return X} after {@code X = alloc!(buf, n, n)}): the alloc! of X with g's
 * arguments put for its parameters, so that a {@code :=} from A is printed with its sizes. Paths
 * do not need it (they carry the tensor out of the call); only what the printed function can say
 * exactly is given, else nothing (the {@code :=} is then counted on the paths and not printed).
 */
final class ReturnedTensor {
    private ReturnedTensor() {
    }

    /**
     * The alloc! {@code target = f(args...)} amounts to, in the caller's names ({@code target} the
     * {@code index}-th of {@code count} targets: {@code A, W = f(args...)} takes the items of the
     * tuple f returns): f returns the same name there at every {@code return}, allocated once, in f's
     * body itself (not in a branch or loop), with sizes of parameters f does not reassign; null otherwise.
     */
    static SizeStmt.Alloc of(SizingFunction.PseudoFunction f, List<SizeStmt.Arg> args, Pos pos, String target,
            int index, int count) {
        if (f == null) {
            return null;
        }
        Set<String> returned = new HashSet<>();
        boolean[] other = {false};
        SizeStmts.any(f.body(), s -> {
            if (s instanceof SizeStmt.Return r) {
                // a single value for one target, a tuple of at least as many items for several (as Julia takes them)
                boolean fits = count == 1 ? r.values().size() == 1 : r.values().size() >= count;
                if (!fits || r.values().get(index) == null) {
                    other[0] = true;
                } else {
                    returned.add(r.values().get(index));
                }
            }
            return false;
        });
        if (other[0] || returned.size() != 1) {
            return null;
        }
        String name = returned.iterator().next();
        List<SizeStmt> assigning = new ArrayList<>();
        SizeStmts.any(f.body(), s -> {
            if (SizeStmts.targets(s).contains(name) || s instanceof SizeStmt.For loop && loop.var().equals(name)) {
                assigning.add(s);
            }
            return false;
        });
        if (assigning.size() != 1 || !(assigning.get(0) instanceof SizeStmt.Alloc a) || a.define() != null
                || !f.body().contains(a)) {
            return null;
        }
        Set<String> assigned = new HashSet<>();
        RepeatingLoops.assignedNames(f.body(), assigned);
        Map<String, SizeExpr> values = new HashMap<>();
        String buffer = null;
        for (int i = 0; i < f.params().size(); i++) {
            String p = f.params().get(i);
            SizeStmt.Arg arg = args.get(i);
            if (arg.buffer() != null && p.equals(a.buffer())) {
                buffer = arg.buffer();
            } else if (arg.buffer() == null && arg.value() != null && !assigned.contains(p)) {
                values.put(p, arg.value());
            }
        }
        if (buffer == null) {
            return null;
        }
        List<SizeExpr> dims = new ArrayList<>();
        for (SizeExpr d : a.dims()) {
            SizeExpr e = SizeExprs.substitute(d, values);
            if (e == null) {
                return null;
            }
            dims.add(e);
        }
        return new SizeStmt.Alloc(pos, target, buffer, dims);
    }

    /**
     * What a printed {@code return} of {@code f} gives back, item by item for a tuple: the tensor
     * returned when f allocates it (its length, in the printed function), a number usage follows
     * ({@code return 2 * n, A}), else null for that item; null as a whole when no item is either (a
     * plain {@code return}).
     */
    static List<SizeExpr> printed(SizeStmt.Return r, SizingFunction.PseudoFunction f) {
        if (f == null) {
            return null;
        }
        List<SizeExpr> items = new ArrayList<>();
        boolean any = false;
        for (int i = 0; i < r.values().size(); i++) {
            String v = r.values().get(i);
            boolean allocated = v != null && SizeStmts.any(f.body(), s -> s instanceof SizeStmt.Alloc a
                    && v.equals(a.target()) && a.buffer() != null);
            // a tensor f makes otherwise (a := whose size the printed function cannot state, a view) gives nothing
            boolean tensor = v != null && SizeStmts.any(f.body(), s -> (s instanceof SizeStmt.Alloc
                    || s instanceof SizeStmt.Reshape || s instanceof SizeStmt.Alias) && SizeStmts.targets(s).contains(v));
            SizeExpr item = allocated ? new SizeExpr.Var(v) : tensor ? null : r.numbers().get(i);
            items.add(item);
            any |= item != null;
        }
        return any ? items : null;
    }

    /** Whether a printed call of {@code f} gives back a tensor's length (see {@link #printed}). */
    static boolean printsValue(SizingFunction.PseudoFunction f) {
        return f != null && SizeStmts.any(f.body(), s -> s instanceof SizeStmt.Return r && printed(r, f) != null);
    }

    /**
     * How many values a printed call of {@code f} gives back: the most items a {@code return} of it
     * has (1 for a single value; a tuple's length), for the printed calls and returns to agree.
     */
    static int arity(SizingFunction.PseudoFunction f) {
        int[] most = {1};
        if (f != null) {
            SizeStmts.any(f.body(), s -> {
                if (s instanceof SizeStmt.Return r) {
                    most[0] = Math.max(most[0], r.values().size());
                }
                return false;
            });
        }
        return most[0];
    }
}
