package io.github.bufdsl.analysis;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.builtins.Role;
import io.github.bufdsl.exec.Builtins;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The builtins that act on a buffer the sizing function sizes ({@code alloc!}, {@code drop!},
 * {@code reset!}, {@code reshape_buf!}) as sizing statements; their sizes may read tensors'
 * dimensions ({@code alloc!(buf, size(A, 1))}), printed in the script's variables ({@link PrintedShapes}).
 */
final class BufferCalls {
    private BufferCalls() {
    }

    /**
     * Translates {@code target = c} (target may be null) when {@code c} is a call on one of
     * {@code buffers}; true if it was one. {@code allocations} gets the latest alloc! of each name.
     */
    static boolean translate(String target, Expr.Call c, Set<String> buffers, Map<String, SizeStmt.Alloc> allocations,
            PrintedShapes shapes, List<SizeStmt> out) {
        String fn = c.calleeName();
        if (fn == null || c.args().isEmpty() || !(c.args().get(0) instanceof Expr.Name b)) {
            return false;
        }
        if (!buffers.contains(b.name())) {
            return shapeOnly(target, c, b.name(), fn, allocations, shapes, out);
        }
        Role role = Builtins.role(fn);
        if (role instanceof Role.Alloc) {
            List<SizeExpr> dims = new ArrayList<>();
            for (Expr d : c.args().subList(1, c.args().size())) {
                dims.add(shapes.printed(SizeExprs.size(d)));
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
                    throw SizeExprs.unsupported(t.pos(), "usage can follow drop! of named tensors only");
                }
                names.add(n.name());
            }
            out.add(new SizeStmt.Drop(c.pos(), b.name(), names));
        } else if (role instanceof Role.Reset) {
            out.add(new SizeStmt.Reset(c.pos(), b.name()));
        } else if (role instanceof Role.Reshape) {
            List<SizeExpr> dims = new ArrayList<>();
            for (Expr d : c.args().subList(1, c.args().size())) {
                dims.add(shapes.printed(SizeExprs.size(d)));
            }
            SizeExpr offset = new SizeExpr.Num(0);
            for (Expr.KwArg k : c.kwargs()) {
                if (k.name().equals("offset")) {
                    offset = shapes.printed(SizeExprs.size(k.value()));
                }
            }
            out.add(new SizeStmt.Reshape(c.pos(), target, b.name(), dims, offset));
        } else if (role instanceof Role.Unsupported u) {
            throw SizeExprs.unsupported(c.pos(), u.reason());
        } else if (role instanceof Role.ReadsBuffer || role instanceof Role.SetsFlag) {
            return false;
        } else {
            throw SizeExprs.unsupported(c.pos(), "usage cannot follow the buffer " + b.name() + " into " + fn + " yet");
        }
        return true;
    }

    /**
     * {@code A = alloc!(data, n, 2)} from a buffer this function does not size: A is not on a sized
     * stack, but its dimensions are known, so sizes, loop bounds and conditions may read them
     * ({@code for k in 1:size(A, 1)}). False (A unknown) when a dimension cannot be computed.
     */
    private static boolean shapeOnly(String target, Expr.Call c, String buffer, String fn,
            Map<String, SizeStmt.Alloc> allocations, PrintedShapes shapes, List<SizeStmt> out) {
        if (target == null || !(Builtins.role(fn) instanceof Role.Alloc)) {
            return false;
        }
        List<SizeExpr> dims = new ArrayList<>();
        for (Expr d : c.args().subList(1, c.args().size())) {
            SizeExpr e = SizeExprs.trySize(d);
            if (e == null) {
                return false;
            }
            dims.add(shapes.printed(e));
        }
        out.add(new SizeStmt.Before(c.pos(), target, buffer, dims));
        allocations.put(target, new SizeStmt.Alloc(c.pos(), target, buffer, dims)); // its shape, for printed sizes
        return true;
    }
}
