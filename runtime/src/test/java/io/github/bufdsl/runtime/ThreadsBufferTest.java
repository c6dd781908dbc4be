package io.github.bufdsl.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ThreadsBufferTest {
    private static final int N = 10;

    /** Buffers.jl's test: each of 10 parallel iterations fills column k of a shared tensor via a temporary. */
    private static double[] fillColumns(ParallelLoop loop, ThreadsBuffer tbuf) {
        Tensor c = Tensor.of(new double[4 * N], 4, N);
        loop.forRange(1, N, "the loop", k -> {
            Tensor a = tbuf.alloc("A", 4);
            for (int i = 0; i < 4; i++) {
                a.set(k * 10.0 + i, i);
            }
            Tensor col = c.slice(-1, (int) k - 1);
            for (int i = 0; i < 4; i++) {
                col.set(a.get(i) * 2, i);
            }
            tbuf.reset();
        }, tbuf);
        return c.toArray();
    }

    @Test
    void parallelColumnsEqualTheSerialRun() {
        try (ThreadsBuffer tbuf = new ThreadsBuffer(100, 4); ParallelLoop par = new ParallelLoop(4);
                ParallelLoop serial = new ParallelLoop(1)) {
            double[] parallel = fillColumns(par, tbuf);
            assertArrayEquals(fillColumns(serial, tbuf), parallel);
            assertEquals(2 * (N * 10.0 + 3), parallel[4 * N - 1]);
            assertEquals(4, tbuf.available());
        }
    }

    @Test
    void aThreadKeepsItsBufferUntilReset() {
        ThreadsBuffer tbuf = new ThreadsBuffer(10, 2);
        Tensor a = tbuf.alloc("A", 3);
        Tensor b = tbuf.alloc("B", 3);
        assertTrue(tbuf.isHeld());
        assertEquals(1, tbuf.available());
        assertEquals(3, b.offset());
        tbuf.release();
        assertFalse(tbuf.isHeld());
        assertEquals(2, tbuf.available());
        BufferException e = assertThrows(BufferException.class, () -> a.get(0));
        assertTrue(e.getMessage().contains("release!(tbuf)"), e.getMessage());
    }

    @Test
    void iterationsWaitForAFreeBufferWhenThereAreMoreThreadsThanBuffers() {
        Set<Buffer> used = ConcurrentHashMap.newKeySet();
        AtomicInteger inUse = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        try (ThreadsBuffer tbuf = new ThreadsBuffer(10, 2); ParallelLoop par = new ParallelLoop(4)) {
            par.forRange(1, 20, "the loop", k -> {
                used.add(tbuf.acquire());
                most.accumulateAndGet(inUse.incrementAndGet(), Math::max);
                Thread.onSpinWait();
                inUse.decrementAndGet();
                tbuf.reset();
            }, tbuf);
        }
        assertEquals(2, used.size());
        assertTrue(most.get() <= 2, "at most 2 iterations held a buffer at once, saw " + most.get());
    }

    @Test
    void anIterationThatKeepsABufferFailsTheLoopAndGivesItBack() {
        try (ThreadsBuffer tbuf = new ThreadsBuffer(10, 2); ParallelLoop par = new ParallelLoop(2)) {
            BufferException e = assertThrows(BufferException.class,
                    () -> par.forRange(1, 5, "the loop at line 7", k -> tbuf.alloc("A", 2), tbuf));
            assertEquals("an iteration of the loop at line 7 kept a buffer of tbuf; give it back with reset!(tbuf)"
                    + " or release!(tbuf) before the iteration ends", e.getMessage());
            assertEquals(2, tbuf.available());
        }
    }

    @Test
    void aFailingIterationGivesItsBufferBackAndItsErrorIsReported() {
        try (ThreadsBuffer tbuf = new ThreadsBuffer(10, 1); ParallelLoop par = new ParallelLoop(2)) {
            BufferException e = assertThrows(BufferException.class, () -> par.forRange(1, 3, "the loop", k -> {
                tbuf.alloc("A", 2);
                if (k == 2) {
                    throw new BufferException("boom " + k);
                }
                tbuf.reset();
            }, tbuf));
            assertEquals("boom 2", e.getMessage());
            assertEquals(1, tbuf.available());
        }
    }

    @Test
    void badCountsAreRefused() {
        assertThrows(BufferException.class, () -> new ThreadsBuffer(10, 0));
        assertThrows(BufferException.class, () -> new ThreadsBuffer(-1, 2));
        assertThrows(IllegalArgumentException.class, () -> new ParallelLoop(0));
        assertEquals(3, new ThreadsBuffer(0, 3).nbuffers());
    }
}
