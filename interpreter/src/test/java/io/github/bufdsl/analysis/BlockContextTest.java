package io.github.bufdsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.exec.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The values a {@code @print_buffer_usage} block reads from before it: assigned in branches and
 * loops too, never left as free variables or as an earlier value the loop changed.
 */
class BlockContextTest {
    private static String script(String before) {
        return "buf = Buffer(0)\n" + before + """
                @print_buffer_usage buf begin
                    A = alloc!(buf, n, 2)
                    drop!(buf, A)
                end
                """;
    }

    @Test
    void aValueAssignedInBranchesBeforeTheBlockIsKept() {
        for (String before : new String[] {"n = small ? 4 : 8\n", "if small\n n = 4\nelse\n n = 8\nend\n"}) {
            assertEquals(8L, SizingTest.peaks(script(before), Map.of("small", true)).get("buf"), before);
            assertEquals(16L, SizingTest.peaks(script(before), Map.of("small", false)).get("buf"), before);
            assertEquals(16L, SizingTest.measured(script(before), Map.of("small", Value.Bool.FALSE)).get("buf"));
        }
    }

    @Test
    void aValueALoopComputesBeforeTheBlockIsTheLoopsResult() {
        String s = script("n = 0\nfor i in 1:k\n    n += i\nend\n");
        assertEquals(12L, SizingTest.peaks(s, Map.of("k", 3L)).get("buf"));
        assertEquals(12L, SizingTest.measured(s, Map.of("k", new Value.Int(3))).get("buf"));
    }

    @Test
    void aLoopBeforeTheBlockThatDoesMoreLeavesItsNumbersUnknownNotStale() {
        String s = script("n = 2\nfor i in 1:3\n    T = alloc!(buf, i)\n    n += i\n    drop!(buf, T)\nend\n");
        DiagnosticException e = assertThrows(DiagnosticException.class, () -> SizingTest.peaks(s, Map.of()));
        assertTrue(e.getMessage().contains("depends on n"), e.getMessage()); // it was sized with n = 2
    }

    /** A tensor allocated before the block: the block's := from it is sized with its dimensions. */
    @Test
    void aTensorFromBeforeTheBlockGivesItsDimensions() {
        String script = """
                buf = Buffer(0)
                n = 3
                A = alloc!(buf, n, 2)
                @print_buffer_usage buf begin
                    @tensor C[j, i] := A[i, j]
                    drop!(buf, C)
                end
                """;
        // the block's function starts with its buffers empty (A is not the block's), as the seed's does
        assertEquals(6L, SizingTest.peaks(script, Map.of()).get("buf"));
        SizingFunction f = Analyzer.sizingFunctions(SizingTest.resolve(script)).get(0);
        String printed = JuliaPrinter.print(f);
        assertTrue(printed.contains("C = pseudo_alloc!(lenbuf, peakbuf, 2 * n)"), printed);
        assertEquals(-1, printed.indexOf("A = "), printed);
    }
}
