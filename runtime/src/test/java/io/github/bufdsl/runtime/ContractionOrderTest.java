package io.github.bufdsl.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContractionOrderTest {
    // a poor chain for left to right: a big first pair, a vector at the end
    private static final List<String[]> CHAIN = List.of(new String[] {"i", "j"}, new String[] {"j", "k"},
            new String[] {"k", "l"}, new String[] {"l"});
    private static final Map<String, Long> DIMS = Map.of("i", 100L, "j", 100L, "k", 100L, "l", 100L);
    private static final String[] OUT = {"i"};

    @Test
    void theOptimalOrderIsMuchCheaperThanLeftToRightOnAPoorChain() {
        ContractionOrder.Plan left = ContractionOrder.leftToRight(4);
        ContractionOrder.Plan best = ContractionOrder.optimal(CHAIN, DIMS, OUT, Long.MAX_VALUE);
        double leftCost = ContractionOrder.cost(left, CHAIN, DIMS, OUT);
        double bestCost = ContractionOrder.cost(best, CHAIN, DIMS, OUT);
        assertEquals(2.0e6 + 1.0e4, leftCost); // (100^3 + 100^3 + 100^2)
        assertEquals(3.0e4, bestCost); // three matrix-vector products from the right
        // the vector first: D with C, then with B, then with A (children may come in either order)
        ContractionOrder.Pair root = (ContractionOrder.Pair) best;
        assertTrue(root.left().equals(new ContractionOrder.Leaf(0)) || root.right().equals(new ContractionOrder.Leaf(0)),
                best.toString());
    }

    @Test
    void aLimitOnIntermediatesIsKept() {
        // without the vector, the cheapest is a pair of matrix products; a limit of 50 elements forbids
        // every 100x100 intermediate, so the search falls back to left to right
        List<String[]> three = CHAIN.subList(0, 3);
        String[] out = {"i", "l"};
        ContractionOrder.Plan limited = ContractionOrder.optimal(three, DIMS, out, 50);
        assertEquals(ContractionOrder.leftToRight(3), limited);
        ContractionOrder.Plan free = ContractionOrder.optimal(three, DIMS, out, Long.MAX_VALUE);
        assertTrue(ContractionOrder.cost(free, three, DIMS, out) <= ContractionOrder.cost(limited, three, DIMS, out));
    }

    @Test
    void anOrderOfIndicesPairsTheTensorsThatCarryThem() {
        ContractionOrder.Plan p = ContractionOrder.byIndices(CHAIN, List.of("l", "k"));
        // l joins 2 and 3, then k joins 1 with (2,3), then the rest left to right
        assertEquals(new ContractionOrder.Pair(new ContractionOrder.Leaf(0), new ContractionOrder.Pair(
                new ContractionOrder.Leaf(1), new ContractionOrder.Pair(new ContractionOrder.Leaf(2),
                new ContractionOrder.Leaf(3)))), p);
        assertThrows(ShapeMismatchException.class, () -> ContractionOrder.byIndices(CHAIN, List.of("q")));
    }

    @Test
    void resultLabelsAreThoseNeededOutside() {
        ContractionOrder.Plan p = new ContractionOrder.Pair(new ContractionOrder.Leaf(0), new ContractionOrder.Leaf(1));
        assertEquals(List.of("i", "k"), ContractionOrder.resultLabels(p, CHAIN, OUT));
    }
}
