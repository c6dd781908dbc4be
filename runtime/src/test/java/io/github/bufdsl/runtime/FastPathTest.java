package io.github.bufdsl.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
