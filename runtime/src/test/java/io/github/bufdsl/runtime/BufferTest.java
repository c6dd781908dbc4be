package io.github.bufdsl.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BufferTest {
    @Test
    void allocTakesFromTheTopAndTracksTheHighWaterMark() {
        Buffer buf = new Buffer(100).setName("buf");
        Tensor a = buf.alloc("A", 2, 3);
        Tensor b = buf.alloc("B", 4);
        assertEquals(0, a.offset());
        assertEquals(6, b.offset());
        assertEquals(10, buf.used());
        buf.drop(b);
        Tensor c = buf.alloc("C", 5);
        assertEquals(6, c.offset());
        assertEquals(11, buf.highWater());
    }

    @Test
    void dropOfSeveralTakesThemFromTheTopInAnyArgumentOrder() {
        Buffer buf = new Buffer(100).setName("buf");
        Tensor a = buf.alloc("A", 10);
        Tensor b = buf.alloc("B", 10);
        Tensor c = buf.alloc("C", 10);
        buf.drop(b, c);
        assertEquals(10, buf.used());
        assertTrue(a.isLive());
        assertFalse(b.isLive());
        assertFalse(c.isLive());
    }

    @Test
    void zeroLengthTensorsAtTheSameOffsetAreDroppedLongerFirst() {
        Buffer buf = new Buffer(100);
        Tensor z = buf.alloc("Z", 0);
        Tensor b = buf.alloc("B", 5);
        buf.drop(z, b);
        assertEquals(0, buf.used());
    }

    /** Found by the differential test: two empty tensors at one offset, dropped together. */
    @Test
    void emptyTensorsAtOneOffsetAreDroppedTogetherInAnyOrder() {
        Buffer buf = new Buffer(10);
        Tensor a = buf.alloc("A", 3, 0);
        Tensor b = buf.alloc("B", 0);
        buf.drop(a, b);
        assertEquals(0, buf.allocationCount());
        Tensor c = buf.alloc("C", 0);
        Tensor d = buf.alloc("D", 0);
        assertThrows(BufferException.class, () -> buf.drop(c));
        buf.drop(d, c);
        assertEquals(0, buf.allocationCount());
    }

    @Test
    void dropOutOfOrderFailsNamingTheTopAndChangesNothing() {
        Buffer buf = new Buffer(100).setName("buf");
        Tensor a = buf.alloc("A", 10);
        Tensor b = buf.alloc("B", 10);
        BufferException e = assertThrows(BufferException.class, () -> buf.drop(a));
        assertEquals("A is not the last tensor allocated in buf; B is", e.getMessage());
        assertEquals(20, buf.used());
        assertTrue(a.isLive());
        assertTrue(b.isLive());
    }

    @Test
    void dropOutOfOrderOfUnnamedTensorsNamesTheTopByWhereItLies() {
        // tensors of Java programs have no names; the top one, in the first generation of its slot,
        // was described as null, so that the message said "nothing is allocated"
        Buffer buf = new Buffer(100).setName("buf");
        Tensor a = buf.alloc(3);
        buf.alloc(4);
        BufferException e = assertThrows(BufferException.class, () -> buf.drop(a));
        assertEquals("the tensor at offset 0 (3 elements) is not the last tensor allocated in buf;"
                + " the tensor at offset 3 (4 elements) is", e.getMessage());
    }

    @Test
    void dropOfATensorFromAnotherBufferOrTwiceFails() {
        Buffer one = new Buffer(10).setName("one");
        Buffer two = new Buffer(10).setName("two");
        Tensor a = one.alloc("A", 3);
        assertEquals("A belongs to one, not two",
                assertThrows(BufferException.class, () -> two.drop(a)).getMessage());
        one.drop("drop!(one, A) at line 3", a);
        assertEquals("A was already dropped by drop!(one, A) at line 3",
                assertThrows(BufferException.class, () -> one.drop(a)).getMessage());
    }

    @Test
    void useAfterResetSaysHowTheMemoryWasGivenBack() {
        Buffer buf = new Buffer(10);
        Tensor a = buf.alloc("A", 2);
        buf.reset("reset!(buf) at line 12");
        assertEquals(0, buf.used());
        BufferException e = assertThrows(BufferException.class, () -> a.get(0));
        assertEquals("A was dropped by reset!(buf) at line 12", e.getMessage());
    }

    @Test
    void anExtendableBufferGrowsAndKeepsItsContents() {
        Buffer buf = new Buffer(4);
        Tensor a = buf.alloc("A", 4);
        a.fill(2.5);
        Tensor b = buf.alloc("B", 6);
        assertEquals(10, buf.length());
        assertEquals(2.5, a.get(3));
        b.fill(1);
        assertEquals(10.0 + 6.0, a.sum() + b.sum());
    }

    @Test
    void aFixedBufferRefusesAnAllocationThatDoesNotFitAndStaysAsItWas() {
        Buffer buf = new Buffer(10, false).setName("buf");
        buf.alloc("A", 4);
        BufferException e = assertThrows(BufferException.class, () -> buf.alloc("B", 7));
        assertEquals("buffer overflow: buf has 10 elements, 4 in use, 6 free; the request needs 7", e.getMessage());
        assertEquals(4, buf.used());
        assertEquals(1, buf.allocationCount());
    }

    @Test
    void dimensionsAreChecked() {
        Buffer buf = new Buffer(10);
        assertEquals(0, buf.alloc("Z", 3, 0).length());
        assertTrue(assertThrows(BufferException.class, () -> buf.alloc("N", 2, -1)).getMessage()
                .startsWith("negative dimension -1"));
        assertTrue(assertThrows(BufferException.class, () -> buf.alloc("X", 1L << 21, 1L << 21, 1L << 21, 1L << 21)).getMessage()
                .contains("64 bits"));
        assertThrows(BufferException.class, () -> buf.alloc("Y", 1L << 40));
    }

    @Test
    void tensorsAreColumnMajor() {
        Tensor t = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertEquals(2.0, t.get(1, 0));
        assertEquals(3.0, t.get(0, 1));
        assertEquals(6.0, t.get(1, 2));
        assertEquals(4.0, t.getLinear(3));
        assertThrows(BufferException.class, () -> t.get(2, 0));
    }

    @Test
    void aScopedBufferIsGivenBackAtTheEndOfTryWithResources() {
        MemoryBudget budget = new MemoryBudget(1000);
        Tensor kept;
        try (Buffer buf = new Buffer(100, false, budget, "buf")) {
            kept = buf.alloc("A", 10);
            assertEquals(800, budget.used());
        }
        assertEquals(0, budget.used());
        assertEquals("A was dropped by close()", assertThrows(BufferException.class, () -> kept.get(0)).getMessage());
    }

    @Test
    void theMemoryBudgetRefusesBeforeAllocating() {
        MemoryBudget budget = new MemoryBudget(1000);
        Buffer one = new Buffer(100, true, budget, "one");
        BufferException e = assertThrows(BufferException.class, () -> new Buffer(50, true, budget, "two"));
        assertEquals(100, one.length()); // one stays reachable (an unreachable buffer gives its memory back)
        assertTrue(e.getMessage().startsWith("the buffer two needs 400 bytes, but buffers may take 1000 bytes in all"),
                e.getMessage());
        assertEquals(800, budget.used());
        assertEquals(512L << 20, MemoryBudget.parse("512MB"));
        assertEquals(100L << 10, MemoryBudget.parse("100KB"));
        assertEquals(2L << 30, MemoryBudget.parse("2GB"));
        assertThrows(IllegalArgumentException.class, () -> MemoryBudget.parse("lots"));
    }

    @Test
    void sizesAreParsedWithAReason() {
        assertEquals(1536, MemoryBudget.parse("1.5KB"));
        assertEquals(3L << 40, MemoryBudget.parse("3 tib"));
        assertEquals(100, MemoryBudget.parse("100"));
        assertEquals(2_000_000_000L, MemoryBudget.parse("2e9"));
        for (String[] bad : new String[][] {{"-5", "cannot be negative"}, {"1e100", "larger than any machine"}, {"1e-5", "less than one byte"}, {"1e", "not a size"},
            {"0", "cannot be 0"}, {"0.0001KB", "less than one byte"}, {"9999999999TB", "larger than any machine"},
            {"NaN", "not a size"}, {"Infinity", "not a size"}, {"0x10", "not a size"}, {"12XB", "not a size"},
            {"", "not a size"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryBudget.parse(bad[0]));
            assertTrue(e.getMessage().contains(bad[1]), bad[0] + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("KB, MB or GB") || e.getMessage().contains("memory"), e.getMessage());
        }
    }

    @Test
    void reshapeViewsReuseMemoryAndDoNotMixWithAlloc() {
        Buffer buf = new Buffer(4).setName("buf");
        Tensor v = buf.reshape("V", 0, 2, 2);
        Tensor w = buf.reshape("W", 2, 3);
        assertEquals(-1, buf.used());
        assertEquals(5, buf.length());
        assertEquals(5, buf.highWater());
        v.fill(1);
        w.fill(2);
        assertEquals(2.0, v.get(0, 1));
        assertThrows(BufferException.class, () -> buf.alloc("A", 1));
        buf.reset("reset!(buf) at line 9");
        assertEquals("V was dropped by reset!(buf) at line 9",
                assertThrows(BufferException.class, () -> v.get(0, 0)).getMessage());
        buf.alloc("A", 1);
        assertThrows(BufferException.class, () -> buf.reshape("X", 0, 1));
    }

    @Test
    void slicesAreViewsThatWriteThrough() {
        Tensor c = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor col = c.slice(-1, 2);
        assertEquals(1, col.rank());
        assertEquals(5.0, col.get(0));
        col.fill(9);
        assertEquals(9.0, c.get(1, 2));
        Tensor row = c.slice(1, -1);
        assertEquals(3, row.dim(0));
        assertEquals(4.0, row.get(1));
        assertThrows(BufferException.class, () -> c.slice(2, -1));
    }
}
