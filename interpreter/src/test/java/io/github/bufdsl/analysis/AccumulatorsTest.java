package io.github.bufdsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.exec.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Values a loop carries by sums ({@code s += k}): a formula of the free variables after the loop
 * ({@link Accumulators}), exact against iteration and running at every value; a loop whose sizes or
 * conditions read such a value inside it has no closed form (iterated with numbers, refused without).
 */
class AccumulatorsTest {
    private static final String[] BODIES = {
        // a counted while (the repro): s = n(n+1)/2
        "k = 0\ns = 0\nwhile k < n\n    k += 1\n    s += k\nend\nA = alloc!(buf, s)\n",
        "s = 0\nfor i in 1:n\n    s += i\nend\nA = alloc!(buf, s)\n",
        // a step, a split on the loop variable, a decrement and a second accumulator
        "s = 3\nt = 0\nfor i in 1:2:n\n    if i > 4\n        s += 2 * i\n    else\n        s -= 1\n    end\n"
                + "    t += 1\n    B = alloc!(buf, i)\n    drop!(buf, B)\nend\nA = alloc!(buf, s + t)\n",
        // interleaved residues
        "s = 0\nfor i in 1:n\n    if i % 2 == 0\n        s += i\n    end\nend\nA = alloc!(buf, s + 1)\n",
        // a sum in an inner while, summed again by the outer loop
        "tot = 0\nfor i in 1:n\n    s = 0\n    j = 0\n    while j < i\n        j += 1\n        s += j\n    end\n"
                + "    tot += s\n    A = alloc!(buf, s)\n    drop!(buf, A)\nend\nB = alloc!(buf, tot)\n",
        // a counted while that steps down, the sum of squares
        "k = n\ns = 0\nwhile k > 0\n    s = s + k * k\n    k -= 1\nend\nA = alloc!(buf, s, 2)\n",
    };

    @Test
    void sumsAreFormulasExactAtEveryValue() {
        for (String body : BODIES) {
            String text = "buf = Buffer(0)\n" + body;
            SizingFunction f = Analyzer.sizingFunctions(SizingTest.resolve(text)).get(0);
            String formula = SizingEvaluator.analyze(f, Map.of()).formula("buf");
            assertNotNull(formula, text);
            for (long n = 0; n <= 15; n++) {
                long expected = SizingEvaluator.peaksByIteration(f, Map.of("n", n)).get("buf");
                assertEquals(expected, FormulaValue.of(formula, Map.of("n", n)), text + "\nformula: " + formula
                        + "\nn = " + n);
                assertEquals(expected, SizingTest.measured(text, Map.of("n", new Value.Int(n))).get("buf"),
                        text + "\nn = " + n);
            }
        }
    }

    @Test
    void theWhileLoopsSumIsTheTriangularNumber() {
        SizingFunction f = Analyzer.sizingFunctions(SizingTest.resolve("buf = Buffer(0)\n" + BODIES[0])).get(0);
        assertEquals("(n >= 1) ? div(n^2 + n, 2) : 0", SizingEvaluator.analyze(f, Map.of()).formula("buf"));
        assertEquals(Map.of("buf", 500_000_500_000L), SizingTest.peaks("buf = Buffer(0)\n" + BODIES[0],
                Map.of("n", 1_000_000L)));
    }

    /**
     * A condition in the loop reading the sum, or a size reading it through what is no polynomial: no
     * closed form, iterated with numbers, said without (a size that is a formula of it is one:
     * SumsReadInLoopTest).
     */
    @Test
    void aSumReadInsideTheLoopIsNotAFormula() {
        String[] bodies = {
            "s = 0\nfor i in 1:n\n    s += i\n    if s > 6\n        A = alloc!(buf, 5)\n        drop!(buf, A)\n"
                    + "    end\nend\n",
            "s = 0\nfor i in 1:n\n    s += i\n    m = max(s, i)\n    A = alloc!(buf, m)\n    drop!(buf, A)\nend\n",
        };
        for (String body : bodies) {
            String text = "buf = Buffer(0)\n" + body;
            SizingFunction f = Analyzer.sizingFunctions(SizingTest.resolve(text)).get(0);
            DiagnosticException e = assertThrows(DiagnosticException.class, () -> SizingEvaluator.analyze(f, Map.of()),
                    text);
            assertTrue(e.getMessage().contains("carries a value from one iteration to the next"), e.getMessage());
            for (long n = 0; n <= 6; n++) {
                assertEquals(SizingTest.measured(text, Map.of("n", new Value.Int(n))),
                        SizingTest.peaks(text, Map.of("n", n)), text + "\nn = " + n);
            }
        }
    }
}
