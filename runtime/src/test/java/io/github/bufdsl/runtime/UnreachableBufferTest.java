package io.github.bufdsl.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Memory of buffers nothing refers to any more comes back to the budget (as Julia's GC frees
 * them); a buffer that something still reaches, if only through one of its tensors, keeps its
 * memory and its checks.
 */
class UnreachableBufferTest {
    private static final long MB = 1 << 20;

    @Test
    void buffersMadeInALoopDoNotExhaustTheBudget() {
        MemoryBudget budget = new MemoryBudget(20 * MB);
        for (int i = 0; i < 40; i++) {
            Buffer b = new Buffer(MB / 8 * 4, true, budget, "buf"); // 4 MB each, 160 MB in all
            b.alloc("A", 10).fill(i);
        }
        assertTrue(budget.used() <= 20 * MB);
    }

    @Test
    void aBufferReachedThroughATensorKeepsItsMemoryAndItsChecks() throws Exception {
        MemoryBudget budget = new MemoryBudget(10 * MB);
        Tensor a = new Buffer(MB / 8 * 6, true, budget, "buf").alloc("A", 4);
        a.fill(2.5);
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertEquals(6 * MB, budget.used(), "the buffer is reachable through A");
        assertEquals(10.0, a.sum());
        // the budget still refuses what live buffers do not leave
        BufferException e = assertThrows(BufferException.class, () -> new Buffer(MB / 8 * 6, true, budget, "two"));
        assertTrue(e.getMessage().contains("the buffer two needs 6 MB"), e.getMessage());
        // and the buffer's own rules hold
        Tensor b = a.buffer().alloc("B", 2);
        BufferException order = assertThrows(BufferException.class, () -> a.buffer().drop(a));
        assertTrue(order.getMessage().contains("not the last"), order.getMessage());
        a.buffer().drop(b);
        a.buffer().drop(a);
        assertThrows(BufferException.class, a::sum);
    }

    @Test
    void liveBuffersKeptInAListAreNeverGivenBack() {
        MemoryBudget budget = new MemoryBudget(20 * MB);
        List<Buffer> kept = new ArrayList<>();
        BufferException e = assertThrows(BufferException.class, () -> {
            for (int i = 0; i < 10; i++) {
                kept.add(new Buffer(MB / 8 * 4, true, budget, "buf" + i));
            }
        });
        assertEquals(5, kept.size());
        assertTrue(e.getMessage().contains("the buffer buf5 needs 4 MB"), e.getMessage());
        assertEquals(20 * MB, budget.used());
    }

    @Test
    void closeGivesBackOnceAndGrowthIsCounted() throws Exception {
        MemoryBudget budget = new MemoryBudget(10 * MB);
        Buffer b = new Buffer(MB / 8, true, budget, "buf");
        b.alloc("A", MB / 8 * 2);
        assertEquals(2 * MB, budget.used());
        assertEquals(MB / 8 * 2, b.stats().length());
        assertEquals(MB / 8 * 2, b.stats().highWater());
        b.close();
        b.close();
        assertEquals(0, budget.used());
        Buffer.Stats stats = b.stats();
        b = null;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertEquals(0, budget.used(), "a closed buffer, collected, gives nothing back twice");
        assertEquals(MB / 8 * 2, stats.highWater(), "the figures outlive the buffer");
    }
}
