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
     * The alloc! {@code target = f(args...)} amounts to, in the caller's names: f returns the same
     * name at every {@code return}, allocated once, in f's body itself (not in a branch or loop), with
     * sizes of parameters f does not reassign; null otherwise.
     */
    static SizeStmt.Alloc of(SizingFunction.PseudoFunction f, List<SizeStmt.Arg> args, Pos pos, String target) {
        if (f == null) {
            return null;
        }
        Set<String> returned = new HashSet<>();
        boolean[] other = {false};
        SizeStmts.any(f.body(), s -> {
            if (s instanceof SizeStmt.Return r) {
                if (r.value() == null) {
                    other[0] = true;
                } else {
                    returned.add(r.value());
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
            if (name.equals(SizeStmts.target(s)) || s instanceof SizeStmt.For loop && loop.var().equals(name)) {
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
     * The name a printed {@code return} of {@code f} gives back: the tensor it returns when f
     * allocates it (its length, in the printed function), else null (a plain {@code return}).
     */
    static String printed(SizeStmt.Return r, SizingFunction.PseudoFunction f) {
        return f != null && r.value() != null && SizeStmts.any(f.body(), s -> s instanceof SizeStmt.Alloc a
                && r.value().equals(a.target()) && a.buffer() != null) ? r.value() : null;
    }

    /** Whether a printed call of {@code f} gives back a tensor's length (see {@link #printed}). */
    static boolean printsValue(SizingFunction.PseudoFunction f) {
        return f != null && SizeStmts.any(f.body(), s -> s instanceof SizeStmt.Return r && printed(r, f) != null);
    }
}
