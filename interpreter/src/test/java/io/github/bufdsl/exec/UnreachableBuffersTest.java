package io.github.bufdsl.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.RunOptions;
import io.github.bufdsl.api.RunResult;
import io.github.bufdsl.api.ScriptException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A script's buffers that it can no longer reach are given back to --max-memory, as Julia's GC
 * frees them; those it still reaches (through a variable, a tensor, a tuple) keep their memory and
 * their checks, and --stats reports every buffer the run made.
 */
class UnreachableBuffersTest {
    private static final long MB = 1 << 20;

    private static String run(String text, long maxMemory, RunResult[] result) throws ScriptException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BufScript.fromString("mem.buf", text).run(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new RunOptions(1L, 0, 0, maxMemory), r -> result[0] = r);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aBufferMadeInEachIterationIsGivenBack() throws ScriptException {
        RunResult[] r = new RunResult[1];
        String out = run("""
                keep = alloc!(Buffer(10^6), 4)
                fill!(keep, 2.0)
                for i in 1:30
                    b = Buffer(10^6)
                    A = alloc!(b, 10)
                    fill!(A, 1.0)
                end
                println(sum(keep))
                """, 40 * MB, r);
        assertEquals("8.0\n", out, "the buffer reached only through keep kept its values");
        assertEquals(31, r[0].bufferStats().size(), "--stats reports every buffer, collected or not");
        assertTrue(r[0].bufferStats().stream().allMatch(s -> s.length() == 1_000_000), "" + r[0].bufferStats());
    }

    @Test
    void buffersTheScriptStillReachesAreNotGivenBack() {
        ScriptException e = assertThrows(ScriptException.class, () -> run("""
                t = ()
                for i in 1:30
                    t = (t, Buffer(10^6))
                end
                """, 40 * MB, new RunResult[1]));
        assertTrue(e.formatted().contains("the buffer t needs 7.6 MB, but buffers may take 40 MB in all"),
                e.formatted());
        assertTrue(e.formatted().startsWith("mem.buf:3:"), e.formatted());
    }
}
