package io.github.bufdsl.analysis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each name is assigned in the code of one function being sized (how often, in which block,
 * in what order), and the one rule of the printed sizing function that reads it: the sizes of a
 * tensor as its {@code alloc!} wrote them ({@code n * 4}) may stand for the tensor's sizes at a
 * later statement ({@code size(A, 1)}, a {@code :=} from A) only where they are the sizes it has
 * there. Both the script's statements ({@link PrintedShapes}, while translating) and the sizing
 * statements ({@link DefinePrinting}, while printing) are numbered the same way: in order, each
 * body of an if or a loop a block inside the block around it, a loop's variable assigned in its body.
 */
final class AssignmentSites {
    /** Where a name is assigned: how often, and the block and order of its (last) assignment. */
    record Site(int count, List<Integer> block, int order) {
    }

    private final Map<String, Site> names = new HashMap<>();
    private int order;
    private int blocks;

    /** The site of the next statement, in {@code block}. */
    Site statement(List<Integer> block) {
        return new Site(1, block, ++order);
    }

    /** A body nested in a statement of {@code block}. */
    List<Integer> nested(List<Integer> block) {
        List<Integer> inner = new ArrayList<>(block);
        inner.add(++blocks);
        return inner;
    }

    /** {@code name} is assigned in {@code block}, at the statement numbered last. */
    void assign(String name, List<Integer> block) {
        Site old = names.get(name);
        names.put(name, new Site(old == null ? 1 : old.count() + 1, block, order));
    }

    /**
     * Whether {@code tensor}'s sizes as its alloc! wrote them, which read {@code vars}, are its sizes
     * at {@code at}: the tensor is assigned once, before {@code at}, in its block or one around it (not
     * in a branch it may skip, nor in an iteration before only); every assignment of each variable
     * comes before the tensor's (in branches too, {@code if big chi = 32 else chi = 8 end}), so none
     * runs between the alloc! and {@code at}.
     */
    boolean stated(String tensor, Set<String> vars, Site at) {
        Site t = names.get(tensor);
        if (at == null || !before(t, at)) {
            return false;
        }
        for (String v : vars) {
            Site s = names.get(v); // its last assignment
            if (s != null && s.order() >= t.order()) {
                return false;
            }
        }
        return true;
    }

    private static boolean before(Site s, Site at) {
        return s != null && s.count() == 1 && s.order() < at.order() && s.block().size() <= at.block().size()
                && at.block().subList(0, s.block().size()).equals(s.block());
    }
}
