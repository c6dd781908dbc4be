package io.github.bufdsl.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A Float64 buffer whose elements live off the Java heap behaves as one on the heap. */
class OffHeapBufferTest {
    private static Buffer offHeap(long n) {
        return new Buffer(n, true, MemoryBudget.UNLIMITED, "nat", ElementType.FLOAT64, true);
    }

    @Test
    void readsWritesGrowsAndFills() {
        Buffer b = offHeap(4);
        assertTrue(b.isOffHeap());
        Tensor a = b.alloc("A", 2, 2);
        a.set(1.5, 1, 0);
        Tensor v = b.alloc("v", 10); // grows, keeping A
        v.fill(2.0);
        assertEquals(1.5, a.get(1, 0));
        assertEquals(2.0, v.get(9));
        assertEquals(14, b.highWater());
        b.drop(v);
        b.drop(a);
        assertEquals(0, b.used());
    }

    @Test
    void float32CannotLiveOffTheHeap() {
        BufferException e = assertThrows(BufferException.class,
                () -> new Buffer(4, true, MemoryBudget.UNLIMITED, "f", ElementType.FLOAT32, true));
        assertTrue(e.getMessage().contains("only Float64"), e.getMessage());
    }

    /** EJML reads heap arrays: off-heap operands go through copies, and a row writes back only its own elements. */
    @Test
    void contractionsOnEjmlGiveWhatTheHeapGives() {
        double[] expected = null;
        for (boolean nat : new boolean[] {false, true}) {
            Buffer b = new Buffer(0, true, MemoryBudget.UNLIMITED, "b", ElementType.FLOAT64, nat);
            Tensor v = b.alloc("v", 4);
            Tensor y = b.alloc("Y", 4, 3);
            Tensor c = b.alloc("C", 5, 3);
            SplittableRandom same = new SplittableRandom(5);
            v.fillRandom(same);
            y.fillRandom(same);
            c.fill(7.0);
            Tensor row = c.slice(1, -1); // C[2, :], not contiguous
            new Contractor().contract(row, new String[] {"k"}, 1.0, v, new String[] {"j"}, y,
                    new String[] {"j", "k"}, 0.0);
            double[] got = new double[15];
            for (int i = 0; i < 15; i++) {
                got[i] = c.getLinear(i);
            }
            if (expected == null) {
                expected = got;
            } else {
                for (int i = 0; i < 15; i++) {
                    assertEquals(expected[i], got[i], 1e-12, "element " + i);
                }
            }
        }
        assertEquals(7.0, expected[0]);
        assertTrue(expected[1] != 7.0);
        assertEquals(7.0, expected[2]);
    }
}
