package io.github.bufdsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.exec.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code c ? p : q} is sized as the {@code if} it runs as, and agrees with running. */
class TernaryTest {
    private static final String SCRIPT = """
            buf = Buffer(0)
            A = alloc!(buf, 4)
            rand!(A)
            k = n > 3 ? (big ? 3 : 2) : 1
            B = big ? alloc!(buf, k, 2) : alloc!(buf, 5)
            s = A[1] > 0.5 ? 1 : 2
            drop!(buf, B)
            C = alloc!(buf, n > 4 ? 10 : 20, s > 0 ? 1 : 1)
            """;

    @Test
    void eachSideIsSizedAsTheBranchItIs() {
        for (long n : new long[] {2, 4, 5}) {
            for (boolean big : new boolean[] {true, false}) {
                long predicted = SizingTest.peaks(SCRIPT.replace(", s > 0 ? 1 : 1", ""), Map.of("n", n, "big", big))
                        .get("buf");
                long ran = SizingTest.measured(SCRIPT, Map.of("n", new Value.Int(n), "big", Value.Bool.of(big)))
                        .get("buf");
                assertEquals(ran, predicted, "n=" + n + " big=" + big);
            }
        }
        assertEquals(14L, SizingTest.peaks(SCRIPT.replace(", s > 0 ? 1 : 1", ""), Map.of("n", 5L, "big", true))
                .get("buf"));
    }

    @Test
    void insideAPrintBufferUsageBlockRunningIsNotStopped() {
        String script = """
                buf = Buffer(0)
                @print_buffer_usage buf begin
                    chi = big ? 64 : 16
                    A = alloc!(buf, chi)
                end
                """;
        assertEquals(64L, SizingTest.peaks(script, Map.of("big", true)).get("buf"));
        assertEquals(64L, SizingTest.measured(script, Map.of("big", Value.Bool.TRUE)).get("buf"));
    }

    @Test
    void aConditionReadFromTheDataDecidingASizeIsRefusedWhereItIsRead() {
        DiagnosticException e = assertThrows(DiagnosticException.class,
                () -> SizingTest.peaks(SCRIPT, Map.of("n", 5L, "big", true)));
        assertTrue(e.getMessage().contains("depends on s"), e.getMessage());
    }
}
