package io.github.bufdsl.analysis;

import static io.github.bufdsl.analysis.SliceRangesTest.agreesAtEveryN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.RunResult;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.api.Usage;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A sum a loop carries that a size in the loop reads ({@code s += k; T = alloc!(buf, s)}): usage
 * refused it without values ("s carries a value from one iteration to the next that a size or
 * condition in the loop reads"); the sum where an iteration starts is a closed form of the loop
 * variable (its value before plus the steps before), so the sizes are formulas of it and the peak
 * their maximum over the loop, which running measures at every n.
 */
class SumsReadInLoopTest {
    private static String block(String body) {
        return "buf = Buffer(0)\n@print_buffer_usage buf begin\n" + body + "end\n";
    }

    @Test
    void theSumAtEachIterationIsAFormulaOfTheLoopVariable() throws ScriptException {
        String text = block("""
                    s = 0
                    for k in 1:n
                        s += k
                        T = alloc!(buf, s)
                        fill!(T, 1.0)
                        drop!(buf, T)
                    end
                """);
        Usage u = agreesAtEveryN(text);
        assertEquals("(n >= 1) ? div(n^2 + n, 2) : 0", u.buffer("buf").formula());
        // the cost does not grow with n: a billion iterations are one formula
        long n = 1_000_000_000L;
        assertEquals(n * (n + 1) / 2, BufScript.fromString("s.buf", text).usage(Map.of("n", n)).buffer("buf").peak());
    }

    @Test
    void keptNestedWhileAndDownwardLoopsAgreeWithRunning() throws ScriptException {
        // kept tensors (the peak is the sum of the sums)
        assertEquals("(n >= 1) ? div(n^3 + 3*n^2 + 2*n, 6) : 0", agreesAtEveryN(block("""
                    s = 0
                    for k in 1:n
                        s += k
                        T = alloc!(buf, s)
                    end
                    reset!(buf)
                """)).buffer("buf").formula());
        // a sum the inner loop reads, carried by the outer loop too
        agreesAtEveryN(block("""
                    s = 0
                    for i in 1:n
                        for j in 1:i
                            s += j
                            T = alloc!(buf, s)
                            drop!(buf, T)
                        end
                    end
                """));
        // a counted while, a step of k^2, a start of 1
        assertEquals("(n >= 1) ? div(2*n^3 + 3*n^2 + n + 6, 6) : 0", agreesAtEveryN(block("""
                    s = 1
                    k = 1
                    while k <= n
                        s += k * k
                        T = alloc!(buf, s)
                        k += 1
                        drop!(buf, T)
                    end
                """)).buffer("buf").formula());
        // a step of -2 from n down, a decreasing sum: the maximum over the iterations
        agreesAtEveryN(block("""
                    s = 20
                    for k in n:-2:1
                        s -= k
                        T = alloc!(buf, s + n * n)
                        drop!(buf, T)
                    end
                """));
        // a step that is negative for the first iterations: not monotone, the maximum over them
        agreesAtEveryN(block("""
                    s = 0
                    for k in 1:n
                        s += k - 3
                        T = alloc!(buf, s + 10)
                        drop!(buf, T)
                    end
                """));
    }

    @Test
    void aVariableTheLoopComputesFromTheSumIsAFormulaAfterIt() throws ScriptException {
        assertEquals("(n >= 1) ? n^2 + n : 0", agreesAtEveryN(block("""
                    s = 0
                    t = 0
                    for i in 1:n
                        s += i
                        t = 2 * s
                    end
                    A = alloc!(buf, t)
                """)).buffer("buf").formula());
    }

    @Test
    void aSumOfFreeVariablesAndItsValueAfterTheLoop() throws ScriptException {
        BufScript script = BufScript.fromString("m.buf", block("""
                    s = m
                    for k in 1:n
                        s += 2
                        T = alloc!(buf, s, k)
                        drop!(buf, T)
                    end
                    U = alloc!(buf, s)
                    drop!(buf, U)
                """));
        Usage free = script.usage(Map.of());
        assertTrue(free.buffer("buf").formula().contains("m"), free.buffer("buf").formula());
        for (long n = 0; n <= 5; n++) {
            for (long m = 0; m <= 3; m++) {
                RunResult r = script.run(Map.of("n", n, "m", m), new PrintStream(OutputStream.nullOutputStream()), 1L);
                assertEquals(r.buffersCreated().get(0).highWater(),
                        script.usage(Map.of("n", n, "m", m)).buffer("buf").peak(), "n = " + n + ", m = " + m);
                assertEquals(r.buffersCreated().get(0).highWater(),
                        FormulaValue.of(free.buffer("buf").formula(), Map.of("n", n, "m", m)), "n = " + n + ", m = " + m);
            }
        }
    }

    @Test
    void whatHasNoClosedFormIsRefusedWithItsReasonAndIteratedWithValues() throws ScriptException {
        // the steps differ between iterations (s += 1, then s += k): no one formula
        String pieces = block("""
                    s = 0
                    for k in 1:n
                        if k > 2
                            s += k
                        else
                            s += 1
                        end
                        T = alloc!(buf, s)
                        drop!(buf, T)
                    end
                """);
        ScriptException e = assertThrows(ScriptException.class,
                () -> BufScript.fromString("p.buf", pieces).usage(Map.of()));
        assertTrue(e.getMessage().contains("s carries a value from one iteration to the next that a size in the loop"
                + " reads, and its iterations do not all add the same formula of the loop variable to it"), e.getMessage());
        // a condition on the sum
        String condition = block("""
                    s = 0
                    for k in 1:n
                        s += k
                        if s > 5
                            T = alloc!(buf, 3)
                            drop!(buf, T)
                        end
                    end
                """);
        e = assertThrows(ScriptException.class, () -> BufScript.fromString("c.buf", condition).usage(Map.of()));
        assertTrue(e.getMessage().contains("s carries a value from one iteration to the next that a size or condition"
                + " in the loop reads"), e.getMessage());
        for (String text : new String[] {pieces, condition}) {
            BufScript script = BufScript.fromString("v.buf", text);
            for (long n = 0; n <= 6; n++) {
                RunResult r = script.run(Map.of("n", n), new PrintStream(OutputStream.nullOutputStream()), 1L);
                assertEquals(r.buffersCreated().get(0).highWater(), script.usage(Map.of("n", n)).buffer("buf").peak(),
                        "n = " + n + " in\n" + text);
            }
        }
    }
}
