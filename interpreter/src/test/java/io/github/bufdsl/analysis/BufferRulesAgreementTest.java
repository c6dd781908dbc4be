package io.github.bufdsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.api.Problem;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.exec.Interpreter;
import io.github.bufdsl.exec.Value;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each buffer rule and @tensor index rule broken once: the checks before running ({@code check}, the analyzer over its
 * abstract stack) and the run without them (the runtime's Buffer) report the same line and the
 * same message, since both ask {@code BufferRules}.
 */
class BufferRulesAgreementTest {
    /** Tensors for the @tensor cases: A, B, C, D 2x2; E 3x3x2 (a trace over 3 and 3); F 2. */
    private static final String T = "buf = Buffer(1000)\nA = alloc!(buf, 2, 2)\nB = alloc!(buf, 2, 2)\n"
            + "C = alloc!(buf, 2, 2)\nD = alloc!(buf, 2, 2)\nE = alloc!(buf, 3, 2, 2)\nF = alloc!(buf, 2)\n";

    @ParameterizedTest
    @ValueSource(strings = {
        // not on top
        "buf = Buffer(100)\nA = alloc!(buf, 2)\nB = alloc!(buf, 3)\ndrop!(buf, A)\n",
        // already given back
        "buf = Buffer(100)\nA = alloc!(buf, 2)\ndrop!(buf, A)\ndrop!(buf, A)\n",
        // given twice
        "buf = Buffer(100)\nA = alloc!(buf, 2)\nB = alloc!(buf, 3)\ndrop!(buf, A, A)\n",
        // another buffer's tensor
        "buf = Buffer(100)\nother = Buffer(10)\nA = alloc!(buf, 2)\ndrop!(other, A)\n",
        // used after reset
        "buf = Buffer(100)\nA = alloc!(buf, 2)\nreset!(buf)\nfill!(A, 1.0)\n",
        // negative dimension
        "buf = Buffer(100)\nA = alloc!(buf, 2, -3)\n",
        // reshape mode
        "buf = Buffer(100)\nV = reshape_buf!(buf, 4)\nA = alloc!(buf, 2)\n",
        "buf = Buffer(100)\nA = alloc!(buf, 2)\nV = reshape_buf!(buf, 4)\n",
        "buf = Buffer(100)\nV = reshape_buf!(buf, 4; offset=-1)\n",
        // drop in reshape mode: the same rule as alloc in reshape mode
        "buf = Buffer(100)\nA = alloc!(buf, 2)\nreset!(buf)\nV = reshape_buf!(buf, 4)\ndrop!(buf, A)\n",
        // the index rules of @tensor (TensorRules): three times, once, not on the right, dimensions,
        // traces, the number of indices, a repeat on the output; also in products of three
        T + "@tensor C[i,j] = A[i,j] * B[j,j]\n",
        T + "@tensor C[i,j] = A[i,k] * B[k,l]\n",
        T + "@tensor C[i,j] = A[i,k] * B[k,m] * D[m,n]\n",
        T + "@tensor C[i,q] = A[i,k] * B[k,j]\n",
        T + "@tensor C[i,j] = A[i,k] * E[k,j]\n",
        T + "@tensor C[i,j] = A[i,k] * B[k,m] * E[m,j]\n",
        T + "@tensor C[i,j] = A[i,k] * B[k,j,l]\n",
        T + "@tensor C[i,i] = A[i,k] * B[k,j]\n",
        T + "@tensor F[j] = E[i,i,j]\n",
        T + "@tensor C[i,j] = A[i,k] * B[k,j] + A[i,j] * B[j,k]\n",
    })
    void checkAndRunSayTheSame(String script) throws ScriptException {
        List<Problem> problems = BufScript.fromString("r.buf", script).check(Map.of());
        assertFalse(problems.isEmpty(), "check finds nothing in\n" + script);
        Problem p = problems.get(0);
        Interpreter in = new Interpreter(SizingTest.resolve(script), new Interpreter.Options(
                new PrintStream(new ByteArrayOutputStream()), Map.<String, Value>of(), 1L, null));
        DiagnosticException e = assertThrows(DiagnosticException.class, in::run, "run accepts\n" + script);
        Diagnostic d = e.diagnostics().get(0);
        assertEquals(d.message(), p.message(), script);
        assertEquals(d.pos().line(), p.line(), script);
    }
}
