package io.github.bufdsl.analysis;

import io.github.bufdsl.ast.AssignOp;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
import io.github.bufdsl.diag.Pos;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Slices a block of statements down to its sizing function, as {@code @print_buffer_usage} does:
 * calls on the named buffers become {@code pseudo_} calls, the branches and loops around them stay,
 * and so do the assignments their sizes depend on (Buffers.jl forgets those and flattens loops).
 */
final class SizingBuilder {
    private static final Set<String> PURE = Set.of("min", "max", "div", "cld", "mod", "abs");

    private final Set<String> buffers;
    /** Names whose assignment could not be translated, with where: using them in a size is an error. */
    private final Map<String, Pos> opaque = new LinkedHashMap<>();

    private SizingBuilder(List<String> buffers) {
        this.buffers = new HashSet<>(buffers);
    }

    /**
     * The sizing function of {@code body} for {@code buffers}; {@code context} are the statements
     * before it at the top level, whose scalar assignments may be needed for its sizes.
     */
    static SizingFunction build(Pos pos, List<String> buffers, List<Stmt> context, List<Stmt> body) {
        SizingBuilder b = new SizingBuilder(buffers);
        List<SizeStmt> prefix = new ArrayList<>();
        for (Stmt s : context) {
            if (s instanceof Stmt.Assign a) {
                b.assignment(a, prefix);
            }
        }
        List<SizeStmt> out = new ArrayList<>(prefix.stream().filter(s -> s instanceof SizeStmt.Let).toList());
        out.addAll(b.statements(body));
        List<SizeStmt> pruned = Pruner.prune(out);
        b.checkOpaque(pruned);
        Map<String, Integer> bytes = new LinkedHashMap<>();
        for (String name : buffers) {
            bytes.put(name, 8);
        }
        return new SizingFunction(pos, List.copyOf(buffers), bytes, pruned);
    }

    private List<SizeStmt> statements(List<Stmt> body) {
        List<SizeStmt> out = new ArrayList<>();
        for (Stmt s : body) {
            statement(s, out);
        }
        return out;
    }

    private void statement(Stmt s, List<SizeStmt> out) {
        if (s instanceof Stmt.ExprStmt e && e.expr() instanceof Expr.Call c) {
            call(null, c, out);
        } else if (s instanceof Stmt.Assign a) {
            assignment(a, out);
        } else if (s instanceof Stmt.If i) {
            List<SizeStmt.Branch> branches = new ArrayList<>();
            for (Stmt.Branch b : i.branches()) {
                branches.add(new SizeStmt.Branch(expr(b.condition()), statements(b.body())));
            }
            out.add(new SizeStmt.If(i.pos(), branches, i.elseBody() == null ? null : statements(i.elseBody())));
        } else if (s instanceof Stmt.For f) {
            if (!(f.iterable() instanceof Expr.Range r)) {
                List<SizeStmt> body = statements(f.body());
                if (!body.isEmpty()) {
                    throw unsupported(f.pos(), "usage can size loops over a range (for i in 1:n) only");
                }
                return;
            }
            out.add(new SizeStmt.For(f.pos(), f.var(), expr(r.start()), r.step() == null ? null : expr(r.step()),
                    expr(r.stop()), statements(f.body())));
        } else if (s instanceof Stmt.While w) {
            if (!statements(w.body()).stream().allMatch(x -> x instanceof SizeStmt.Let)) {
                throw unsupported(w.pos(), "usage cannot size buffer use inside a while loop yet");
            }
        } else if (s instanceof Stmt.Block b) {
            out.addAll(statements(b.body()));
        } else if (s instanceof Stmt.PrintBufferUsage p) {
            out.addAll(statements(p.body()));
        }
    }

    private void assignment(Stmt.Assign a, List<SizeStmt> out) {
        if (a.targets().size() != 1 || !(a.targets().get(0) instanceof Expr.Name n)) {
            for (Expr t : a.targets()) {
                if (t instanceof Expr.Name name) {
                    opaque.put(name.name(), a.pos());
                }
            }
            return;
        }
        if (a.value() instanceof Expr.Call c && call(n.name(), c, out)) {
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
            opaque.remove(n.name());
            out.add(new SizeStmt.Let(a.pos(), n.name(), v));
        } else if (a.op() != AssignOp.BROADCAST) {
            opaque.put(n.name(), a.pos());
        }
    }

    /** Translates a call on a named buffer; true if it was one. */
    private boolean call(String target, Expr.Call c, List<SizeStmt> out) {
        String fn = c.calleeName();
        if (fn == null || c.args().isEmpty() || !(c.args().get(0) instanceof Expr.Name b)
                || !buffers.contains(b.name())) {
            return false;
        }
        switch (fn) {
            case "alloc!" -> {
                List<SizeExpr> dims = new ArrayList<>();
                for (Expr d : c.args().subList(1, c.args().size())) {
                    dims.add(expr(d));
                }
                out.add(new SizeStmt.Alloc(c.pos(), target, b.name(), dims));
            }
            case "drop!" -> {
                List<String> names = new ArrayList<>();
                for (Expr t : c.args().subList(1, c.args().size())) {
                    if (!(t instanceof Expr.Name n)) {
                        throw unsupported(t.pos(), "usage can follow drop! of named tensors only");
                    }
                    names.add(n.name());
                }
                out.add(new SizeStmt.Drop(c.pos(), b.name(), names));
            }
            case "reset!" -> out.add(new SizeStmt.Reset(c.pos(), b.name()));
            case "used", "length", "isextendable" -> {
                return false;
            }
            default -> throw unsupported(c.pos(), "usage cannot follow the buffer " + b.name() + " into " + fn
                    + " yet");
        }
        return true;
    }

    private SizeExpr expr(Expr e) {
        SizeExpr s = tryExpr(e);
        if (s == null) {
            throw unsupported(e.pos(), "usage cannot compute `" + io.github.bufdsl.ast.ExprPrinter.print(e)
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
        if (e instanceof Expr.Call c && c.callee() instanceof Expr.Name n && PURE.contains(n.name())
                && c.kwargs().isEmpty()) {
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

    /** A kept statement that reads a variable whose value usage cannot know is an error. */
    private void checkOpaque(List<SizeStmt> body) {
        Set<String> read = new HashSet<>();
        Pruner.reads(body, read);
        for (String name : read) {
            Pos where = opaque.get(name);
            if (where != null) {
                throw unsupported(where, "a size depends on " + name + ", which usage cannot compute before"
                        + " running");
            }
        }
    }

    private static DiagnosticException unsupported(Pos pos, String message) {
        return new DiagnosticException(Phase.STATIC, pos, message);
    }
}
