package io.github.bufdsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.exec.Value;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Loops in closed form against plain iteration and against running: random loop bodies (sizes
 * polynomial in the loop variable, conditions on it, break, continue, nested and triangular loops,
 * reset!) with small trip counts, where the three must agree exactly; the printed formulas
 * evaluated for values of the bound; and exactness at trip counts no iteration could reach.
 */
class ClosedFormTest {
    private static final String[] SIZES = {"1", "3", "i", "2*i + 1", "i*i", "i + 4", "3*i", "min(4, i)", "max(i, 3)",
        "div(i, 2) + 1", "abs(i - 5) + 1", "cld(i, 3)", "mod(i, 4) + 1", "min(3, BOUND - i + 1)", "i \u00F7 3 + 1"};
    private static final String[] CONDITIONS = {"i % 2 == 0", "i % 3 == 1", "i > 3", "i == 2", "i <= 5", "i != 4"};

    /** A random loop over 1:bound; {@code bound} is a number or "n". */
    private static String script(Random r, String bound) {
        StringBuilder sb = new StringBuilder("buf = Buffer(0)\nbase = alloc!(buf, 2)\n");
        String step = r.nextInt(4) == 0 ? "2:" : "";
        sb.append("for i in 1:").append(step).append(bound).append('\n');
        int kind = r.nextInt(6);
        String size = SIZES[r.nextInt(SIZES.length)].replace("BOUND", bound);
        String other = SIZES[r.nextInt(SIZES.length)].replace("BOUND", bound);
        String cond = CONDITIONS[r.nextInt(CONDITIONS.length)];
        switch (kind) {
            case 0 -> sb.append("    A = alloc!(buf, ").append(size).append(")\n    drop!(buf, A)\n");
            case 1 -> sb.append("    A = alloc!(buf, ").append(size).append(")\n");
            case 2 -> sb.append("    if ").append(cond).append("\n        A = alloc!(buf, ").append(size)
                    .append(")\n        drop!(buf, A)\n    else\n        B = alloc!(buf, ").append(other)
                    .append(")\n        drop!(buf, B)\n    end\n");
            case 3 -> sb.append("    if ").append(cond).append("\n        ").append(r.nextBoolean() ? "break" : "continue")
                    .append("\n    end\n    A = alloc!(buf, ").append(size).append(")\n    drop!(buf, A)\n");
            case 4 -> sb.append("    for j in 1:i\n        C = alloc!(buf, ").append(size.replaceAll("\\bi\\b", "j"))
                    .append(")\n    end\n    reset!(buf)\n");
            default -> sb.append("    A = alloc!(buf, ").append(size).append(")\n    B = alloc!(buf, ").append(other)
                    .append(")\n    drop!(buf, B)\n");
        }
        sb.append("end\n");
        return sb.toString();
    }

    private static Map<String, Long> closed(String text, Map<String, ?> vars) {
        Map<String, Long> all = new HashMap<>();
        for (SizingFunction f : Analyzer.sizingFunctions(SizingTest.resolve(text))) {
            SizingEvaluator.peaks(f, vars).forEach((k, v) -> all.merge(k, v, Math::max));
        }
        return all;
    }

    private static Map<String, Long> iterated(String text, Map<String, ?> vars) {
        Map<String, Long> all = new HashMap<>();
        for (SizingFunction f : Analyzer.sizingFunctions(SizingTest.resolve(text))) {
            SizingEvaluator.peaksByIteration(f, vars).forEach((k, v) -> all.merge(k, v, Math::max));
        }
        return all;
    }

    @Test
    void closedFormsEqualIterationAndRunning() {
        Random r = new Random(20261129);
        for (int c = 0; c < 400; c++) {
            int bound = r.nextInt(13);
            String text = script(r, String.valueOf(bound));
            Map<String, Long> byIteration = iterated(text, Map.of());
            assertEquals(byIteration, closed(text, Map.of()), text);
            assertEquals(byIteration, SizingTest.measured(text, Map.of()), text);
        }
    }

    @Test
    void printedFormulasGiveTheIteratedPeaks() {
        Random r = new Random(7);
        int checked = 0;
        for (int c = 0; c < 200; c++) {
            String text = script(r, "n");
            SizingFunction f = Analyzer.sizingFunctions(SizingTest.resolve(text)).get(0);
            SizingResult symbolic;
            try {
                symbolic = SizingEvaluator.analyze(f, Map.of());
            } catch (DiagnosticException e) {
                continue; // said why it needs values; the numeric cases above cover the rest
            }
            String formula = symbolic.formula("buf");
            assertNotNull(formula, text);
            for (long n = 0; n <= 13; n++) {
                long expected = SizingEvaluator.peaksByIteration(f, Map.of("n", n)).get("buf");
                assertEquals(expected, evaluate(formula, n), text + "\nformula: " + formula + "\nn = " + n);
            }
            checked++;
        }
        assertTrue(checked >= 150, "only " + checked + " formulas were checked");
    }

    /** The printed formula's value for {@code n} ({@link FormulaValue}). */
    private static long evaluate(String formula, long n) {
        return FormulaValue.of(formula, Map.of("n", n));
    }

    /** As {@link #evaluate(String, long)}, with a second variable {@code s}. */
    private static long evaluate(String formula, long n, long s) {
        return FormulaValue.of(formula, Map.of("n", n, "s", s));
    }

    @Test
    void blockedLoopsAreFormulasExactAtEveryValue() {
        String[] bodies = {
            "for i in 1:n\n    m = min(4, n - i + 1)\n    A = alloc!(buf, m, m)\n    drop!(buf, A)\nend\n",
            "for i in 1:4:n\n    m = min(4, n - i + 1)\n    A = alloc!(buf, m, 3)\n    drop!(buf, A)\nend\n",
            "for i in 1:3:n\n    A = alloc!(buf, min(3, n - i + 1))\nend\n",
            "for i in 1:n\n    A = alloc!(buf, abs(i - 5) + max(2, 8 - i))\n    drop!(buf, A)\nend\n",
            "for i in 1:n\n    A = alloc!(buf, div(i, 3) + 1)\n    drop!(buf, A)\nend\n",
            "k = 0\nwhile k < n\n    k += 3\n    A = alloc!(buf, min(k, 7), mod(k, 5) + 1)\n    drop!(buf, A)\nend\n",
            "k = n\nwhile k > 0\n    A = alloc!(buf, k)\n    drop!(buf, A)\n    k -= 2\nend\n",
        };
        for (String body : bodies) {
            String text = "buf = Buffer(0)\nbase = alloc!(buf, 2)\n" + body;
            SizingFunction f = Analyzer.sizingFunctions(SizingTest.resolve(text)).get(0);
            String formula = SizingEvaluator.analyze(f, Map.of()).formula("buf");
            assertNotNull(formula, text);
            for (long n = 0; n <= 40; n++) {
                long expected = SizingEvaluator.peaksByIteration(f, Map.of("n", n)).get("buf");
                assertEquals(expected, evaluate(formula, n), text + "\nformula: " + formula + "\nn = " + n);
                assertEquals(expected, SizingTest.measured(text, Map.of("n", new io.github.bufdsl.exec.Value.Int(n))).get("buf"), text + "\nn = " + n);
            }
        }
    }

    /** A step that is a free variable: the loop counts its iterations, the formula is exact for every n and s. */
    @Test
    void symbolicStepsAreExact() {
        String[] bodies = {
            "for i in 1:s:n\n    A = alloc!(buf, i, 2)\n    drop!(buf, A)\n    B = alloc!(buf, 3)\nend\n",
            "for i in n:-s:1\n    A = alloc!(buf, i + 1)\n    drop!(buf, A)\nend\n",
            "for i in 1:2s:n\n    for j in 1:i\n        C = alloc!(buf, j)\n    end\n    reset!(buf)\nend\n",
        };
        for (String body : bodies) {
            String text = "buf = Buffer(0)\nbase = alloc!(buf, 2)\n" + body.replace("2s", "2*s");
            SizingFunction f = Analyzer.sizingFunctions(SizingTest.resolve(text)).get(0);
            String formula = SizingEvaluator.analyze(f, Map.of()).formula("buf");
            assertNotNull(formula, text);
            for (long n = 0; n <= 20; n++) {
                for (long st = 1; st <= 5; st++) {
                    Map<String, Object> vars = Map.of("n", n, "s", st);
                    long expected = SizingEvaluator.peaksByIteration(f, vars).get("buf");
                    String what = text + "\nformula: " + formula + "\nn = " + n + ", s = " + st;
                    assertEquals(expected, evaluate(formula, n, st), what);
                    assertEquals(expected, SizingTest.measured(text, Map.of("n", new io.github.bufdsl.exec.Value.Int(n),
                            "s", new io.github.bufdsl.exec.Value.Int(st))).get("buf"), what);
                }
            }
        }
    }

    /** Interleaved residues that only grow the buffer: the sum over the pieces, at a count no iteration reaches. */
    @Test
    void interleavedGrowthIsSummed() {
        // sum over i = 1..N of (div(i, 2) + 1) = (N/2)^2 + N for even N
        assertEquals(Map.of("buf", 250_000_000_000L + 1_000_000L), closed("""
                buf = Buffer(0)
                for i in 1:1000000
                    A = alloc!(buf, div(i, 2) + 1)
                end
                """, Map.of()));
        String text = """
                buf = Buffer(0)
                for i in 1:10
                    if i % 3 == 0
                        A = alloc!(buf, i)
                        T = alloc!(buf, 100)
                        drop!(buf, T)
                    else
                        B = alloc!(buf, 2)
                    end
                end
                C = alloc!(buf, 1)
                drop!(buf, C)
                """;
        assertEquals(iterated(text, Map.of()), closed(text, Map.of()));
        assertEquals(Map.of("buf", 130L), SizingTest.measured(text, Map.of()));
    }

    @Test
    void hugeTripCountsAreExact() {
        assertEquals(Map.of("buf", 3L), closed("""
                buf = Buffer(0)
                for i in 1:100000000000
                    A = alloc!(buf, i % 3 + 1)
                    drop!(buf, A)
                end
                """, Map.of()));
        assertEquals(Map.of("buf", 100_000_000_000L), closed("""
                buf = Buffer(0)
                for i in 1:100000000000
                    A = alloc!(buf, 1)
                end
                reset!(buf)
                """, Map.of()));
        long n = 100_000;
        assertEquals(Map.of("buf", n * (n + 1) / 2), closed("""
                buf = Buffer(0)
                for i in 1:n
                    for j in 1:i
                        A = alloc!(buf, j)
                        drop!(buf, A)
                    end
                    B = alloc!(buf, i)
                end
                reset!(buf)
                """, Map.of("n", n)));
    }

    @Test
    void countedWhileLoopsAndBreaks() {
        String text = """
                buf = Buffer(0)
                k = 0
                while true
                    k += 1
                    if k > 4
                        break
                    end
                    B = alloc!(buf, k * 10)
                    drop!(buf, B)
                end
                m = 0
                while m < n
                    m += 1
                    C = alloc!(buf, m)
                end
                reset!(buf)
                """;
        for (long n = 0; n <= 6; n++) {
            Map<String, Long> expected = iterated(text, Map.of("n", n));
            assertEquals(expected, closed(text, Map.of("n", n)));
            assertEquals(expected, SizingTest.measured(text, Map.of("n", new Value.Int(n))));
        }
        SizingFunction f = Analyzer.sizingFunctions(SizingTest.resolve(text)).get(0);
        assertEquals("(n >= 1) ? max(40, div(n^2 + n, 2)) : 40", SizingEvaluator.analyze(f, Map.of()).formula("buf"));
    }

    @Test
    void aLoopWithoutEndIsReportedAtOnce() {
        DiagnosticException e = org.junit.jupiter.api.Assertions.assertThrows(DiagnosticException.class, () -> closed("""
                buf = Buffer(0)
                while true
                    A = alloc!(buf, 1)
                    drop!(buf, A)
                end
                """, Map.of()));
        assertTrue(e.getMessage().contains("never ends"), e.getMessage());
    }

    @Test
    void sumsOfPowersAreFaulhaber() {
        Poly t = Poly.symbol(ClosedForms.T);
        for (int p = 0; p <= 5; p++) {
            Poly s = ClosedForms.sum(t.pow(p), Poly.symbol("n"));
            for (long n = 0; n <= 12; n++) {
                long expected = 0;
                for (long u = 0; u < n; u++) {
                    expected += (long) Math.pow(u, p);
                }
                assertEquals(expected, s.evaluate(Map.of("n", n)), "p = " + p + ", n = " + n + ": " + s);
            }
        }
    }

    @Test
    void maximaOverRangesAreExact() {
        Poly t = Poly.symbol(ClosedForms.T);
        // (t - 7)^2 * (t - 30) + 5000 over 0..40: not monotone
        Poly q = t.minus(Poly.constant(7)).pow(2).times(t.minus(Poly.constant(30))).plus(Poly.constant(5000));
        long best = Long.MIN_VALUE;
        for (long u = 0; u < 41; u++) {
            best = Math.max(best, q.evaluate(Map.of(ClosedForms.T, u)));
        }
        assertEquals(Poly.constant(best), ClosedForms.max(q, Poly.constant(41)));
        assertEquals(List.of(), ClosedForms.realRoots(new double[] {1, 0, 1}, -5, 5));
    }
}
