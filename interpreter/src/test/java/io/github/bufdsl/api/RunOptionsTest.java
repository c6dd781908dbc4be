package io.github.bufdsl.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The embedding API refuses the limits the CLI refuses. */
class RunOptionsTest {
    @Test
    void threadsAreWithinWhatAThreadsBufferHas() {
        assertEquals(1024, new RunOptions(null, 0, 0, 1000, 1024, null).threads());
        assertEquals(0, new RunOptions(null, 0, 0, 1000, 0, null).threads());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RunOptions(null, 0, 0, 1000, 2_000_000, null));
        assertTrue(e.getMessage().contains("1 to 1024"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RunOptions(null, 0, 0, 1000, -1, null));
    }

    @Test
    void stepsTimeAndMemoryAreNotNegative() {
        assertThrows(IllegalArgumentException.class, () -> new RunOptions(null, -1, 0, 1000));
        assertThrows(IllegalArgumentException.class, () -> new RunOptions(null, 0, Double.NaN, 1000));
        assertThrows(IllegalArgumentException.class, () -> new RunOptions(null, 0, -2, 1000));
        assertThrows(IllegalArgumentException.class, () -> new RunOptions(null, 0, 0, -5));
    }
}
