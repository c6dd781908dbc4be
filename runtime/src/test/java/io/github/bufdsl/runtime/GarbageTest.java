package io.github.bufdsl.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an alloc/drop pair leaves for the garbage collector, counted by the JVM's per-thread
 * allocation counter (bytes, not time): at most the handle, whatever the size of the tensor, also
 * when the allocations alternate shapes and are dropped two at a time. The JIT may remove even the
 * handle; the interpreter that runs these loops first does not, so the bound is the handle.
 */
class GarbageTest {
    private static final int PAIRS = 20_000;
    private static long sink;

    /** The JVM's per-thread allocation counter; the test is skipped where it does not count. */
    static com.sun.management.ThreadMXBean bean() {
        var bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "the JVM does not count allocated bytes");
        var counting = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(counting.isThreadAllocatedMemorySupported() && counting.isThreadAllocatedMemoryEnabled());
        return counting;
    }

    /** Bytes the calling thread has allocated so far. */
    static long allocated(com.sun.management.ThreadMXBean bean) {
        return bean.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /**
     * The bytes of one handle, measured as the others: handles that are kept. The least of three
     * tries, as the first may count the loading of classes too.
     */
    private static double handleBytes(com.sun.management.ThreadMXBean bean) {
        Buffer buf = new Buffer(10);
        Tensor t = buf.alloc(10);
        Tensor[] kept = new Tensor[PAIRS];
        double least = Double.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long before = allocated(bean);
            for (int i = 0; i < PAIRS; i++) {
                kept[i] = t.withName(null);
            }
            least = Math.min(least, (allocated(bean) - before) / (double) PAIRS);
        }
        return least;
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 1000, 100_000})
    void aPairLeavesAtMostItsHandleWhateverTheSize(int n) {
        var bean = bean();
        double handle = handleBytes(bean);
        assertTrue(handle <= 64.5, "a handle takes " + handle + " bytes");
        Buffer buf = new Buffer(n + 16L, false);
        for (int round = 0; round < 2; round++) { // the first round takes the shapes
            long before = allocated(bean);
            for (int i = 0; i < PAIRS; i++) {
                Tensor t = buf.alloc(n);
                sink += t.offset();
                buf.drop(t);
            }
            double one = (allocated(bean) - before) / (double) PAIRS;
            before = allocated(bean);
            for (int i = 0; i < PAIRS; i++) {
                Tensor a = buf.alloc(n);
                Tensor b = buf.alloc(4, 4);
                sink += a.offset() + b.offset();
                buf.drop(b, a);
            }
            double two = (allocated(bean) - before) / (2.0 * PAIRS);
            assertTrue(one <= handle + 1, n + " elements: " + one + " bytes per pair, a handle is " + handle);
            assertTrue(two <= handle + 1, n + " elements, two shapes: " + two + " bytes per pair, a handle is " + handle);
        }
    }
}
