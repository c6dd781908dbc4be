package io.github.bufdsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
}
