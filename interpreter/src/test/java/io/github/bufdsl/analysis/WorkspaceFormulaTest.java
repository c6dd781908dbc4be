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
                // a product of several tensors ordered by cost asks many comparisons: past the limit, refused
                assertTrue(free.workspaceUnknown().contains("conditions on the free variables"),
                        free.workspaceUnknown() + "\n" + c.symbolicScript());
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
        assertTrue(refused <= formulas / 20, refused + " refused, " + formulas + " formulas");
        assertTrue(symbolic >= 40, "only " + symbolic + " of " + formulas + " formulas depend on the variables");
    }

    /**
     * The same contractions in a loop {@code for v in 0:steps} whose variable is one of the
     * dimensions, each iteration giving its tensors back ({@code reset!}): the formula (the workspace
     * at its largest over the iterations) at random values equals the run's, or usage says why there is
     * none.
     */
    @Test
    void inALoopTheFormulaIsTheLargestOverTheIterations() throws Exception {
        int formulas = 0;
        int loopDependent = 0;
        int refused = 0;
        for (long seed = 0; seed < 100; seed++) {
            ContractionCase c = ContractionCase.random(seed);
            String v = c.dimensions().keySet().iterator().next();
            StringBuilder text = new StringBuilder();
            StringBuilder body = new StringBuilder();
            for (String line : c.symbolicScript().split("\n")) {
                (line.startsWith("#") || line.matches("b[12] = .*") ? text : body).append(line).append('\n');
            }
            text.append("for ").append(v).append(" in 0:steps\n").append(body).append("reset!(b1)\n");
            if (c.symbolicScript().contains("b2 = ")) {
                text.append("reset!(b2)\n");
            }
            text.append("end\n");
            BufScript script = BufScript.fromString("loop.buf", text.toString()).withBackend("ejml")
                    .withSizingTime(120); // the test checks formulas, not time (see above)
            Usage free = script.usage(Map.of());
            String formula = free.workspaceFormula();
            if (formula == null) {
                assertNotNull(free.workspaceUnknown(), text.toString());
                refused++;
                continue;
            }
            formulas++;
            loopDependent += formula.contains("steps") ? 1 : 0;
            Random r = new Random(seed);
            for (int k = 0; k < 3; k++) {
                Map<String, Object> vars = new LinkedHashMap<>();
                Map<String, Long> values = new LinkedHashMap<>();
                for (String d : c.dimensions().keySet()) {
                    if (!d.equals(v)) {
                        long x = r.nextInt(6) == 0 ? 0 : 1 + r.nextInt(4);
                        vars.put(d, x);
                        values.put(d, x);
                    }
                }
                long steps = r.nextInt(5);
                vars.put("steps", steps);
                values.put("steps", steps);
                long fromFormula = FormulaValue.of(formula, values);
                RunResult run = script.run(vars, QUIET, 7L);
                String what = "at " + values + ", formula " + formula + ", of\n" + text;
                assertEquals(script.usage(vars).workspace(), Long.valueOf(fromFormula), "usage with values " + what);
                assertEquals(run.workspaceHighWater(), fromFormula, "run " + what);
            }
        }
        assertTrue(formulas >= 80 && loopDependent >= 60, formulas + " formulas (" + loopDependent
                + " depend on the loop), " + refused + " refused");
    }
}
