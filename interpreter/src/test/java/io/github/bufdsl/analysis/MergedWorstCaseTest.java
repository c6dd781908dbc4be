package io.github.bufdsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.diag.DiagnosticException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Past the path limit the branches of each open if are merged. The worst case must then equal the
 * one following every path when the result says exact, and be at least that when it says upper
 * bound: checked against the exhaustive evaluation on random scripts with many flags.
 */
class MergedWorstCaseTest {
    private static SizingResult evaluate(String script, int maxPaths) {
        SizingFunction f = Analyzer.wholeScript(SizingTest.resolve(script));
        return SizingEvaluator.analyze(f, Map.of(), SizingEvaluator.DEFAULT_MAX_STEPS, maxPaths);
    }

    @Test
    void thirtyIndependentFlagsKeepingDifferentAmountsGiveTheExactWorstCase() {
        StringBuilder s = new StringBuilder("buf = Buffer(0)\n");
        long expected = 0;
        for (int k = 1; k <= 30; k++) {
            s.append("if f").append(k).append("\n    A").append(k).append(" = alloc!(buf, 10)\nelse\n    A")
                    .append(k).append(" = alloc!(buf, ").append(k).append(")\nend\n");
            expected += Math.max(10, k);
        }
        s.append("T = alloc!(buf, 7)\ndrop!(buf, T)\n");
        SizingResult r = evaluate(s.toString(), SizingEvaluator.DEFAULT_MAX_PATHS);
        assertNotNull(r.merged());
        assertTrue(r.merged().exact());
        assertEquals(expected + 7, r.worst("buf").peak());
    }

    @Test
    void thirtyIndependentFlagsKeepingDifferentTensorsGiveTheExactWorstCase() {
        StringBuilder s = new StringBuilder("buf = Buffer(0)\n");
        long expected = 0;
        for (int k = 1; k <= 30; k++) {
            s.append("if f").append(k).append("\n    T").append(k).append(" = alloc!(buf, ").append(k).append(")\n");
            if (k % 3 != 0) {
                s.append("else\n    U").append(k).append(" = alloc!(buf, ").append(31 - k).append(", 2)\n");
            }
            s.append("end\n");
            expected += k % 3 != 0 ? Math.max(k, 2 * (31 - k)) : k;
        }
        SizingResult r = evaluate(s.toString(), SizingEvaluator.DEFAULT_MAX_PATHS);
        assertTrue(r.merged().exact());
        assertEquals(expected, r.worst("buf").peak());
    }

    @Test
    void branchesLeavingTensorsTheScriptReadsLaterAreNotMerged() {
        StringBuilder s = new StringBuilder("buf = Buffer(0)\n");
        for (int k = 1; k <= 13; k++) {
            s.append("if f").append(k).append("\n    T").append(k).append(" = alloc!(buf, ").append(k)
                    .append(")\nend\n");
        }
        s.append("if f1\n    drop!(buf, T13)\nend\n");
        DiagnosticException e = assertThrows(DiagnosticException.class,
                () -> evaluate(s.toString(), SizingEvaluator.DEFAULT_MAX_PATHS));
        assertTrue(e.getMessage().contains("that the script uses later"), e.getMessage());
    }

    @Test
    void aFlagDecidingTwoIfsGivesAnUpperBoundThatSaysSo() {
        String script = """
                buf = Buffer(0)
                if f
                    A = alloc!(buf, 10)
                else
                    A = alloc!(buf, 20)
                end
                if f
                    B = alloc!(buf, 20)
                else
                    B = alloc!(buf, 10)
                end
                """;
        SizingResult merged = evaluate(script, 1);
        assertFalse(merged.merged().exact());
        assertTrue(merged.worst("buf").path().get(0).contains("an upper bound"), merged.worst("buf").path().toString());
        assertEquals(40L, merged.worst("buf").peak());
        assertEquals(30L, evaluate(script, 4096).worst("buf").peak());
    }

    @Test
    void mergedEqualsEveryPathWhenExactAndIsNeverBelowIt() {
        SplittableRandom random = new SplittableRandom(20261124);
        int exact = 0;
        int bounds = 0;
        for (int n = 0; n < 300; n++) {
            String script = randomScript(random);
            SizingResult all;
            try {
                all = evaluate(script, 1 << 14);
            } catch (DiagnosticException e) {
                continue;
            }
            if (all.merged() != null || all.diagnostics().stream()
                    .anyMatch(d -> d.severity() == io.github.bufdsl.diag.Severity.ERROR)) {
                continue;
            }
            SizingResult merged;
            try {
                merged = evaluate(script, 1);
            } catch (DiagnosticException e) {
                continue; // branches that leave different tensors cannot be merged: refused, not wrong
            }
            long truth = all.worst("buf").peak();
            long found = merged.worst("buf").peak();
            if (merged.merged().exact()) {
                assertEquals(truth, found, script);
                exact++;
            } else {
                assertTrue(found >= truth, "an upper bound below the truth:\n" + script);
                bounds++;
            }
        }
        assertTrue(exact >= 50, "exact cases: " + exact);
        assertTrue(bounds >= 20, "upper bounds: " + bounds);
    }

    /** Flags (some shared), kept allocations of different sizes, temporaries, nested ifs, loops, drops. */
    private static String randomScript(SplittableRandom r) {
        StringBuilder s = new StringBuilder("buf = Buffer(0)\n");
        List<String> kept = new ArrayList<>();
        int flags = 3 + r.nextInt(8);
        boolean independent = r.nextBoolean(); // each flag decides one if, and no loop repeats one
        int pool = 2 + r.nextInt(3);
        for (int k = 0; k < flags; k++) {
            String flag = independent ? "f" + k : "f" + r.nextInt(pool);
            String name = "A" + k;
            int kind = r.nextInt(6);
            if (independent && kind == 3) {
                kind = 2;
            }
            switch (kind) {
                case 0, 1 -> {
                    s.append("if ").append(flag).append("\n    ").append(name).append(" = alloc!(buf, ")
                            .append(1 + r.nextInt(20)).append(")\nelse\n    ").append(name).append(" = alloc!(buf, ")
                            .append(1 + r.nextInt(20)).append(")\nend\n");
                    kept.add(name);
                }
                case 2 -> s.append("if ").append(flag).append("\n    T = alloc!(buf, ").append(1 + r.nextInt(30))
                        .append(")\n    drop!(buf, T)\nend\n");
                case 3 -> s.append("for i in 1:").append(1 + r.nextInt(3)).append("\n    if ").append(flag)
                        .append("\n        T = alloc!(buf, ").append(1 + r.nextInt(9)).append(" * i)\n        drop!(buf, T)\n"
                                + "    end\nend\n");
                case 5 -> { // different tensors, or one and none, never read again
                    s.append("if ").append(flag).append("\n    B").append(k).append(" = alloc!(buf, ")
                            .append(1 + r.nextInt(20)).append(")\n");
                    if (r.nextBoolean()) {
                        s.append("else\n    C").append(k).append(" = alloc!(buf, ").append(1 + r.nextInt(20))
                                .append(", 2)\n");
                    }
                    s.append("end\n");
                }
                default -> {
                    String inner = independent ? "g" + k : "f" + r.nextInt(pool);
                    s.append("if ").append(flag).append("\n    if ").append(inner).append("\n        ").append(name)
                            .append(" = alloc!(buf, ").append(1 + r.nextInt(20)).append(")\n    else\n        ")
                            .append(name).append(" = alloc!(buf, ").append(1 + r.nextInt(20)).append(")\n    end\n")
                            .append("else\n    ").append(name).append(" = alloc!(buf, ").append(1 + r.nextInt(20))
                            .append(")\nend\n");
                    kept.add(name);
                }
            }
            if (!kept.isEmpty() && r.nextInt(4) == 0) {
                s.append("drop!(buf, ").append(kept.remove(kept.size() - 1)).append(")\n");
            }
        }
        s.append("Z = alloc!(buf, ").append(1 + r.nextInt(10)).append(")\n");
        return s.toString();
    }
}
