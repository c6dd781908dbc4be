package io.github.bufdsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.RunResult;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.api.Usage;
import io.github.bufdsl.runtime.Buffer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * usage where it needs the dimensions of a tensor that no alloc! in the same scope made (one a
 * function returns, a slice, a size read from a tensor): it predicts what running measures, per
 * buffer and for the workspace of {@code @tensor}, or refuses with a diagnostic; never a smaller peak.
 */
class TensorShapesTest {
    /** usage's peak of every buffer and workspace equal run's, for the script without free variables. */
    static void agrees(String text) throws ScriptException {
        BufScript script = BufScript.fromString("shapes.buf", text);
        Usage u = script.usage(Map.of());
        RunResult r = script.run(Map.of(), new PrintStream(OutputStream.nullOutputStream()), 1L);
        for (Buffer b : r.buffersCreated()) {
            assertNotNull(u.buffer(b.name()), b.name() + " is not sized");
            assertEquals(b.highWater(), u.buffer(b.name()).peak(), "peak of " + b.name() + " in\n" + text);
        }
        assertEquals(null, u.workspaceUnknown(), text);
        assertEquals(r.workspaceHighWater(), u.workspace(), "workspace in\n" + text);
    }

    @Test
    void aTensorAFunctionReturnsKeepsItsBufferAndDimensions() throws ScriptException {
        // usage printed 21 where run takes 33: the := from A was not counted, and the workspace was
        // "not sized (the dimensions of A are known only when running)"
        String returned = """
                function g(buf, n)
                    X = alloc!(buf, n, n)
                    rand!(X)
                    return X
                end
                buf = Buffer(1000)
                A = g(buf, 3)
                B = alloc!(buf, 3, 4)
                rand!(B)
                @tensor Z[i, k] := A[i, j] * B[j, k]
                """;
        agrees(returned);
        assertEquals(33L, BufScript.fromString("r.buf", returned).usage(Map.of()).buffer("buf").peak());
        // drop! of a returned tensor is followed (it was refused), in a loop too, returned from a branch
        agrees("""
                function g(buf, n, wide)
                    if wide
                        Y = alloc!(buf, n, 2 * n)
                        return Y
                    end
                    X = alloc!(buf, n, n)
                    return X
                end
                buf = Buffer(0)
                for m in 1:3
                    A = g(buf, m, m == 2)
                    @tensor T[j, i] := A[i, j]
                    drop!(buf, T, A)
                end
                B = g(buf, 4, false)
                drop!(buf, B)
                """);
    }

    @Test
    void thePrintedFunctionAllocatesWhatTheReturnedTensorIsContractedInto() throws ScriptException {
        String text = """
                function g(buf, n)
                    X = alloc!(buf, n, n + 1)
                    return X
                end
                buf = Buffer(0)
                A = g(buf, k)
                @tensor Z[j, i] := A[i, j]
                drop!(buf, Z, A)
                """;
        String printed = BufScript.fromString("p.buf", text).usage(Map.of("k", 2L)).blocks().get(0).sizingFunction();
        assertTrue(printed.contains("A = pseudo_g(lenbuf, peakbuf, k)"), printed);
        assertTrue(printed.contains("Z = pseudo_alloc!(lenbuf, peakbuf, (k + 1) * k)"), printed);
        assertTrue(printed.contains("return X"), printed);
    }

    @Test
    void aSliceHasTheDimensionsItKeepsOfItsParent() throws ScriptException {
        // usage refused at the drop! ("S assigned from a value known only when running") where run
        // takes 49 elements and a workspace of 31
        agrees("""
                buf = Buffer(1000)
                A = alloc!(buf, 2, 3, 4)
                B = alloc!(buf, 3, 5)
                rand!(A); rand!(B)
                for p in 1:4
                    Av = A[:, :, p]
                    @tensor S[k, i] := Av[i, j] * B[j, k]
                    drop!(buf, S)
                end
                """);
        // ranges with a step and backwards, a slice of a slice, one that is all of its tensor (used in place)
        agrees("""
                buf = Buffer(0)
                A = alloc!(buf, 4, 3, 1)
                B = alloc!(buf, 3, 5)
                B2 = alloc!(buf, 2, 5)
                rand!(A); rand!(B); rand!(B2)
                Av = A[:, :, 1]
                @tensor S[i, k] := Av[i, j] * B[j, k]
                W = A[2:3, 1:2:3, :]
                Wv = W[:, 2, 1]
                @tensor T[k, i, l] := W[i, j, l] * B2[j, k]
                @tensor U[k, l] := Wv[i] * W[i, j, l] * B2[j, k]
                Bb = B[3:-1:1, :]
                @tensor V[i, k] := Av[i, j] * Bb[j, k]
                drop!(buf, V, U, T, S)
                """);
    }

    @Test
    void whetherASliceIsAllOfItsTensorIsAConditionOnTheFreeVariables() throws ScriptException {
        // A[:, :, p] of a 2×3×n tensor is used in place when n is 1 and copied otherwise
        BufScript script = BufScript.fromString("s.buf", """
                buf = Buffer(0)
                A = alloc!(buf, 2, 3, n)
                B = alloc!(buf, 3, 5)
                rand!(A); rand!(B)
                for p in 1:n
                    Av = A[:, :, p]
                    @tensor S[k, i] := Av[i, j] * B[j, k]
                    drop!(buf, S)
                end
                """);
        assertEquals("(n >= 1) ? ((n >= 2) ? 31 : 25) : 0", script.usage(Map.of()).workspaceFormula());
        for (long n : new long[] {0, 1, 2, 4}) {
            RunResult r = script.run(Map.of("n", n), new PrintStream(OutputStream.nullOutputStream()), 1L);
            Usage u = script.usage(Map.of("n", n));
            assertEquals(r.workspaceHighWater(), u.workspace(), "n = " + n);
            assertEquals(r.buffersCreated().get(0).highWater(), u.buffer("buf").peak(), "n = " + n);
        }
    }

    @Test
    void aSizeThePrintedFunctionCannotStateStopsIt() {
        // in a function given the tensor, the printed function knows only its length: it was printed
        // as size(X, 2), which Julia computes as 1 of that number
        SizingFunction f = Analyzer.sizingFunctions(SizingTest.resolve("""
                function work(buf, X)
                    W = alloc!(buf, size(X, 2))
                    drop!(buf, W)
                end
                buf = Buffer(0)
                A = alloc!(buf, 3, 4)
                work(buf, A)
                """)).get(0);
        String printed = JuliaPrinter.print(f);
        assertTrue(printed.contains("W = pseudo_alloc!(lenbuf, peakbuf, error(\"bufdsl: size(X, 2) is known only"
                + " where it runs"), printed);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JuliaPrinter.printBuf(f, "s"));
        assertTrue(e.getMessage().startsWith("--emit buf: size(X, 2) is known only where it runs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JavaEmitter.emit(f, "S"));
        assertEquals(16L, SizingEvaluator.peaks(f, Map.of()).get("buf")); // the paths size it all the same
    }

    @Test
    void aTensorUsageCannotFollowIsRefusedWhereDefineAllocatesFromIt() {
        // a function that is given no buffer returns its argument: usage printed 32 where run takes 47
        String h = """
                function h(X)
                    return X
                end
                buf = Buffer(1000)
                A = alloc!(buf, 3, 4)
                B = alloc!(buf, 4, 5)
                C = h(A)
                """;
        String returned = h + "@tensor Z[i, k] := C[i, j] * B[j, k]\n";
        ScriptException e = assertThrows(ScriptException.class,
                () -> BufScript.fromString("h.buf", returned).usage(Map.of()));
        assertTrue(e.formatted().contains("h.buf:8:1: error: usage cannot size Z, which @tensor ... := allocates"
                + " here: it needs the buffer and dimensions of C, assigned at line 7"), e.formatted());
        // a size read from such a tensor
        e = assertThrows(ScriptException.class,
                () -> BufScript.fromString("c.buf", h + "D = alloc!(buf, size(C, 1))\n").usage(Map.of()));
        assertTrue(e.formatted().contains("c.buf:8:5: error: usage cannot compute size(C, 1) before running: C is"
                + " assigned at line 7 from a value known only when running"), e.formatted());
    }

    @Test
    void sizeAndLengthOfATensorAreSizes() throws ScriptException {
        // usage refused at size(A, 1) ("cannot compute") where run takes 39 elements
        String b3 = """
                buf = Buffer(1000)
                A = alloc!(buf, 3, 4)
                B = alloc!(buf, size(A, 1))
                L = length(A)
                C = alloc!(buf, 2 * L)
                """;
        agrees(b3);
        String printed = BufScript.fromString("b3.buf", b3).usage(Map.of()).blocks().get(0).sizingFunction();
        assertTrue(printed.contains("B = pseudo_alloc!(lenbuf, peakbuf, 3)\n    L = 3 * 4\n"), printed);
        // past the last dimension (1, as Julia), `end` in a slice, a slice's and a := tensor's
        // dimensions, in a loop, in a function given the tensor, after the sizes' variable changed
        agrees("""
                function work(buf, X)
                    m = size(X, 2)
                    W = alloc!(buf, m, size(X, 1) + 1)
                    drop!(buf, W)
                end
                buf = Buffer(0)
                n = 5
                A = alloc!(buf, n, 4)
                n = 2
                B = alloc!(buf, size(A, 1), size(A, 3))
                Ac = A[2:end, 2:end]
                @tensor S[j, i] := Ac[i, j]
                D = alloc!(buf, length(Ac) + size(S, 2))
                r, c = size(S)
                G = alloc!(buf, r, c + 1)
                work(buf, A)
                for i in 1:3
                    E = alloc!(buf, i, n)
                    F = alloc!(buf, size(E, 1) * length(E))
                    drop!(buf, F, E)
                end
                """);
    }
}
