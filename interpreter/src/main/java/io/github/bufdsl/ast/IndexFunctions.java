package io.github.bufdsl.ast;

import io.github.bufdsl.diag.Pos;
import java.util.List;
import java.util.Set;

/**
 * Julia's functions of an array's indices, read as what they are on bufdsl's tensors (1-based,
 * column-major): {@code eachindex(A)} is {@code 1:length(A)}, {@code axes(A, d)} is {@code
 * 1:size(A, d)}, {@code firstindex(A[, d])} is 1, {@code lastindex(A)} is {@code length(A)} and
 * {@code lastindex(A, d)} is {@code size(A, d)}, {@code isempty(x)} is {@code length(x) == 0}. The
 * parser writes them so, so that every pass (the run, the checks, sizing) reads a range or a
 * length it already knows; a script's own function cannot take these names (as it cannot take a
 * builtin's).
 */
public final class IndexFunctions {
    /** The names read here. */
    public static final Set<String> NAMES = Set.of("eachindex", "axes", "firstindex", "lastindex", "isempty");

    private IndexFunctions() {
    }

    /** What {@code name(args...)} is, or null with {@code usage} set when the arguments do not fit. */
    public static Expr read(Pos p, String name, List<Expr> args, String[] usage) {
        int n = args.size();
        switch (name) {
            case "eachindex":
                if (n == 1) {
                    return new Expr.Range(p, new Expr.IntLit(p, 1), null, call(p, "length", args));
                }
                usage[0] = "eachindex(A) (one tensor): the range 1:length(A)";
                return null;
            case "axes":
                if (n == 2) {
                    return new Expr.Range(p, new Expr.IntLit(p, 1), null, call(p, "size", args));
                }
                usage[0] = "axes(A, d): the range 1:size(A, d) (axes(A), a tuple of ranges, is not supported)";
                return null;
            case "firstindex":
                if (n == 1 || n == 2) {
                    return new Expr.IntLit(p, 1);
                }
                usage[0] = "firstindex(A) or firstindex(A, d): 1";
                return null;
            case "lastindex":
                if (n == 1 || n == 2) {
                    return call(p, n == 1 ? "length" : "size", args);
                }
                usage[0] = "lastindex(A) or lastindex(A, d): length(A) or size(A, d)";
                return null;
            default: // isempty
                if (n == 1) {
                    return new Expr.Binary(p, Expr.BinOp.EQ, call(p, "length", args), new Expr.IntLit(p, 0));
                }
                usage[0] = "isempty(x) (one tensor, tuple, string or range)";
                return null;
        }
    }

    private static Expr call(Pos p, String function, List<Expr> args) {
        return new Expr.Call(p, new Expr.Name(p, function), args, List.of());
    }
}
