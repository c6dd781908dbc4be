package io.github.bufdsl.analysis;

import static io.github.bufdsl.analysis.TensorShapesTest.agrees;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.api.Usage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A function that returns several tensors ({@code return A, W}, called as {@code A, W = f(...)}):
 * usage carries each out of the call with its buffer and dimensions, as it does one returned tensor.
 */
class TupleReturnTest {
    private static final String SWEEP = """
            envbuf = Buffer(0)
            sites = Buffer(0)
            function make_site(sites, chi, d)
                A = alloc!(sites, chi, d, chi)
                W = alloc!(sites, d, d)
                rand!(A)
                fill!(W, 0.0)
                return A, W
            end
            @print_buffer_usage envbuf sites begin
                chi = big ? 16 : 4
                L = alloc!(envbuf, chi, chi)
                fill!(L, 1.0)
                for s in 1:nsites
                    A, W = make_site(sites, chi, 2)
                    @tensoropt Lnew[b, bp] := L[a, ap] * A[a, s1, b] * W[s1, s2] * A[ap, s2, bp]
                    L .= Lnew ./ sum(Lnew)
                    drop!(envbuf, Lnew)
                    drop!(sites, W, A)
                end
            end
            """;

    @Test
    void eachTensorOfTheTupleKeepsItsBufferAndDimensions() throws ScriptException {
        // usage refused: "usage cannot size Lnew ...: it needs the buffer and dimensions of A, assigned
        // at line 16 from a value known only when running"; run takes 512, 516 and a workspace of 2560
        BufScript script = BufScript.fromString("sweep.buf", SWEEP);
        for (boolean big : new boolean[] {true, false}) {
            Map<String, Object> vars = Map.of("big", big, "nsites", 3L);
            Usage u = script.usage(vars);
            var r = script.run(vars, new PrintStream(ByteArrayOutputStream.nullOutputStream()), 1L);
            for (var b : r.buffersCreated()) {
                assertEquals(b.highWater(), u.buffer(b.name()).peak(), b.name() + " big=" + big);
            }
            assertEquals(r.workspaceHighWater(), u.workspace(), "big=" + big);
        }
        Usage big = script.usage(Map.of("big", true, "nsites", 4L));
        assertEquals(512L, big.buffer("envbuf").peak());
        assertEquals(516L, big.buffer("sites").peak());
        assertEquals(2560L, big.workspace());
    }

    @Test
    void thePrintedFunctionReturnsTheTupleAndStatesTheDefinesSizes() throws ScriptException {
        String printed = BufScript.fromString("sweep.buf", SWEEP).usage(Map.of()).blocks().get(0).sizingFunction();
        assertTrue(printed.contains("    return A, W\n"), printed);
        assertTrue(printed.contains("A, W = pseudo_make_site(lensites, peaksites, chi, 2)"), printed);
        assertTrue(printed.contains("Lnew = pseudo_alloc!(lenenvbuf, peakenvbuf, chi * chi)"), printed);
        // the printed function as a script, and as Java (EmitTest compiles every example's), give usage's peaks
        String buf = BufScript.fromString("sweep.buf", SWEEP).emit("buf", Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BufScript.fromString("sizes.buf", buf).run(Map.of("big", true, "nsites", 2L),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals("(512, 516)\n", out.toString(StandardCharsets.UTF_8));
        String java = BufScript.fromString("sweep.buf", SWEEP).emit("java", Map.of());
        assertTrue(java.contains("private static long[] pseudo_make_site("), java);
        assertTrue(java.contains("return new long[] {A, W};"), java);
    }

    @Test
    void theTargetsTakeTheItemsInOrderWhateverTheirNames() throws ScriptException {
        // V is the function's Y (n × 3), B its X (n × n): a := from V is n × 3 wide
        agrees("""
                function two(buf, n)
                    X = alloc!(buf, n, n)
                    Y = alloc!(buf, n, 3)
                    rand!(X); rand!(Y)
                    return X, Y
                end
                buf = Buffer(0)
                B, V = two(buf, 5)
                @tensor Z[k, i] := V[i, k]
                @tensor P[i, k] := B[i, j] * V[j, k]
                drop!(buf, P, Z)
                drop!(buf, V, B)
                for m in 1:3
                    C, D = two(buf, m + 1)
                    @tensor Q[i, k] := C[i, j] * D[j, k]
                    drop!(buf, Q, D, C)
                end
                """);
        String printed = BufScript.fromString("t.buf", """
                function two(buf, n)
                    X = alloc!(buf, n, n)
                    Y = alloc!(buf, n, 3)
                    return X, Y
                end
                buf = Buffer(0)
                B, V = two(buf, k)
                @tensor Z[k2, i] := V[i, k2]
                drop!(buf, Z, V, B)
                """).usage(Map.of("k", 2L)).blocks().get(0).sizingFunction();
        assertTrue(printed.contains("Z = pseudo_alloc!(lenbuf, peakbuf, 3 * k)"), printed);
    }

    @Test
    void aMixedTupleCarriesItsTensorAndItsNumber() throws ScriptException {
        // usage refused B = alloc!(buf, m): "a size or condition depends on m, whose value usage cannot know
        // before running"; run takes 6 + 6 + 6
        String mixed = """
                function site(buf, n)
                    A = alloc!(buf, n, 2)
                    rand!(A)
                    m = 2 * n
                    return A, m
                end
                buf = Buffer(0)
                A, m = site(buf, 3)
                @tensor T[j, i] := A[i, j]
                B = alloc!(buf, m)
                drop!(buf, B, T, A)
                """;
        agrees(mixed);
        Usage u = BufScript.fromString("m.buf", mixed).usage(Map.of());
        assertEquals(18L, u.buffer("buf").peak());
        String printed = u.blocks().get(0).sizingFunction();
        assertTrue(printed.contains("    m = 2 * n\n    return A, m\n"), printed);
        assertTrue(printed.contains("A, m = pseudo_site(lenbuf, peakbuf, 3)"), printed);
        assertTrue(printed.contains("B = pseudo_alloc!(lenbuf, peakbuf, m)"), printed);
    }

    /** A function returning a number first and a tensor, used at sizes of n. */
    private static final String NUMBER_FIRST = """
            buf = Buffer(0)
            function make(buf, n)
                A = alloc!(buf, n, n)
                fill!(A, 1.0)
                return 2 * n, A
            end
            @print_buffer_usage buf begin
                m, A = make(buf, n)
                B = alloc!(buf, m)
                fill!(B, 2.0)
                    drop!(buf, B)
                drop!(buf, A)
            end
            """;

    @Test
    void aNumberOfTheTupleIsFollowedAsAFormula() throws ScriptException {
        String text = NUMBER_FIRST;
        Usage u = SliceRangesTest.agreesAtEveryN(text);
        assertEquals("n^2 + 2*n", u.buffer("buf").formula());
        // the printed function as a script, and as Java (EmitTest compiles every example's), return the number
        String buf = BufScript.fromString("n.buf", text).emit("buf", Map.of());
        assertTrue(buf.contains("    return 2 * n, A\n"), buf);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BufScript.fromString("sizes.buf", buf).run(Map.of("n", 3L), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals("15\n", out.toString(StandardCharsets.UTF_8));
        String java = BufScript.fromString("n.buf", text).emit("java", Map.of());
        assertTrue(java.contains("return new long[] {(2L * n), A};"), java);
        assertTrue(java.contains("m = tuple$[0];"), java);
    }

    @Test
    void aNumberDataDecidesIsKnownOnlyWhenRunning() throws ScriptException {
        // a return on data gives another number than the function's end: a size that reads it is refused
        ScriptException e = assertThrows(ScriptException.class, () -> BufScript.fromString("d.buf", """
                function pick(buf, n)
                    A = alloc!(buf, n)
                    rand!(A)
                    if A[1] > 0.5
                        return A, n
                    end
                    return A, 2 * n
                end
                buf = Buffer(0)
                A, m = pick(buf, 3)
                B = alloc!(buf, m)
                drop!(buf, B, A)
                """).usage(Map.of()));
        assertTrue(e.getMessage().contains("depends on m"), e.getMessage());
        // the same number either way is followed
        agrees("""
                function pick(buf, n)
                    A = alloc!(buf, n)
                    rand!(A)
                    if A[1] > 0.5
                        return A, n + 1
                    end
                    return A, 1 + n
                end
                buf = Buffer(0)
                A, m = pick(buf, 3)
                B = alloc!(buf, m)
                drop!(buf, B, A)
                """);
        // a number read from the data (x = sum(A)) is not followed, nor printed
        String data = """
                function total(buf, n)
                    A = alloc!(buf, n)
                    fill!(A, 1.0)
                    x = sum(A)
                    return A, x, n
                end
                buf = Buffer(0)
                A, x, m = total(buf, 3)
                B = alloc!(buf, m)
                drop!(buf, B, A)
                """;
        agrees(data);
        String printed = BufScript.fromString("x.buf", data).usage(Map.of()).blocks().get(0).sizingFunction();
        assertTrue(printed.contains("return A, nothing, n"), printed);
        e = assertThrows(ScriptException.class, () -> BufScript.fromString("x.buf",
                data.replace("alloc!(buf, m)", "alloc!(buf, Int(x))")).usage(Map.of()));
        assertTrue(e.getMessage().contains("x"), e.getMessage());
    }

    @Test
    void aDropOfTheTupleInAnotherOrderIsCheckedAsRunChecksIt() throws ScriptException {
        // W is allocated last: dropping A first is the stack error run reports, found before running
        ScriptException e = assertThrows(ScriptException.class, () -> BufScript.fromString("d.buf", """
                function make(buf, n)
                    A = alloc!(buf, n, n)
                    W = alloc!(buf, 2)
                    return A, W
                end
                buf = Buffer(0)
                A, W = make(buf, 3)
                drop!(buf, A)
                drop!(buf, W)
                """).usage(Map.of()));
        assertTrue(e.getMessage().contains("A is not the last tensor allocated in buf; W is"), e.getMessage());
    }

    @Test
    void itemsThatAllocateOrSliceAreCarriedOutToo() throws ScriptException {
        // usage refused the := from A ("assigned at line 7 from a value known only when running")
        String text = """
                function mk(buf, n)
                    W = alloc!(buf, 2, n + 1)
                    rand!(W)
                    return alloc!(buf, n, n), W[:, 2:end], alloc!(buf, 4)
                end
                buf = Buffer(0)
                A, V, E = mk(buf, 3)
                rand!(A)
                @tensor Z[j, i] := A[i, j]
                @tensor Y[k, i] := A[i, j] * V[k, j]
                drop!(buf, Y, Z, E, A)
                """;
        agrees(text);
        String printed = BufScript.fromString("i.buf", text).usage(Map.of()).blocks().get(0).sizingFunction();
        assertTrue(printed.contains("returned = pseudo_alloc!(lenbuf, peakbuf, n * n)"), printed);
        assertTrue(printed.contains("returned_3 = pseudo_alloc!(lenbuf, peakbuf, 4)"), printed);
        assertTrue(printed.contains("A, V, E = pseudo_mk(lenbuf, peakbuf, 3)"), printed);
        assertTrue(printed.contains("Z = pseudo_alloc!(lenbuf, peakbuf, 3 * 3)"), printed);
    }
}
