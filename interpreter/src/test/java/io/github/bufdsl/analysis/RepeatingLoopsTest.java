package io.github.bufdsl.analysis;

import static io.github.bufdsl.analysis.SizingTest.measured;
import static io.github.bufdsl.analysis.SizingTest.peaks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.diag.DiagnosticException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Loops whose iterations repeat are sized in two iterations; every other loop still iteration by iteration. */
class RepeatingLoopsTest {
    @Test
    void aBillionIterationsThatGiveBackWhatTheyTakeAreSizedWithoutRunningThemAll() {
        String script = """
                buf = Buffer(0)
                s = 0
                for i in 1:1000000000
                    A = alloc!(buf, 10)
                    s = s + i * 2
                    B = alloc!(buf, 5)
                    drop!(buf, B)
                    drop!(buf, A)
                end
                """;
        // without the shortcut, this loop passes the evaluator's step limit and is refused
        assertEquals(15L, peaks(script, Map.of()).get("buf"));
    }

    @Test
    void aBodyThatReadsTheLoopVariableIsSizedEveryIteration() {
        String script = """
                buf = Buffer(0)
                for k in 1:1000
                    T = alloc!(buf, k)
                    drop!(buf, T)
                end
                """;
        assertEquals(1000L, peaks(script, Map.of()).get("buf"));
        assertEquals(1000L, measured(script, Map.of()).get("buf"));
    }

    @Test
    void aSizeCarriedFromOneIterationToTheNextIsFollowed() {
        String script = """
                buf = Buffer(0)
                n = 0
                for k in 1:50
                    n = n + 2
                    T = alloc!(buf, n)
                    drop!(buf, T)
                end
                U = alloc!(buf, n + 1)
                """;
        assertEquals(101L, peaks(script, Map.of()).get("buf"));
        assertEquals(101L, measured(script, Map.of()).get("buf"));
    }

    @Test
    void allocationsKeptByEveryIterationAccumulate() {
        String script = """
                buf = Buffer(0)
                for k in 1:40
                    T = alloc!(buf, 3)
                end
                """;
        assertEquals(120L, peaks(script, Map.of()).get("buf"));
        assertEquals(120L, measured(script, Map.of()).get("buf"));
    }

    @Test
    void aSizeSetAfreshInTheLoopKeepsItsValueAfterIt() {
        String script = """
                buf = Buffer(0)
                for k in 1:100000
                    m = 7
                    T = alloc!(buf, m)
                    drop!(buf, T)
                end
                A = alloc!(buf, 2 * m)
                """;
        assertEquals(14L, peaks(script, Map.of()).get("buf"));
        assertEquals(14L, measured(script, Map.of()).get("buf"));
    }

    @Test
    void aMistakeOfTheSecondIterationIsStillFound() {
        String script = """
                buf = Buffer(0)
                X = alloc!(buf, 1)
                for k in 1:100000
                    drop!(buf, X)
                end
                """;
        DiagnosticException e = assertThrows(DiagnosticException.class, () -> peaks(script, Map.of()));
        assertTrue(e.getMessage().contains("already dropped") || e.getMessage().contains("dropped by"),
                e.getMessage());
    }
}
