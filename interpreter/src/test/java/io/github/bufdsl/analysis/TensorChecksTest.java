package io.github.bufdsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.exec.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@code @tensor} that sizing checks before running, against what running finds:
 * an output that shares memory with an operand, and a tensor bound to a second name.
 */
class TensorChecksTest {
    private static String script(String tensor) {
        return """
                buf = Buffer(1000)
                A = alloc!(buf, 3, 3)
                B = alloc!(buf, 3, 3)
                C = alloc!(buf, 3, 3)
                rand!(A); rand!(B); rand!(C)
                D = B
                """ + tensor + "\n";
    }

    /** What the analyzer says of the script, and what running it says (null where each accepts it). */
    private static void agree(String tensor, boolean overlaps) {
        String text = script(tensor);
        String checked = null;
        try {
            SizingTest.peaks(text, Map.of());
        } catch (DiagnosticException e) {
            checked = e.getMessage();
        }
        String ran = null;
        try {
            SizingTest.measured(text, Map.<String, Value>of());
        } catch (RuntimeException e) {
            ran = e.getMessage();
        }
        if (overlaps) {
            assertTrue(checked != null && checked.contains("shares memory with the input"), tensor + ": " + checked);
            assertTrue(ran != null && ran.contains("shares memory with the input"), tensor + ": " + ran);
        } else {
            assertEquals(null, checked, tensor);
            assertEquals(null, ran, tensor);
        }
    }

    @Test
    void anOutputThatTheLastStepReadsIsRefusedBeforeRunning() {
        agree("@tensor B[i,k] = A[i,j] * B[j,k]", true);
        agree("@tensor B[i,j] = B[j,i]", true);
        agree("@tensor B[i,k] = B[i,k] + A[i,k]", true);
        agree("@tensor B[i,k] = A[i,j] * C[j,k] + 2 * B[k,i]", true);
        agree("@tensor D[i,k] = A[i,j] * B[j,k]", true); // D is B under a second name
    }

    @Test
    void anOutputReadOnlyThroughACopyIsAccepted() {
        agree("@tensor B[i,k] = A[i,j] * C[j,k]", false);
        agree("@tensor B[i,l] = A[i,j] * B[j,k] * C[k,l]", false); // B is read by the first step only
        agree("@tensor A[i,k] = B[j,j] * C[i,k]", false);
        agree("@tensor D[i,k] := A[i,j] * B[j,k]", false); // := makes a new tensor
    }

    @Test
    void aTensorUnderASecondNameIsTheSameAllocation() {
        String text = """
                buf = Buffer(1000)
                A = alloc!(buf, 3, 3)
                B = alloc!(buf, 3, 3)
                for i in 1:n
                    C = B
                    D = alloc!(buf, 2, 2)
                    @tensor E[i,k] := A[i,j] * C[j,k]
                    drop!(buf, E)
                    drop!(buf, D)
                end
                C = A
                drop!(buf, B)
                drop!(buf, C)
                """;
        assertEquals(31L, SizingTest.peaks(text, Map.of("n", 3L)).get("buf"));
        assertEquals(31L, SizingTest.measured(text, Map.of("n", new Value.Int(3))).get("buf"));
    }
}
