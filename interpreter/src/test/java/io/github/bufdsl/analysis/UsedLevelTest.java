package io.github.bufdsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.RunResult;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.api.Usage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code used(buf)} in a size or a condition: usage reads the buffer's level on the path (a formula
 * of the free variables), the printed function its {@code lenbuf[]}, and both agree with the run.
 */
class UsedLevelTest {
    private static final String SCRIPT = """
            function twice(b, n)
                A = alloc!(b, n)
                B = alloc!(b, used(b))
                drop!(b, B, A)
            end
            buf = Buffer(0)
            @print_buffer_usage buf begin
                X = alloc!(buf, m, 2)
                if used(buf) > 10
                    Y = alloc!(buf, used(buf))
                else
                    Y = alloc!(buf, 10 - used(buf))
                end
                twice(buf, 3)
                drop!(buf, Y, X)
            end
            """;

    /** What Julia computes for the peak: X is 2m, Y is 2m past 10 and 10 - 2m below, then twice adds 3 and the level + 3. */
    private static long expected(long m) {
        long level = 2 * m + (2 * m > 10 ? 2 * m : 10 - 2 * m);
        return Math.max(level, 2 * (level + 3));
    }

    @Test
    void usageReadsTheLevelAsRunDoes() throws ScriptException {
        BufScript s = BufScript.fromString("t.buf", SCRIPT);
        for (long m = 0; m <= 9; m++) {
            assertEquals(expected(m), s.usage(Map.of("m", m)).buffer("buf").peak(), "usage, m = " + m);
            RunResult r = s.run(Map.of("m", m), new PrintStream(new ByteArrayOutputStream()));
            assertEquals(expected(m), r.buffersCreated().get(0).highWater(), "run, m = " + m);
        }
        Usage free = s.usage(Map.of());
        // on the else path 2m <= 10, so max(2*m, 26) is 26: the peak of X alone or after twice
        assertEquals("(2*m > 10) ? 8*m + 6 : max(2*m, 26)", free.buffer("buf").formula());
        String printed = free.blocks().get(0).sizingFunction();
        assertTrue(printed.contains("if lenbuf[] > 10") && printed.contains("pseudo_alloc!(lenb, peakb, lenb[])"), printed);
    }

    @Test
    void inReshapeModeItIsRefusedWithTheReason() throws ScriptException {
        BufScript s = BufScript.fromString("t.buf", "buf = Buffer(100)\n@print_buffer_usage buf begin\n"
                + "V = reshape_buf!(buf, 10)\nif used(buf) < 0\nW = reshape_buf!(buf, 5; offset=10)\nend\nreset!(buf)\nend\n");
        ScriptException e = assertThrows(ScriptException.class, () -> s.usage(Map.of()));
        assertTrue(e.getMessage().contains("buf is in reshape mode (since reshape_buf!(buf, 10) at line 3, until reset!),"
                + " where used is -1 as in Buffers.jl"), e.getMessage());
    }
}
