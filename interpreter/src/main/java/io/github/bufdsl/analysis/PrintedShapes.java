package io.github.bufdsl.analysis;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.ast.StmtBodies;
import io.github.bufdsl.exec.Shapes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the printed sizing function writes {@code size(A, k)} and {@code length(A)} of a tensor
 * ({@link SizeExprs#trySize}): in the script's variables, A's alloc! sizes ({@code size(A, 1)} after
 * {@code A = alloc!(buf, n, 4)} is {@code n}), carried as the call's last argument. Paths do not read
 * it (they take the dimensions of the tensor where they run); it is given only where it is the same
 * value, by the rule of {@link AssignmentSites#stated} (the one {@code :=} is printed by), at the
 * statement being translated ({@link #at}). Else the call is printed as written.
 */
final class PrintedShapes {
    /** The latest alloc! of each tensor name as the translation sees it. */
    private final Map<String, SizeStmt.Alloc> allocations;
    private final AssignmentSites sites = new AssignmentSites();
    private final Map<Stmt, AssignmentSites.Site> statements = new java.util.IdentityHashMap<>();
    /** The site of the statement being translated (kept through statements the translation makes up). */
    private AssignmentSites.Site current;
    /** The names that may hold a range ({@code r = 1:n}, {@code r2 = r}), and the range each is last assigned as written. */
    private final Set<String> rangeNames = new HashSet<>();
    private final Map<String, Expr> ranges = new java.util.HashMap<>();
    private final List<Stmt.Assign> assigns = new ArrayList<>();

    PrintedShapes(Map<String, SizeStmt.Alloc> allocations, List<Stmt> scope) {
        this.allocations = allocations;
        walk(scope, List.of(0));
        for (boolean more = true; more;) { // r2 = r after r = 1:n, in any order (a loop may assign r later)
            more = false;
            for (Stmt.Assign a : assigns) {
                String name = ((Expr.Name) a.targets().get(0)).name();
                if (!rangeNames.contains(name) && holdsRange(a.value())) {
                    more = rangeNames.add(name);
                }
            }
        }
    }

    /**
     * Whether an assigned value may be a range the paths follow: one written there, a name that may
     * hold one, or a ternary with one of those on a side (the paths take other values for numbers).
     */
    private boolean holdsRange(Expr e) {
        return e instanceof Expr.Range || e instanceof Expr.Name n && rangeNames.contains(n.name())
                || e instanceof Expr.Ternary t && (holdsRange(t.ifTrue()) || holdsRange(t.ifFalse()));
    }

    private void walk(List<Stmt> body, List<Integer> block) {
        for (Stmt s : body) {
            if (s instanceof Stmt.Function) {
                continue; // its own scope
            }
            statements.put(s, sites.statement(block));
            if (s instanceof Stmt.Assign a) {
                a.targets().stream().filter(t -> t instanceof Expr.Name)
                        .forEach(t -> sites.assign(((Expr.Name) t).name(), block));
                if (a.targets().size() == 1 && a.targets().get(0) instanceof Expr.Name n) {
                    assigns.add(a);
                    if (a.value() instanceof Expr.Range || a.value() instanceof Expr.Name) {
                        ranges.put(n.name(), a.value());
                    }
                }
            } else if (s instanceof Stmt.Tensor t && t.lhs().tensor() instanceof Expr.Name n
                    && t.op() == io.github.bufdsl.ast.AssignOp.DEFINE) {
                sites.assign(n.name(), block);
            }
            for (List<Stmt> inner : StmtBodies.of(s)) {
                List<Integer> nested = sites.nested(block);
                if (s instanceof Stmt.For f) {
                    sites.assign(f.var(), nested);
                }
                walk(inner, nested);
            }
        }
    }

    /** The statement about to be translated; returns the one before, to restore after it. */
    AssignmentSites.Site at(Stmt s) {
        AssignmentSites.Site before = current;
        AssignmentSites.Site site = statements.get(s);
        if (site != null) {
            current = site;
        }
        return before;
    }

    void restore(AssignmentSites.Site site) {
        current = site;
    }

    /** {@code e} with the printed form added to each read of a tensor's dimensions where it has one. */
    SizeExpr printed(SizeExpr e) {
        if (e instanceof SizeExpr.Call c && SizeExprs.SHAPES.contains(c.function())) {
            SizeExpr form = form(c);
            if (form == null) {
                return c;
            }
            List<SizeExpr> args = new ArrayList<>(c.args());
            args.add(form);
            return new SizeExpr.Call(c.function(), List.copyOf(args));
        }
        if (e instanceof SizeExpr.Call c) {
            return new SizeExpr.Call(c.function(), c.args().stream().map(this::printed).toList());
        }
        if (e instanceof SizeExpr.Bin b) {
            return new SizeExpr.Bin(b.op(), printed(b.left()), printed(b.right()), b.literalPower());
        }
        if (e instanceof SizeExpr.Logic l) {
            return new SizeExpr.Logic(l.isAnd(), printed(l.left()), printed(l.right()));
        }
        if (e instanceof SizeExpr.Unary u) {
            return new SizeExpr.Unary(u.op(), printed(u.operand()));
        }
        if (e instanceof SizeExpr.Range r) {
            return new SizeExpr.Range(printed(r.start()), r.step() == null ? null : printed(r.step()), printed(r.stop()));
        }
        return e;
    }

    /**
     * What a slice index that is the variable {@code name} does to its dimension in the printed
     * function: drops it when the variable holds no range (an integer); keeps the printed count of its
     * range ({@link SliceViews#printedLength}) where that range as written is its value (the rule of
     * {@link AssignmentSites#stated}); else keeps a count the printed function cannot state (null).
     */
    Shapes.Index<SizeExpr> variableIndex(String name) {
        return rangeNames.contains(name) ? new Shapes.Span<>(rangeLength(name)) : new Shapes.Drop<>();
    }

    /** Whether the variable {@code name} may hold a range where it is read. */
    boolean mayBeRange(String name) {
        return rangeNames.contains(name);
    }

    /** The printed count of the range {@code name} holds where it is as written ({@code r = 2:n}, {@code s = r}), else null. */
    private SizeExpr rangeLength(String name) {
        Expr value = ranges.get(name);
        if (value instanceof Expr.Name of) { // s = r: r's, where s is assigned once after r
            return sites.stated(name, Set.of(of.name()), current) ? rangeLength(of.name()) : null;
        }
        SizeExpr.Range r = value instanceof Expr.Range written ? SizeExprs.tryRange(written) : null;
        if (r == null) {
            return null;
        }
        r = (SizeExpr.Range) printed(r);
        Set<String> vars = new HashSet<>();
        Pruner.vars(r, vars);
        return sites.stated(name, vars, current) ? SliceViews.printedLength(r.start(), r.step(), r.stop()) : null;
    }

    private SizeExpr form(SizeExpr.Call c) {
        String tensor = ((SizeExpr.Var) c.args().get(0)).name();
        SizeStmt.Alloc a = allocations.get(tensor);
        if (rangeNames.contains(tensor)) { // length(r), size(r, 1) of a range
            SizeExpr length = rangeLength(tensor);
            return length == null || c.function().equals("length") ? length
                    : c.args().get(1) instanceof SizeExpr.Num k && k.value() >= 1
                    ? (k.value() == 1 ? length : new SizeExpr.Num(1)) : null;
        }
        if (a == null || a.buffer() == null) {
            return null;
        }
        Set<String> vars = new HashSet<>();
        a.dims().forEach(d -> Pruner.vars(d, vars));
        if (!sites.stated(tensor, vars, current)) {
            return null;
        }
        SizeExpr one = new SizeExpr.Num(1); // the rules of size and length are the interpreter's (Shapes)
        if (c.function().equals("length")) {
            return Shapes.length(a.dims().size(), a.dims()::get, one,
                    (x, y) -> x == one ? y : new SizeExpr.Bin("*", x, y));
        }
        return c.args().get(1) instanceof SizeExpr.Num k ? Shapes.size(a.dims().size(), a.dims()::get, k.value(), one)
                : null;
    }

    /** The words for a read of a tensor's dimensions the printed function cannot state. */
    static String why(SizeExpr.Call c) {
        String tensor = JuliaPrinter.expr(c.args().get(0));
        return c.function() + "(" + tensor + (c.function().equals("size") ? ", " + JuliaPrinter.expr(c.args().get(1))
                : "") + ") is known only where it runs (the printed function does not know the sizes of " + tensor
                + " here); usage counts it in the peaks it prints";
    }

    /** The first read of a tensor's dimensions in {@code body} (at any depth) that has no printed form, or null. */
    static SizeExpr.Call unprintable(List<SizeStmt> body) {
        SizeExpr.Call[] found = {null};
        SizeStmts.any(body, s -> {
            for (SizeExpr e : printedExprs(s)) {
                found[0] = found[0] != null ? found[0] : unprintable(e);
            }
            return found[0] != null;
        });
        return found[0];
    }

    private static SizeExpr.Call unprintable(SizeExpr e) {
        if (e instanceof SizeExpr.Call c && SizeExprs.SHAPES.contains(c.function())) {
            return formOf(c) == null ? c : unprintable(formOf(c));
        }
        List<SizeExpr> parts = e instanceof SizeExpr.Call c ? c.args() : e instanceof SizeExpr.Bin b
                ? List.of(b.left(), b.right()) : e instanceof SizeExpr.Logic l ? List.of(l.left(), l.right())
                : e instanceof SizeExpr.Unary u ? List.of(u.operand())
                : e instanceof SizeExpr.Range r ? SizeExprs.parts(r) : List.of();
        for (SizeExpr p : parts) {
            SizeExpr.Call c = unprintable(p);
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    /** The expressions the printers write of a statement itself (not of the statements it holds). */
    private static List<SizeExpr> printedExprs(SizeStmt s) {
        List<SizeExpr> out = new ArrayList<>();
        if (s instanceof SizeStmt.Alloc a && a.buffer() != null) {
            out.addAll(a.dims());
        } else if (s instanceof SizeStmt.Reshape r) {
            out.addAll(r.dims());
            out.add(r.offset());
        } else if (s instanceof SizeStmt.Let l) {
            out.add(l.value());
        } else if (s instanceof SizeStmt.Call c) {
            c.args().forEach(a -> out.add(a.written()));
        } else if (s instanceof SizeStmt.If f) {
            f.branches().forEach(b -> out.add(b.condition()));
        } else if (s instanceof SizeStmt.For f) {
            out.addAll(java.util.Arrays.asList(f.start(), f.step(), f.stop()));
        } else if (s instanceof SizeStmt.While w) {
            out.add(w.condition());
        }
        out.removeIf(java.util.Objects::isNull);
        return out;
    }

    /** The printed form of a read of a tensor's dimensions, or null (it is printed as written). */
    static SizeExpr formOf(SizeExpr.Call c) {
        int plain = c.function().equals("size") ? 2 : 1;
        return SizeExprs.SHAPES.contains(c.function()) && c.args().size() > plain ? c.args().get(plain) : null;
    }
}
