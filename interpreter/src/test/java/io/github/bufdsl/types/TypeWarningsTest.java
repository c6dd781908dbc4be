package io.github.bufdsl.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.Problem;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.Severity;
import io.github.bufdsl.diag.Source;
import io.github.bufdsl.parse.Parser;
import io.github.bufdsl.resolve.Resolver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The type checker's warnings: what holds for some values of the free variables only. They are
 * never errors: no consumer refuses a script for one.
 */
class TypeWarningsTest {
    /** A, n×m, and B, k×p, contracted over j: m == p is needed, and only values can say. */
    private static final String DIMS = "buf = Buffer(100000)\nA = alloc!(buf, n, m)\nB = alloc!(buf, k, p)\n"
            + "C = alloc!(buf, n, k)\nrand!(A); rand!(B)\n@tensor C[i, l] = A[i, j] * B[l, j]\nprintln(sum(C))\n";

    private static TypeInfo infer(String text, Map<String, ?> bindings) {
        return TypeChecker.infer(Resolver.resolve(Parser.parse(new Source("t.buf", text))),
                new TypeChecker.Options(bindings, true));
    }

    private static String said(List<Diagnostic> found) {
        return found.stream().map(d -> d.pos().line() + ":" + d.pos().column() + " " + d.message())
                .collect(Collectors.joining("\n"));
    }

    @Test
    void dimensionsThatMustBeEqualAreAWarning() {
        TypeInfo t = infer(DIMS, Map.of());
        assertEquals("", said(t.errors()));
        assertEquals("6:34 index j has dimension m on A but p on B: they must be equal when it runs", said(t.warnings()));
        assertTrue(t.warnings().stream().allMatch(d -> d.severity() == Severity.WARNING));
        // a constant on one side, a formula on the other; the output's dimensions too
        assertEquals("4:32 index k has dimension 2 on D but m on B: they must be equal when it runs", said(infer(
                "buf = Buffer(10)\nD = alloc!(buf, n, 2)\nB = alloc!(buf, m, n)\n@tensor E[i, j] := D[i, k] * B[k, j]\n",
                Map.of()).warnings()));
        assertEquals("4:14 index j has dimension n on G but 2n on F: they must be equal when it runs", said(infer(
                "buf = Buffer(10)\nF = alloc!(buf, n, 2 * n)\nG = alloc!(buf, n, n)\n@tensor F[i, j] = G[i, k] * G[k, j]\n",
                Map.of()).warnings()));
    }

    @Test
    void valuesDecide() {
        // values that differ: the error it was (the run's words); that agree: nothing; one value: still a warning
        TypeInfo differ = infer(DIMS, Map.of("m", 3L, "p", 4L));
        assertEquals("6:34 index j has dimension 3 on A but 4 on B", said(differ.errors()));
        assertEquals("", said(differ.warnings()));
        TypeInfo agree = infer(DIMS, Map.of("m", 3L, "p", 3L));
        assertEquals("", said(agree.errors()) + said(agree.warnings()));
        assertEquals("6:34 index j has dimension 3 on A but p on B: they must be equal when it runs",
                said(infer(DIMS, Map.of("m", 3L)).warnings()));
    }

    @Test
    void whatIsDecidedStaysAsItWas() {
        // the same variable or formula: equal, nothing said
        String[] quiet = {
            "buf = Buffer(10)\nA = alloc!(buf, n, m)\nB = alloc!(buf, m, n)\n@tensor C[i, j] := A[i, k] * B[k, j]\n",
            "buf = Buffer(10)\nA = alloc!(buf, n + 1, 2 * m)\nB = alloc!(buf, m + m, 1 + n)\n"
                    + "@tensor C[i, j] := A[j, k] * B[k, i]\n",
            // a trace of one tensor is the run's rule, as before
            "buf = Buffer(10)\nA = alloc!(buf, n, m)\n@tensor x[] := A[i, i]\n",
        };
        for (String q : quiet) {
            TypeInfo t = infer(q, Map.of());
            assertEquals("", said(t.errors()) + said(t.warnings()), q);
        }
        // differing by a number: an error, no warning
        TypeInfo t = infer("buf = Buffer(10)\nA = alloc!(buf, n, n + 1)\nB = alloc!(buf, n, n)\n"
                + "@tensor C[i, j] := A[i, k] * B[k, j]\n", Map.of());
        assertEquals("4:32 index k has dimension n + 1 on A but n on B", said(t.errors()));
        assertEquals("", said(t.warnings()));
    }

    @Test
    void noConsumerRefusesAScriptForAWarning() throws ScriptException {
        BufScript script = BufScript.fromString("t.buf", DIMS).forCommandLine();
        List<Problem> problems = script.check(Map.of());
        assertTrue(problems.stream().anyMatch(p -> p.severity().equals("warning") && p.line() == 6
                && p.message().contains("index j has dimension m on A but p on B")), problems.toString());
        assertTrue(problems.stream().noneMatch(p -> p.severity().equals("error")), problems.toString());
        int[] counts = new int[3];
        String report = script.checkReport(Map.of(), counts);
        assertTrue(report.contains("t.buf:6:34: warning: index j has dimension m on A but p on B"), report);
        assertEquals(0, counts[0]);
        assertTrue(counts[1] >= 1, report);
        assertTrue(counts[2] >= 1, "the paths are followed: " + report);
        // usage sizes it, run runs it (and prints no warning), the REPL's checks find nothing to refuse
        script.usage(Map.of());
        Map<String, Object> values = Map.of("n", 2L, "m", 3L, "k", 2L, "p", 3L);
        assertEquals(List.of(), script.errorsBeforeRunning(values));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        script.run(values, new PrintStream(out, true, StandardCharsets.UTF_8), 1L);
        assertTrue(!out.toString(StandardCharsets.UTF_8).contains("warning"), out.toString(StandardCharsets.UTF_8));
        // with an error too, both are reported, the paths are not followed
        String report2 = BufScript.fromString("t.buf", DIMS + "x = \"a\" + 1\n").forCommandLine().checkReport(Map.of(),
                counts);
        assertTrue(report2.contains("warning: index j") && report2.contains("error: cannot apply +"), report2);
        assertEquals(1, counts[0]);
        assertEquals(1, counts[1]);
        assertEquals(-1, counts[2]);
    }
}
