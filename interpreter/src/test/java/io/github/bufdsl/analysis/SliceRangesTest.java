package io.github.bufdsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
 * Slices whose ranges have a length that is a formula ({@code A[2:end, :]}, {@code 1:2:end},
 * {@code i:j}) with the variables free: usage sizes them (it refused them, "a value known only
 * when running") with Julia's length, {@code max(0, b - a + 1)}, as a condition on the free
 * variables; its formulas, at each value, are what running measures.
 */
class SliceRangesTest {
    /**
     * usage of {@code text} with {@code n} free: its formulas of buf and of the workspace at
     * {@code n = 0..7} equal what running measures, and so does usage with the value; returns usage.
     */
    static Usage agreesAtEveryN(String text) throws ScriptException {
        BufScript script = BufScript.fromString("ranges.buf", text);
        Usage free = script.usage(Map.of()); // threw: usage cannot size ... known only when running
        String peak = free.buffer("buf").formula();
        assertNotNull(peak, text);
        assertNull(free.workspaceUnknown(), text);
        for (long n = 0; n <= 7; n++) {
            RunResult r = script.run(Map.of("n", n), new PrintStream(OutputStream.nullOutputStream()), 1L);
            long high = r.buffersCreated().get(0).highWater();
            assertEquals(high, FormulaValue.of(peak, Map.of("n", n)), "the formula " + peak + " at n = " + n);
            assertEquals(high, script.usage(Map.of("n", n)).buffer("buf").peak(), "n = " + n);
            String workspace = free.workspaceFormula();
            if (workspace != null) {
                assertEquals(r.workspaceHighWater(), FormulaValue.of(workspace, Map.of("n", n)),
                        "the workspace " + workspace + " at n = " + n);
            }
            assertEquals(r.workspaceHighWater(), script.usage(Map.of("n", n)).workspace(), "workspace at n = " + n);
        }
        return free;
    }

    @Test
    void aRangeToEndHasMaxOfZeroAndItsSpanPlusOne() throws ScriptException {
        Usage u = agreesAtEveryN("""
                buf = Buffer(0)
                @print_buffer_usage buf begin
                    A = alloc!(buf, n, n)
                    A2 = A[2:end, :]
                    @tensor B[i, k] := A2[i, j] * A[j, k]
                end
                """);
        assertEquals("(n >= 1) ? max(2*n^2 - n, n^2) : n^2", u.buffer("buf").formula());
        String printed = u.blocks().get(0).sizingFunction();
        assertTrue(printed.contains("B = pseudo_alloc!(lenbuf, peakbuf, max(0, n - 1) * n)"), printed);
    }

    @Test
    void stepsEndMinusOneRangesOfVariablesAndSlicesOfSlices() throws ScriptException {
        Usage u = agreesAtEveryN("""
                buf = Buffer(0)
                A = alloc!(buf, n, n)
                Odd = A[1:2:end, :]
                @tensor C[i, k] := Odd[i, j] * A[j, k]
                Back = A[end:-2:1, :]
                @tensor G[j, i] := Back[i, j]
                Inner = A[2:end-1, 2:end-1]
                Corner = Inner[1:end-1, :]
                @tensor D[j, i] := Corner[i, j]
                first = 2
                last = n - 1
                Mid = A[first:last, :]
                @tensor E[j, i] := Mid[i, j]
                drop!(buf, E, D, G, C, A)
                """);
        String printed = u.blocks().get(0).sizingFunction();
        assertTrue(printed.contains("C = pseudo_alloc!(lenbuf, peakbuf, max(0, cld(n, 2)) * n)"), printed);
        assertTrue(printed.contains("G = pseudo_alloc!(lenbuf, peakbuf, n * max(0, cld(n, 2)))"), printed);
        assertTrue(printed.contains("E = pseudo_alloc!(lenbuf, peakbuf, n * max(0, last - first + 1))"), printed);
    }

    @Test
    void aSliceAFunctionReturnsKeepsItsParentsBuffer() throws ScriptException {
        agreesAtEveryN("""
                function rest(buf, n)
                    A = alloc!(buf, n, n)
                    return A[2:end, :]
                end
                buf = Buffer(0)
                R = rest(buf, n)
                @tensor F[j, i] := R[i, j]
                reset!(buf)
                """);
    }

    @Test
    void inALoopTheRangesLengthIsAFormulaOfItsVariable() throws ScriptException {
        // A[i:end, :] is all of A at i = 1 (used in place), part of it after
        agreesAtEveryN("""
                buf = Buffer(0)
                A = alloc!(buf, n, 3)
                rand!(A)
                for i in 1:n
                    V = A[i:end, :]
                    @tensor S[j, k] := V[k, j]
                    drop!(buf, S)
                end
                drop!(buf, A)
                """);
    }

    @Test
    void aSlicesLengthAtNumbersIsJuliasAlsoForOneIndexAtAStep() throws ScriptException {
        // A[1:2:1, :] of a 1×1 tensor is all of it, used in place: usage counted a copy (2 where run takes 1)
        TensorShapesTest.agrees("""
                buf = Buffer(0)
                A = alloc!(buf, 1, 1)
                rand!(A)
                A2 = A[1:2:1, :]
                @tensor B[i, k] := A2[i, j] * A[j, k]
                """);
    }

    @Test
    void aRangeInAVariableIndexesAsTheRangeWrittenThere() throws ScriptException {
        // usage refused it: "it needs the buffer and dimensions of Ar, assigned at line 5 from a value
        // known only when running"
        Usage u = agreesAtEveryN("""
                buf = Buffer(0)
                @print_buffer_usage buf begin
                    A = alloc!(buf, n, 4)
                    r = 1:3
                    Ar = A[:, r]
                    @tensor B[j, i] := Ar[i, j]
                end
                """);
        assertEquals("7*n", u.buffer("buf").formula());
        String printed = u.blocks().get(0).sizingFunction();
        assertTrue(printed.contains("B = pseudo_alloc!(lenbuf, peakbuf, 3 * n)"), printed);
        // two of them (the type checker took A[r, c] for an element: "must be a tensor, not a float"), a
        // formula, a step, one assigned before the block, s = r, and length(r) as a size
        u = agreesAtEveryN("""
                buf = Buffer(0)
                cols = 2:n
                @print_buffer_usage buf begin
                    A = alloc!(buf, n, n)
                    r = 1:2:n
                    s = r
                    As = A[s, cols]
                    @tensor B[j, i] := As[i, j]
                    L = alloc!(buf, length(r), length(cols))
                    drop!(buf, L, B, A)
                end
                """);
        printed = u.blocks().get(0).sizingFunction();
        assertTrue(printed.contains("B = pseudo_alloc!(lenbuf, peakbuf, max(0, n - 1) * max(0, cld(n, 2)))"), printed);
        assertTrue(printed.contains("L = pseudo_alloc!(lenbuf, peakbuf, max(0, cld(n, 2)) * max(0, n - 1))"), printed);
    }

    @Test
    void aRangeAssignedInBranchesIsFollowedOnEachPathAndNotPrinted() throws ScriptException {
        String text = """
                buf = Buffer(0)
                A = alloc!(buf, n, n)
                if wide
                    q = 1:n
                else
                    q = 2:n
                end
                Aq = A[q, :]
                @tensor C[j, i] := Aq[i, j]
                """;
        BufScript script = BufScript.fromString("q.buf", text);
        Usage free = script.usage(Map.of());
        assertEquals("wide ? 2*n^2 : (n >= 1) ? max(2*n^2 - n, n^2) : n^2", free.buffer("buf").formula());
        assertTrue(free.blocks().get(0).sizingFunction().contains("C = error(\"bufdsl: the size of C"),
                free.blocks().get(0).sizingFunction());
        for (boolean wide : new boolean[] {true, false}) {
            for (long n = 0; n <= 4; n++) {
                RunResult r = script.run(Map.of("n", n, "wide", wide), new PrintStream(OutputStream.nullOutputStream()),
                        1L);
                assertEquals(r.buffersCreated().get(0).highWater(),
                        script.usage(Map.of("n", n, "wide", wide)).buffer("buf").peak(), "n = " + n + ", " + wide);
            }
        }
    }

    @Test
    void aSlicePassedToAFunctionIsItsParametersTensor() throws ScriptException {
        // usage refused it: "usage cannot size Y ... it needs the buffer and dimensions of X, assigned at
        // line 8 from a value known only when running"
        Usage u = agreesAtEveryN("""
                buf = Buffer(0)
                function f(buf, X)
                    @tensor Y[i, k] := X[i, j] * X[j, k]
                    return Y
                end
                @print_buffer_usage buf begin
                    A = alloc!(buf, n, n, 2)
                    Z = f(buf, A[:, :, 2])
                    W = f(buf, A[2:end, 2:end, 1])
                end
                """);
        assertEquals("(n >= 1) ? max(3*n^2, 4*n^2 - 2*n + 1) : 3*n^2", u.buffer("buf").formula());
        String printed = u.blocks().get(0).sizingFunction();
        // the printed function is given nothing for the slice, and says it cannot size Y
        assertTrue(printed.contains("    pseudo_f(lenbuf, peakbuf, nothing)\n"), printed);
        assertTrue(!printed.contains("#argument"), printed);
        SizingFunction f = Analyzer.sizingFunctions(SizingTest.resolve("""
                buf = Buffer(0)
                function g(buf, X)
                    B = alloc!(buf, 2)
                    drop!(buf, B)
                end
                A = alloc!(buf, 3, 4)
                g(buf, A[:, 2])
                """)).get(0);
        assertTrue(JavaEmitter.emit(f, "S").contains("pseudo_g(lenbuf, peakbuf, 0);"), JavaEmitter.emit(f, "S"));
    }

    @Test
    void aRangePassedToAFunctionIsRefusedThereWithTheReason() {
        // the printed pseudo_ function would take the parameter for an integer: not followed, said so
        io.github.bufdsl.api.ScriptException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.github.bufdsl.api.ScriptException.class, () -> BufScript.fromString("g.buf", """
                        buf = Buffer(0)
                        function g(buf, A, r)
                            V = A[r, :]
                            @tensor S[j, k] := V[k, j]
                            return S
                        end
                        A = alloc!(buf, 4, 3)
                        S = g(buf, A, 1:2)
                        """).usage(Map.of()));
        assertTrue(e.formatted().contains("g.buf:4:5: error: usage cannot size S") && e.formatted().contains(
                "(it is assigned at line 8 from the range 1:2 passed to g, which usage does not follow in a function)"),
                e.formatted());
    }
}
