package io.github.bufdsl.analysis;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@code return} in a user function, as the sizing function has it: what it returns item by item
 * (one item, or a tuple's: {@code return A, W}). An item that allocates or slices ({@code return
 * alloc!(buf, n), W}, {@code return A[2:end, :]}) is made first under a name of its own, as in
 * {@code returned = alloc!(buf, n); return returned, W}, so that paths carry it out of the call.
 */
final class ReturnStatements {
    /** The name the printed sizing function gives a value returned straight from a builtin's call (the first item). */
    static final String RETURNED = "returned";

    private ReturnStatements() {
    }

    static void translate(SizingBuilder b, Stmt.Return r, List<SizeStmt> out) {
        List<Expr> items = r.value() == null ? List.of()
                : r.value() instanceof Expr.Tuple t ? t.items() : List.of(r.value());
        List<String> values = new ArrayList<>();
        List<SizeExpr> numbers = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < items.size(); i++) {
            Expr x = items.get(i);
            String name = i == 0 ? RETURNED : RETURNED + "_" + (i + 1);
            if (x instanceof Expr.Call c && !b.userFunctions.containsKey(c.calleeName()) && b.call(name, c, out)
                    || x instanceof Expr.Index ix
                            && SliceViews.translate(ix, name, r.pos(), b.allocations, b.shapes, out)) {
                values.add(name); // return alloc!(buf, n), return A[2:end, :]: as in returned = ...; return returned
                numbers.add(null);
            } else {
                b.calls.nested(x, false, out);
                SizeExprs.names(x, names);
                values.add(x instanceof Expr.Name n ? n.name() : null);
                SizeExpr v = SizeExprs.trySize(x); // return 2 * n, A: a number the caller's sizes may read
                numbers.add(v == null ? null : b.shapes.printed(v));
            }
        }
        SizingBuilder.use(r.pos(), names, out);
        out.add(new SizeStmt.Return(r.pos(), values, numbers));
    }

    /**
     * The body of a function with each returned number that reads a variable the function assigns a
     * value usage cannot know ({@code x = sum(A)}, on any path) left unknown: neither followed nor printed
     * (the printed function does not assign such a variable).
     */
    static List<SizeStmt> settled(List<SizeStmt> body) {
        Set<String> opaque = new java.util.HashSet<>();
        SizeStmts.any(body, s -> {
            if (s instanceof SizeStmt.Opaque o) {
                opaque.add(o.name());
            }
            return false;
        });
        return opaque.isEmpty() ? body : settled(body, opaque);
    }

    private static List<SizeStmt> settled(List<SizeStmt> body, Set<String> opaque) {
        List<SizeStmt> out = new ArrayList<>();
        for (SizeStmt s : body) {
            if (s instanceof SizeStmt.Return r) {
                List<SizeExpr> numbers = new ArrayList<>();
                for (SizeExpr e : r.numbers()) {
                    Set<String> read = new java.util.HashSet<>();
                    if (e != null) {
                        Pruner.vars(e, read);
                    }
                    read.retainAll(opaque);
                    numbers.add(read.isEmpty() ? e : null);
                }
                out.add(new SizeStmt.Return(r.pos(), r.values(), numbers));
            } else if (s instanceof SizeStmt.If f) {
                List<SizeStmt.Branch> branches = f.branches().stream()
                        .map(b -> new SizeStmt.Branch(b.condition(), settled(b.body(), opaque))).toList();
                out.add(new SizeStmt.If(f.pos(), branches, f.elseBody() == null ? null : settled(f.elseBody(), opaque)));
            } else if (s instanceof SizeStmt.For f) {
                out.add(new SizeStmt.For(f.pos(), f.var(), f.start(), f.step(), f.stop(), settled(f.body(), opaque),
                        f.threaded(), f.nested()));
            } else if (s instanceof SizeStmt.While w) {
                out.add(new SizeStmt.While(w.pos(), w.condition(), settled(w.body(), opaque)));
            } else {
                out.add(s);
            }
        }
        return out;
    }

    /** Whether a tensor has the name an item of a {@code return} is made under (run names it by its caller's target). */
    static boolean made(String name) {
        return name.equals(RETURNED) || name.matches(RETURNED + "_\\d+");
    }
}
