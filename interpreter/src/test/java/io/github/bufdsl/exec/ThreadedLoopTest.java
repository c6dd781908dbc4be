package io.github.bufdsl.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.RunOptions;
import io.github.bufdsl.api.ScriptException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code Threads.@threads} loops run their iterations in parallel, and give what a serial run gives. */
class ThreadedLoopTest {
    private static String run(String script, int threads, double timeout) throws ScriptException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        BufScript.fromString("t.buf", script).run(Map.of(), out,
                new RunOptions(7L, 0, timeout, 1L << 30, threads, null), r -> { });
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Iteration 1 waits until iteration 2 has written: it ends only when both run at once. */
    private static final String WAITS_FOR_ANOTHER = """
            buf = Buffer(10)
            C = alloc!(buf, 2)
            fill!(C, 0.0)
            Threads.@threads for k in 1:2
                if k == 1
                    while C[2] == 0.0
                    end
                    C[1] = 1.0
                else
                    C[2] = 1.0
                end
            end
            println(C[1] + C[2])
            """;

    @Test
    void iterationsRunAtTheSameTime() throws ScriptException {
        assertEquals("2.0\n", run(WAITS_FOR_ANOTHER, 2, 20));
    }

    @Test
    void onOneThreadTheSameLoopWaitsForever() {
        ScriptException e = assertThrows(ScriptException.class, () -> run(WAITS_FOR_ANOTHER, 1, 0.5));
        assertTrue(e.getMessage().contains("--timeout"), e.getMessage());
    }

    private static final String FILLS_COLUMNS = """
            buf = Buffer(0)
            C = alloc!(buf, 5, 40)
            tbuf = ThreadsBuffer(20)
            Threads.@threads for k in 1:40
                A = alloc!(tbuf, 5)
                rand!(A)
                B = alloc!(tbuf, 5)
                fill!(B, k)
                Ck = C[:, k]
                @tensor Ck[i] = A[i] + 2 * B[i]
                println("iteration ", k, " sum ", sum(Ck))
                reset!(tbuf)
            end
            println(sum(C))
            """;

    @Test
    void theResultAndThePrintedLinesEqualTheSerialRun() throws ScriptException {
        String serial = run(FILLS_COLUMNS, 1, 0);
        for (int threads : new int[] {2, 3, 8}) {
            assertEquals(serial, run(FILLS_COLUMNS, threads, 0), "threads = " + threads);
        }
        assertTrue(serial.startsWith("iteration 1 sum "), serial);
    }

    @Test
    void theFirstFailingIterationIsReported() {
        String script = """
                buf = Buffer(0)
                tbuf = ThreadsBuffer(4)
                Threads.@threads for k in 1:30
                    A = alloc!(tbuf, 2)
                    if k % 7 == 0
                        x = A[10 + k]
                    end
                    reset!(tbuf)
                end
                """;
        for (int threads : new int[] {1, 4}) {
            ScriptException e = assertThrows(ScriptException.class, () -> run(script, threads, 0));
            assertTrue(e.getMessage().contains("index 17 is out of bounds"), e.getMessage());
        }
    }

    @Test
    void aKeptBufferNamesTheLoopOnEveryThread() {
        String script = """
                tbuf = ThreadsBuffer(4)
                Threads.@threads for k in 1:6
                    A = alloc!(tbuf, 2)
                end
                """;
        ScriptException e = assertThrows(ScriptException.class, () -> run(script, 3, 0));
        assertTrue(e.getMessage().contains("Threads.@threads loop at line 2"), e.getMessage());
    }

    @Test
    void breakCannotLeaveAParallelLoop() {
        String script = """
                Threads.@threads for k in 1:4
                    if k == 2
                        break
                    end
                end
                """;
        ScriptException e = assertThrows(ScriptException.class, () -> run(script, 2, 0));
        assertTrue(e.getMessage().contains("break cannot leave a Threads.@threads loop"), e.getMessage());
    }

    @Test
    void theIterationsVariablesAreTheirOwn() throws ScriptException {
        String script = """
                x = 5
                Threads.@threads for k in 1:8
                    x = k
                end
                println(x)
                """;
        assertEquals("5\n", run(script, 4, 0));
        assertFalse(run(script, 1, 0).isEmpty());
    }
}
