package io.github.bufdsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.RunResult;
import io.github.bufdsl.api.Usage;
import io.github.bufdsl.exec.ContractionCase;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The workspace of {@code @tensor} as a formula: random contractions (every form
 * {@link ContractionCase} draws) whose dimensions are free variables are sized without values; the
 * formula, evaluated at random values (0 included), equals the workspace usage counts with those
 * values bound and the workspace running measures.
 */
public class WorkspaceFormulaTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void theFormulaEqualsTheCountWithValuesAndTheRun() throws Exception {
        int formulas = 0;
        int symbolic = 0;
        int refused = 0;
        for (long seed = 0; seed < 150; seed++) {
            ContractionCase c = ContractionCase.random(seed);
            // the default 10 s of sizing is a user's budget; on a shared, loaded machine (load 15 on 2
            // cores) one of these cases took longer, on main as well: the test checks formulas, not time
            BufScript script = BufScript.fromString("case.buf", c.symbolicScript()).withBackend("ejml")
                    .withSizingTime(120);
            Usage free = script.usage(Map.of());
            String formula = free.workspaceFormula();
            if (formula == null) {
                // a product of several tensors ordered by cost asks many comparisons: past the path limit, refused
                assertNotNull(free.workspaceUnknown(), c.symbolicScript());
                assertTrue(c.symbolicScript().contains("@tensoropt"), free.workspaceUnknown() + "\n" + c.symbolicScript());
                refused++;
                continue;
            }
            formulas++;
            if (free.workspace() == null) {
                symbolic++;
            }
            Random r = new Random(seed);
            for (int k = 0; k < 4; k++) {
                Map<String, Object> vars = new LinkedHashMap<>(c.dimensions());
                Map<String, Long> values = new LinkedHashMap<>();
                for (String v : vars.keySet()) {
                    long x = k == 0 ? (Long) vars.get(v) : r.nextInt(6) == 0 ? 0 : 1 + r.nextInt(5);
                    vars.put(v, x);
                    values.put(v, x);
                }
                long fromFormula = FormulaValue.of(formula, values);
                Long counted = script.usage(vars).workspace();
                RunResult run = script.run(vars, QUIET, 7L);
                String what = "at " + values + ", formula " + formula + ", of\n" + c.symbolicScript();
                assertEquals(counted, Long.valueOf(fromFormula), "usage with values " + what);
                assertEquals(run.workspaceHighWater(), fromFormula, "run " + what);
            }
        }
        assertTrue(refused <= formulas / 10, refused + " refused, " + formulas + " formulas");
        assertTrue(symbolic >= 40, "only " + symbolic + " of " + formulas + " formulas depend on the variables");
    }
}
