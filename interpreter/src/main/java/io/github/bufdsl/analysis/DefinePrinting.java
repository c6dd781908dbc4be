package io.github.bufdsl.analysis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which {@code :=} allocations the printed sizing function can state. Paths size a {@code :=} from
 * the tensors on its right as they are where it runs; the printed function can only write the
 * sizes of their {@code alloc!} as written ({@link SizeStmt.Define#sources}), which is right when
 * nothing between that {@code alloc!} and the {@code :=} can make them differ: each source tensor
 * is assigned once in the function, in a block around the {@code :=} (not in a branch it may skip,
 * nor in an earlier iteration only), and each variable its sizes read is assigned at most once,
 * in such a block, before it. Otherwise (a tensor allocated in two branches, a size variable
 * assigned again, a tensor the function is given) the printers say so instead of printing a size.
 */
final class DefinePrinting {
    private final AssignmentSites sites = new AssignmentSites();
    private final List<SizeStmt.Alloc> defines = new ArrayList<>();
    private final Map<SizeStmt.Alloc, AssignmentSites.Site> defineSites = new HashMap<>();

    private DefinePrinting() {
    }

    /** The {@code :=} allocations of the function (its body and its pseudo functions) that cannot be printed. */
    static Set<SizeStmt.Alloc> unprintable(SizingFunction f) {
        Set<SizeStmt.Alloc> out = new HashSet<>();
        out.addAll(unprintable(f.body()));
        for (SizingFunction.PseudoFunction pf : f.functions().values()) {
            out.addAll(unprintable(pf.body()));
        }
        return out;
    }

    static Set<SizeStmt.Alloc> unprintable(List<SizeStmt> body) {
        DefinePrinting d = new DefinePrinting();
        d.walk(body, List.of(0));
        Set<SizeStmt.Alloc> out = new HashSet<>();
        for (SizeStmt.Alloc a : d.defines) {
            if (!d.printable(a)) {
                out.add(a);
            }
        }
        return out;
    }

    /** The words for an unprintable one, naming the statement. */
    static String why(SizeStmt.Alloc a) {
        return "the size of " + a.target() + " (@tensor " + a.target() + " := ... at line " + a.pos().line()
                + ") is known only where it runs; usage counts it in the peaks it prints";
    }

    private void walk(List<SizeStmt> body, List<Integer> block) {
        for (SizeStmt s : body) {
            AssignmentSites.Site at = sites.statement(block);
            if (s instanceof SizeStmt.Alloc a && a.define() != null) {
                defines.add(a);
                defineSites.put(a, at);
            }
            if (!(s instanceof SizeStmt.TensorOp)) { // := counts as its Alloc
                SizeStmts.targets(s).forEach(name -> sites.assign(name, block));
            }
            for (List<SizeStmt> inner : SizeStmts.bodies(s)) {
                List<Integer> nested = sites.nested(block);
                if (s instanceof SizeStmt.For f) {
                    sites.assign(f.var(), nested);
                }
                walk(inner, nested);
            }
        }
    }

    private boolean printable(SizeStmt.Alloc a) {
        List<String> sources = a.define().sources();
        if (a.buffer() == null || sources.size() != a.dims().size() + 1) {
            return false;
        }
        AssignmentSites.Site at = defineSites.get(a);
        if (!sites.stated(sources.get(0), Set.of(), at)) { // the buffer
            return false;
        }
        for (int k = 0; k < a.dims().size(); k++) { // each dimension, with what it reads
            Set<String> vars = new HashSet<>();
            Pruner.vars(a.dims().get(k), vars);
            if (!sites.stated(sources.get(k + 1), vars, at)) {
                return false;
            }
        }
        return true;
    }
}
