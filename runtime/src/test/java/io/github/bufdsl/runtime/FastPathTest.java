package io.github.bufdsl.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The overloads without arrays ({@code alloc(n)}, {@code alloc(m, n)}, {@code drop(t)}) behave as
 * the general ones, errors included; tensors of one shape share their shape arrays safely.
 */
class FastPathTest {
    private static String error(Runnable r) {
        return assertThrows(BufferException.class, r::run).getMessage();
    }

    @Test
    void vectorsAndMatricesAreTheSameTensorsAsWithAnArray() {
        Buffer a = new Buffer(100).setName("buf");
        Buffer b = new Buffer(100).setName("buf");
        Tensor x = a.alloc("X", 7);
        Tensor y = b.alloc("X", new long[] {7});
        Tensor m = a.alloc("M", 3, 4);
        Tensor n = b.alloc("M", new long[] {3, 4});
        assertArrayEquals(y.dims(), x.dims());
        assertArrayEquals(n.dims(), m.dims());
        assertEquals(n.offset(), m.offset());
        assertEquals(b.used(), a.used());
        m.set(5.0, 2, 3);
        assertEquals(5.0, m.getLinear(11));
    }

    @Test
    void theErrorsAreTheGeneralPathsErrors() {
        Function<Buffer, Buffer> named = buf -> buf.setName("buf");
        assertEquals(error(() -> named.apply(new Buffer(10)).alloc("A", new long[] {-3})),
                error(() -> named.apply(new Buffer(10)).alloc("A", -3)));
        assertEquals(error(() -> named.apply(new Buffer(10)).alloc("A", new long[] {2, -3})),
                error(() -> named.apply(new Buffer(10)).alloc("A", 2, -3)));
        assertEquals(error(() -> named.apply(new Buffer(10, false)).alloc("A", new long[] {11})),
                error(() -> named.apply(new Buffer(10, false)).alloc("A", 11)));
        assertEquals(error(() -> named.apply(new Buffer(10)).alloc("A", new long[] {1L << 40, 1L << 40})),
                error(() -> named.apply(new Buffer(10)).alloc("A", 1L << 40, 1L << 40)));
        Buffer closed = named.apply(new Buffer(10));
        closed.close("close(buf)");
        assertTrue(error(() -> closed.alloc(3)).contains("was closed by close(buf)"));
        Buffer reshaped = named.apply(new Buffer(10));
        reshaped.reshape("V", 0, 4);
        assertTrue(error(() -> reshaped.alloc(3)).contains("reshape mode"));
        assertTrue(error(() -> reshaped.alloc(3, 1)).contains("reshape mode"));
    }

    @Test
    void droppingOneTensorChecksWhatDroppingManyChecks() {
        Buffer buf = new Buffer(100).setName("buf");
        Buffer other = new Buffer(100).setName("other");
        Tensor a = buf.alloc("A", 4);
        Tensor b = buf.alloc("B", 4);
        Tensor o = other.alloc("O", 4);
        String notTop = error(() -> buf.drop("drop!(buf, A)", a));
        assertEquals(error(() -> buf.drop("drop!(buf, A)", new Tensor[] {a})), notTop);
        assertTrue(notTop.contains("A is not the last tensor allocated in buf; B is"), notTop);
        assertTrue(error(() -> buf.drop(o)).contains("O belongs to other, not buf"));
        buf.drop("drop!(buf, B) at line 3", b);
        assertFalse(b.isLive());
        assertTrue(a.isLive());
        String twice = error(() -> buf.drop(b));
        assertTrue(twice.contains("B was already dropped by drop!(buf, B) at line 3"), twice);
        assertTrue(error(b::checkLive).contains("B was dropped by drop!(buf, B) at line 3"));
        assertEquals(4, buf.used());
    }

    @Test
    void tensorsOfOneShapeShareNothingTheyCanChange() {
        Buffer buf = new Buffer(100).setName("buf");
        Tensor a = buf.alloc("A", 3, 4);
        Tensor b = buf.alloc("B", 3, 4);
        int[] dims = a.dims();
        dims[0] = 99;
        assertEquals(3, a.dim(0));
        assertEquals(3, b.dim(0));
        Tensor column = a.slice(-1, 2);
        assertArrayEquals(new int[] {3}, column.dims());
        buf.drop(b);
        assertTrue(a.isLive());
        assertFalse(b.isLive());
        Tensor c = buf.alloc("C", 3, 4);
        assertTrue(c.isLive());
        assertFalse(b.isLive(), "a later tensor of the same place and shape does not revive a dropped one");
        assertTrue(error(b::checkLive).contains("B was dropped"));
    }

    @Test
    void aTensorTakenByAllocIsItsOwnAllocationAndViewsShareIt() {
        Buffer buf = new Buffer(100).setName("buf");
        Tensor a = buf.alloc("A", 6);
        Tensor renamed = a.withName("An");
        Tensor view = a.slice(-1);
        buf.reset("reset!(buf) at line 9");
        for (Tensor t : new Tensor[] {a, renamed, view}) {
            assertFalse(t.isLive());
            assertTrue(error(t::checkLive).contains("was dropped by reset!(buf) at line 9"));
        }
    }

    @Test
    void aHandleWhoseMemoryWasTakenAndGivenBackAgainSaysSo() {
        Buffer buf = new Buffer(100).setName("buf");
        Tensor a = buf.alloc("A", 3);
        buf.drop("drop!(buf, A) at line 2", a);
        Tensor b = buf.alloc("B", 3);
        assertTrue(error(a::checkLive).contains("A was dropped by drop!(buf, A) at line 2"),
                "the slot is taken again, but how A ended is still known");
        buf.drop("drop!(buf, B) at line 4", b);
        String stale = error(a::checkLive);
        assertTrue(stale.contains("A was dropped by an earlier drop or reset"), stale);
        assertTrue(error(b::checkLive).contains("B was dropped by drop!(buf, B) at line 4"));
        assertTrue(error(() -> buf.drop(a)).contains("A was already dropped"));
    }

    @Test
    void deepStacksGrowAndEveryHandleKeepsItsOwnLife() {
        Buffer buf = new Buffer(0).setName("buf");
        Tensor[] ts = new Tensor[100];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = buf.alloc("T" + i, 2);
        }
        assertEquals(100, buf.allocationCount());
        buf.drop(ts[99], ts[98], ts[97]);
        for (int i = 0; i < ts.length; i++) {
            assertEquals(i < 97, ts[i].isLive(), "T" + i);
        }
        assertEquals(194, buf.used());
        buf.reset("reset!(buf)");
        assertTrue(error(ts[0]::checkLive).contains("T0 was dropped by reset!(buf)"));
        assertEquals(0, buf.allocationCount());
    }

    @Test
    void anUnnamedTensorIsNotCalledByTheNameOfTheOneBeforeItInItsSlot() {
        Buffer buf = new Buffer(100).setName("buf");
        Tensor named = buf.alloc("A", 3);
        buf.drop(named);
        Tensor unnamed = buf.alloc(5);
        Tensor other = new Buffer(10).setName("other").alloc("X", 1);
        String top = error(() -> buf.drop(other));
        assertTrue(top.contains("X belongs to other"), top);
        Tensor below = buf.alloc("B", 1);
        String notLast = error(() -> buf.drop(unnamed));
        assertTrue(notLast.contains("the tensor at offset 0 (5 elements) is not the last tensor allocated in buf; B is"),
                notLast);
        buf.drop(below);
        buf.drop(unnamed);
        assertTrue(error(() -> buf.drop(unnamed)).contains("was already dropped by drop"));
        assertTrue(error(named::checkLive).contains("A was dropped by an earlier drop or reset"));
    }

    @Test
    void droppingTwoTensorsChecksWhatDroppingManyChecks() {
        Buffer buf = new Buffer(100).setName("buf");
        Buffer other = new Buffer(100).setName("other");
        Tensor a = buf.alloc("A", 4);
        Tensor b = buf.alloc("B", 2, 2);
        Tensor c = buf.alloc("C", 3);
        Tensor o = other.alloc("O", 4);
        String notTop = error(() -> buf.drop("drop!(buf, A, B)", a, b));
        assertEquals(error(() -> buf.drop("drop!(buf, A, B)", new Tensor[] {a, b})), notTop);
        assertTrue(notTop.contains("A is not the last tensor allocated in buf"), notTop);
        assertEquals(error(() -> buf.drop(c, c)), error(() -> buf.drop(new Tensor[] {c, c})));
        assertTrue(error(() -> buf.drop(c, c)).contains("C is given twice"));
        assertTrue(error(() -> buf.drop(c, o)).contains("O belongs to other, not buf"));
        assertEquals(3, buf.allocationCount(), "a refused drop drops nothing");
        assertEquals(11, buf.used());
        buf.drop("drop!(buf, B, C) at line 5", b, c); // the lower one first: either order
        assertEquals(4, buf.used());
        assertEquals(1, buf.allocationCount());
        assertTrue(error(c::checkLive).contains("C was dropped by drop!(buf, B, C) at line 5"));
        assertTrue(error(b::checkLive).contains("B was dropped by drop!(buf, B, C) at line 5"));
        assertTrue(error(() -> buf.drop(a, b)).contains("B was already dropped by drop!(buf, B, C) at line 5"));
        Tensor d = buf.alloc("D", 6);
        buf.drop(d, a);
        assertEquals(0, buf.used());
        assertFalse(a.isLive());
        assertFalse(d.isLive());
    }

    @Test
    void eachSlotKeepsItsShapeWhileTheAllocationsAlternateShapes() {
        Buffer buf = new Buffer(0).setName("buf");
        for (int round = 0; round < 3; round++) {
            Tensor v = buf.alloc("V", 5);
            Tensor m = buf.alloc("M", 2, 3);
            Tensor t = buf.alloc("T", new long[] {2, 2, 2});
            Tensor same = buf.alloc("S", new long[] {2, 2, 2}); // the slot below's shape
            assertArrayEquals(new int[] {5}, v.dims());
            assertArrayEquals(new int[] {2, 3}, m.dims());
            assertArrayEquals(new int[] {2, 2, 2}, t.dims());
            assertArrayEquals(new int[] {2, 2, 2}, same.dims());
            assertArrayEquals(new int[] {1, 2}, m.strides());
            assertArrayEquals(new int[] {1, 2, 4}, same.strides());
            assertEquals(List.of(0L, 5L, 11L, 19L), List.of(v.offset(), m.offset(), t.offset(), same.offset()));
            m.set(7.0, 1, 2);
            assertEquals(7.0, m.getLinear(5));
            buf.drop(same, t);
            // the slots change shapes: the next round's checks see the new ones, not the cached ones
            Tensor w = buf.alloc("W", 3);
            Tensor z = buf.alloc("Z", 0, 4);
            assertArrayEquals(new int[] {3}, w.dims());
            assertArrayEquals(new int[] {0, 4}, z.dims());
            assertEquals(0, z.length());
            String negative = error(() -> buf.alloc("N", 4, -1));
            assertTrue(negative.contains("negative dimension -1"), negative);
            buf.drop(z, w);
            buf.drop(m, v);
            assertEquals(0, buf.used());
        }
        assertEquals(27, buf.highWater());
    }

    @Test
    void theHighWaterMarkMovesOnlyPastItselfAndTheBufferStillGrowsOrRefuses() {
        Buffer grows = new Buffer(4).setName("grows");
        Tensor a = grows.alloc(10);
        grows.drop(a);
        Tensor b = grows.alloc(6); // below the mark
        assertEquals(10, grows.highWater());
        Tensor c = grows.alloc(7); // past the mark and past the capacity
        assertEquals(13, grows.highWater());
        assertEquals(13, grows.length());
        grows.drop(c, b);
        Buffer fixed = new Buffer(8, false).setName("fixed");
        Tensor d = fixed.alloc(5);
        fixed.drop(d);
        fixed.alloc(3);
        String full = error(() -> fixed.alloc(6));
        assertTrue(full.contains("fixed has 8 elements, 3 in use, 5 free; the request needs 6"), full);
        assertEquals(3, fixed.used());
        assertEquals(5, fixed.highWater(), "a refused alloc leaves the mark");
        fixed.reset();
        fixed.reshape("V", 2, 2);
        assertTrue(error(() -> fixed.alloc(1)).contains("reshape mode"), "below the mark too");
        fixed.reset();
        assertEquals(1, fixed.alloc(1).length());
        fixed.close();
        assertTrue(error(() -> fixed.alloc(0)).contains("was closed"));
    }

    @Test
    void slicesKnowTheirLengthAndWhetherTheyAreContiguous() {
        Buffer buf = new Buffer(100);
        Tensor m = buf.alloc(3, 4);
        for (int i = 0; i < 12; i++) {
            m.setLinear(i, i);
        }
        Tensor column = m.slice(-1, 2);
        Tensor row = m.slice(1, -1);
        assertTrue(m.isContiguous());
        assertTrue(column.isContiguous());
        assertFalse(row.isContiguous());
        assertEquals(3, column.length());
        assertEquals(4, row.length());
        assertEquals(List.of(6.0, 7.0, 8.0), List.of(column.getLinear(0), column.getLinear(1), column.getLinear(2)));
        assertEquals(List.of(1.0, 4.0, 7.0, 10.0),
                List.of(row.getLinear(0), row.getLinear(1), row.getLinear(2), row.getLinear(3)));
        row.setLinear(3, -1.0);
        assertEquals(-1.0, m.get(1, 3));
        assertTrue(error(() -> row.getLinear(4)).contains("linear index 5 is out of bounds 1:4"));
    }
}
