package io.github.bufdsl.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** A contractor that keeps its decisions by signature decides as one that does not. */
class ContractionMemoTest {
    private static final String[] IK = {"i", "k"};
    private static final String[] IJ = {"i", "j"};
    private static final String[] JK = {"j", "k"};

    private static double[][] product(Tensor a, Tensor b) {
        int m = a.dim(0);
        int k = a.dim(1);
        int n = b.dim(1);
        double[][] c = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int x = 0; x < n; x++) {
                for (int j = 0; j < k; j++) {
                    c[i][x] += a.get(i, j) * b.get(j, x);
                }
            }
        }
        return c;
    }

    private static void assertProduct(Tensor c, Tensor a, Tensor b) {
        double[][] want = product(a, b);
        for (int i = 0; i < want.length; i++) {
            for (int x = 0; x < want[i].length; x++) {
                assertEquals(want[i][x], c.get(i, x), 1e-12);
            }
        }
    }

    @Test
    void aMismatchAfterTheSameLabelsFittedIsStillFound() {
        Contractor contractor = new Contractor();
        Buffer buf = new Buffer(0);
        Tensor a = buf.alloc("A", 2, 3);
        Tensor b = buf.alloc("B", 3, 4);
        Tensor c = buf.alloc("C", 2, 4);
        a.fillRandom(new Random(1));
        b.fillRandom(new Random(2));
        contractor.contract(c, IK, 1.0, a, IJ, b, JK, 0.0);
        assertProduct(c, a, b);
        Tensor wrong = buf.alloc("W", 5, 4);
        assertThrows(ShapeMismatchException.class, () -> contractor.contract(c, IK, 1.0, a, IJ, wrong, JK, 0.0));
        buf.drop(wrong);
        // the same place of the stack, other dimensions: still checked
        Tensor wrong2 = buf.alloc("W2", 4, 4);
        assertThrows(ShapeMismatchException.class, () -> contractor.contract(c, IK, 1.0, a, IJ, wrong2, JK, 0.0));
        assertThrows(ShapeMismatchException.class, () -> contractor.permute(c, IK, 1.0, wrong2, IK, 0.0));
    }

    @Test
    void theSameShapesInOtherPlacesArePlannedForWhereTheyAre() {
        Contractor contractor = new Contractor();
        Buffer buf = new Buffer(0);
        Random r = new Random(3);
        for (int round = 0; round < 3; round++) {
            // first at the start of the buffer (read in place), then after other tensors (copied)
            Tensor pad = round == 0 ? null : buf.alloc("pad", 5 * round);
            Tensor a = buf.alloc("A", 3, 3);
            Tensor b = buf.alloc("B", 3, 3);
            Tensor c = buf.alloc("C", 3, 3);
            a.fillRandom(r);
            b.fillRandom(r);
            contractor.contract(c, IK, 1.0, a, IJ, b, JK, 0.0);
            assertProduct(c, a, b);
            contractor.contract(c, new String[] {"k", "i"}, 1.0, b, JK, a, IJ, 0.0); // c = (a b)^T
            double[][] want = product(a, b);
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 3; k++) {
                    assertEquals(want[i][k], c.get(k, i), 1e-12);
                }
            }
            buf.reset();
        }
    }

    @Test
    void manyShapesKeepTheMemoBounded() {
        ContractionMemo memo = new ContractionMemo();
        for (int n = 1; n <= 3 * ContractionMemo.MAX_ENTRIES; n++) {
            memo.put(new ContractionMemo.Key(0, new String[][] {IK}, new int[][] {{n, n}}), Boolean.TRUE);
        }
        ContractionMemo.Key last = new ContractionMemo.Key(0, new String[][] {IK},
                new int[][] {{3 * ContractionMemo.MAX_ENTRIES, 3 * ContractionMemo.MAX_ENTRIES}});
        assertEquals(Boolean.TRUE, memo.get(last));
        assertEquals(null, memo.get(new ContractionMemo.Key(0, new String[][] {IK}, new int[][] {{1, 1}})));
    }
}
