package io.github.bufdsl.analysis;

import java.util.List;

/**
 * For a printer to a language without globals (--emit java): which of the script's free variables
 * each pseudo_ function reads, so that it can take them as parameters.
 */
final class FunctionGlobals {
    private FunctionGlobals() {
    }

    /**
     * The free variables of the script each function reads (not its parameters), with those of the
     * functions it calls, to a fixed point. Refused where a function would pass on one of them while
     * a parameter of its own has that name (the Java would pass the parameter).
     */
    static java.util.Map<String, List<String>> of(
            java.util.Map<String, SizingFunction.PseudoFunction> functions) {
        java.util.Map<String, java.util.Set<String>> read = new java.util.LinkedHashMap<>();
        functions.forEach((name, pf) -> {
            java.util.Set<String> g = new java.util.TreeSet<>(Pruner.freeVariables(pf.body()));
            g.removeAll(pf.params());
            read.put(name, g);
        });
        for (boolean changed = true; changed;) {
            changed = false;
            for (SizingFunction.PseudoFunction pf : functions.values()) {
                for (String callee : calls(pf.body())) {
                    for (String g : read.getOrDefault(callee, java.util.Set.of())) {
                        if (pf.params().contains(g)) {
                            throw SizeExprs.unsupported(io.github.bufdsl.diag.Pos.NONE, "--emit java cannot pass the"
                                    + " script's " + g + " on to " + callee + " from " + pf.name() + ", whose parameter"
                                    + " " + g + " hides it");
                        }
                        changed |= read.get(pf.name()).add(g);
                    }
                }
            }
        }
        java.util.Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        read.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }

    /** The pseudo_ functions {@code body} calls. */
    static java.util.Set<String> calls(List<SizeStmt> body) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        SizeStmts.any(body, st -> {
            if (st instanceof SizeStmt.Call c) {
                out.add(c.function());
            }
            return false;
        });
        return out;
    }
}
