package io.github.bufdsl.analysis;

import static io.github.bufdsl.analysis.SliceRangesTest.agreesAtEveryN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.ScriptException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Shapes of loops users of quantum chemistry and tensor network codes write, minimised from
 * kernels that usage refused or sized slowly: each is sized in closed form with its variables
 * free, its formula equals running at n = 0..7, and huge trip counts cost nothing.
 */
class UserKernelsTest {
    private static String block(String body) {
        return "buf = Buffer(0)\n@print_buffer_usage buf begin\n" + body + "end\n";
    }

    private static long peakAt(String text, long n) throws ScriptException {
        return BufScript.fromString("k.buf", text).usage(Map.of("n", n)).buffer("buf").peak();
    }

    @Test
    void anInnerLoopFromTheOuterVariableRunsOnEveryOuterIteration() throws ScriptException {
        // the upper triangle of pairs (i <= j): refused before ("whether a loop inside it runs depends
        // on i"), and with values iterated, 10 s and more at n = 10^6
        String upper = block("""
                    for i in 1:n
                        for j in i:n
                            P = alloc!(buf, j - i + 1, 2)
                            drop!(buf, P)
                        end
                    end
                """);
        assertEquals("(n >= 1) ? 2*n : 0", agreesAtEveryN(upper).buffer("buf").formula());
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertEquals(2_000_000L, peakAt(upper, 1_000_000)));
        // strictly above the diagonal: the inner loop is empty at i = n, a split of the outer range
        assertEquals(7, FormulaValue.of(agreesAtEveryN(block("""
                    for i in 1:n
                        for j in i+1:n
                            P = alloc!(buf, j)
                            drop!(buf, P)
                        end
                    end
                """)).buffer("buf").formula(), Map.of("n", 7L)));
        // downwards to the outer variable, and a start twice the outer variable (empty from i > n/2 on)
        agreesAtEveryN(block("""
                    for i in 1:n
                        for j in n:-1:i
                            P = alloc!(buf, j + i)
                            drop!(buf, P)
                        end
                        for j in 2i:n
                            Q = alloc!(buf, j + i)
                            drop!(buf, Q)
                        end
                    end
                """));
        // kept across the inner loop, given back by the outer one
        agreesAtEveryN(block("""
                    for i in 1:n
                        for j in i:n
                            P = alloc!(buf, j)
                        end
                        reset!(buf)
                    end
                """));
    }

    @Test
    void aBondDimensionThatGrowsToItsCapIsIteratedOnlyUntilItStops() throws ScriptException {
        // chi = min(2 * chi, chimax) is carried from one sweep to the next and is no sum: usage iterates
        // the sweeps, which took over 10 s at 10^6 sweeps; once chi is at its cap the sweeps repeat
        for (String loop : new String[] {"for sweep in 1:n", "sweep = 0\n    while sweep < n\n        sweep += 1"}) {
            String text = block("""
                        chi = 2
                        LOOP
                            H = alloc!(buf, chi, 2, chi)
                            for site in 1:3
                                E = alloc!(buf, chi, chi)
                                drop!(buf, E)
                            end
                            drop!(buf, H)
                            chi = min(2 * chi, chimax)
                        end
                        T = alloc!(buf, chi)
                    """.replace("LOOP", loop));
            BufScript script = BufScript.fromString("k.buf", text);
            for (long n = 0; n <= 8; n++) {
                for (long cap : new long[] {1, 5, 16}) {
                    Map<String, Object> vars = Map.of("n", n, "chimax", cap);
                    long high = script.run(vars, new PrintStream(OutputStream.nullOutputStream()), 1L).buffersCreated()
                            .get(0).highWater();
                    assertEquals(high, script.usage(vars).buffer("buf").peak(), loop + " at n = " + n + ", chimax = " + cap);
                }
            }
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertEquals(3 * 64 * 64L,
                    script.usage(Map.of("n", 1_000_000_000L, "chimax", 64L)).buffer("buf").peak()));
        }
    }

    @Test
    void isevenAndIsoddAreJuliasAndSplitALoopAsTheRemainderDoes() throws ScriptException {
        // "unknown function iseven" before, in run, check and usage alike
        assertEquals("""
                0 true false
                -3 false true
                2.0 true false
                2.5 false false
                -3.0 false true
                true false true
                NaN false false
                5.0 false true
                9007199254740993 false true
                """, io.github.bufdsl.api.ScriptOutput.of("""
                for x in (0, -3, 2.0, 2.5, -3.0, true, NaN, 5f0, 9007199254740993)
                    println(x, " ", iseven(x), " ", isodd(x))
                end
                """));
        for (String test : new String[] {"iseven(k)", "isodd(k)", "isodd(k + 1) && k > 1"}) {
            agreesAtEveryN(block("""
                        for k in 1:n
                            if TEST
                                A = alloc!(buf, k, 2)
                                drop!(buf, A)
                            end
                            B = alloc!(buf, 1)
                            drop!(buf, B)
                        end
                    """.replace("TEST", test)));
        }
        String even = block("""
                    for k in 1:n
                        if iseven(k)
                            A = alloc!(buf, k)
                            drop!(buf, A)
                        end
                    end
                """);
        assertEquals("(n >= 1) ? ((n >= 2) ? 2*div(n, 2) : 0) : 0", agreesAtEveryN(even).buffer("buf").formula());
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertEquals(1_000_000_000L, peakAt(even, 1_000_000_001)));
    }

    @Test
    void nestedLoopsThatContractAreIteratedAtMost4096TimesTogether() throws ScriptException {
        // tiles of rows by tiles of columns, each short enough to be iterated for its workspace: the
        // nest was iterated in full, 390,625 contractions followed at n = 40000 (past the 10 s limit)
        String text = block("""
                    for r in 1:tile:n
                        rows = min(tile, n - r + 1)
                        for c in 1:tile:n
                            cols = min(tile, n - c + 1)
                            At = alloc!(buf, rows, 2)
                            Bt = alloc!(buf, 2, cols)
                            fill!(At, 1.0)
                            fill!(Bt, 1.0)
                            @tensor Ct[i, j] := At[i, l] * Bt[l, j]
                            drop!(buf, Ct, Bt, At)
                        end
                    end
                """);
        BufScript script = BufScript.fromString("k.buf", text);
        // 88 x 88 tiles: the inner loops in closed form, what running measures
        Map<String, Object> vars = Map.of("n", 700L, "tile", 8L);
        io.github.bufdsl.api.RunResult r = script.run(vars, new PrintStream(OutputStream.nullOutputStream()), 1L);
        io.github.bufdsl.api.Usage u = script.usage(vars);
        assertEquals(r.buffersCreated().get(0).highWater(), u.buffer("buf").peak());
        assertEquals(r.workspaceHighWater(), u.workspace());
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertEquals(64 * 64 + 4 * 64L,
                script.usage(Map.of("n", 40_000L, "tile", 64L)).buffer("buf").peak()));
    }

    @Test
    void aLoopCountedForAFormulaStepIsNamedAsTheUserCanReadIt() {
        // the blocked loop with a free tile is not sized yet; its reason named the internal counter, -#start*tile
        io.github.bufdsl.api.ScriptException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.github.bufdsl.api.ScriptException.class, () -> BufScript.fromString("k.buf", block("""
                    for start in 1:tile:n
                        rows = min(tile, n - start + 1)
                        At = alloc!(buf, rows, 2)
                        drop!(buf, At)
                    end
                """)).usage(Map.of()));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(
                "min(tile, -t*tile + n) (t: the iteration of the loop over start, from 0)"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertFalse(e.getMessage().contains("#"), e.getMessage());
    }
}
