package io.github.bufdsl.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.RunResult;
import io.github.bufdsl.api.ScriptException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code @tensor} as a value wherever an expression may stand: each form gives what the plain form
 * gives ({@code s = @tensor ...} first, then the expression reading s), with the same workspace,
 * and usage and check agree with the run. Julia's parse (a macro takes the rest of the expression)
 * and what is refused, at its place.
 */
class TensorValuesTest {
    /** A 3×4, B 4×3, v of 5, from the seed. */
    private static final String HEAD = "buf = Buffer(1000)\nA = alloc!(buf, 3, 4)\nB = alloc!(buf, 4, 3)\n"
            + "v = alloc!(buf, 5)\nrand!(A); rand!(B); rand!(v)\n";
    private static final String AB = "A[i, j] * B[j, i]";

    private static RunResult run(String text) throws ScriptException {
        return TensorNotationTest.run(text);
    }

    /** usage's peaks and workspace equal what the run took, and check finds no error ({@link TensorNotationTest}). */
    private static void agrees(String text) throws ScriptException {
        TensorNotationTest.agrees(text);
    }

    /** {@code form} and {@code plain} leave the same number in r, with the same workspace; usage agrees on form. */
    private static void same(String form, String plain) throws ScriptException {
        RunResult a = run(HEAD + form);
        RunResult b = run(HEAD + plain);
        assertEquals(b.get("r"), a.get("r"), form);
        assertEquals(b.workspaceHighWater(), a.workspaceHighWater(), "workspace of\n" + form);
        agrees(HEAD + form);
    }

    @Test
    void eachFormIsTheValueComputedFirst() throws ScriptException {
        String s = "s = @tensor " + AB + "\n";
        same("r = 1.5\nr += @tensor " + AB + "\n", s + "r = 1.5\nr += s\n");
        same("r = 1.5\nr -= @tensor " + AB + "\n", s + "r = 1.5\nr -= s\n");
        same("r = 1.5\nr *= @tensor " + AB + "\n", s + "r = 1.5\nr *= s\n");
        same("r = 2 * @tensor " + AB + "\n", s + "r = 2 * s\n");
        same("r = (@tensor " + AB + ") + 1\n", s + "r = s + 1\n");
        same("r = abs(@tensor " + AB + ")\n", s + "r = abs(s)\n");
        same("r = \"$(@tensor " + AB + ")\"\n", s + "r = \"$(s)\"\n");
        same("C = alloc!(buf, 2)\nC[2] = @tensor " + AB + "\nr = C[2]\n", s + "C = alloc!(buf, 2)\nC[2] = s\nr = C[2]\n");
        same("if (@tensor " + AB + ") > 0\n    r = 1\nelse\n    r = 2\nend\n", s + "r = s > 0 ? 1 : 2\n");
        same("function g(P, Q)\n    return @tensor P[i, j] * Q[j, i]\nend\nr = g(A, B)\n", s + "r = s\n");
        same("function g(P, Q)\n    @tensor P[i, j] * Q[j, i]\nend\nr = g(A, B)\n", s + "r = s\n");
        same("g(P, Q) = 3 * @tensor P[i, j] * Q[j, i]\nr = g(A, B)\n", s + "r = 3 * s\n");
        // c && return x: the condition's value is computed first, the return's only when it returns
        same("function g(P)\n    (@tensor P[i] * P[i]) > 100 && return 1.0\n    2.0\nend\nr = g(v)\n",
                "t = @tensor v[i] * v[i]\nr = 2.0\n");
        same("function g(P)\n    (@tensor P[i] * P[i]) < 100 && return @tensor P[i] * P[i]\n    2.0\nend\nr = g(v)\n",
                "r = @tensor v[i] * v[i]\n");
        // a value alone is computed and dropped: its workspace is taken
        same("@tensor " + AB + "\nr = 0\n", s + "r = 0\n");
        // inside @tensor, a value is a scalar factor
        same("@tensor D[i, k] := A[i, j] * B[j, k] * (@tensor v[a] * v[a])\nr = D[2, 3]\n",
                "t = @tensor v[a] * v[a]\n@tensor D[i, k] := t * A[i, j] * B[j, k]\nr = D[2, 3]\n");
    }

    @Test
    void aMacroTakesTheRestOfTheExpression() throws ScriptException {
        String s = "s = @tensor " + AB + "\n";
        // 2 * @tensor X * 3 is 2 * (@tensor X * 3): the 3 is a factor of the term
        same("r = 2 * @tensor " + AB + " * 3\n", s + "r = 2 * (3 * s)\n");
        // no index at all: TensorOperations gives the scalar expression itself
        same("r = @tensor 2.0 + 1\n", "r = 3.0\n");
        // @tensor(...) with no space ends at its ), as a call
        same("r = @tensor(" + AB + ")\n", s + "r = s\n");
        // @sprintf gives a value anywhere too, with a value of @tensor inside it
        same("using Printf\nr = length(@sprintf(\"%d-%d\", 1, 22)) * 2\n", "r = 8\n");
        same("using Printf\nr = \"<\" * @sprintf(\"%.3f\", @tensor " + AB + ")\n",
                "using Printf\n" + s + "r = \"<\" * @sprintf(\"%.3f\", s)\n");
    }

    @Test
    void aValueRunsWhereJuliaWouldRunIt() throws ScriptException {
        // an elseif's value is computed only when the branches before it were not taken: none here
        String skipped = "if length(v) == 5\n    r = 1\nelseif (@tensor " + AB + ") > 0\n    r = 2\nend\n";
        RunResult r = run(HEAD + skipped);
        assertEquals(0L, r.workspaceHighWater());
        assertEquals(1L, r.get("r"));
        agrees(HEAD + skipped); // usage does not count it either
        String reached = "if length(v) == 4\n    r = 1\nelseif (@tensor " + AB + ") > -100\n    r = 2\nend\n";
        same(reached, "s = @tensor " + AB + "\nr = 2\n");
        // a while condition is computed before each test; an inner range in each outer iteration
        String loop = "fill!(v, 1.0)\nr = 0\nwhile (@tensor v[i] * v[i]) < 30\n    v[1] += 1.0\n    r += 1\nend\n";
        same(loop, "s = @tensor v[i] * v[i]\nr = 5\n"); // v . v is 5, 8, 13, 20, 29, then 40
        assertEquals(3L, run(HEAD + loop.replace("< 30", "< 20")).get("r"));
        String nested = "fill!(v, 1.0)\nr = 0\nfor i in 1:3, j in 1:Int(floor(@tensor v[a] * v[a]))\n"
                + "    r += 1\n    v[1] = 0.0\nend\n";
        assertEquals(5L + 4 + 4, run(HEAD + nested).get("r"));
        agrees(HEAD + nested);
    }

    private static String error(String line) {
        ScriptException e = assertThrows(ScriptException.class, () -> BufScript.fromString("t.buf", HEAD + line)
                .run(Map.of(), new PrintStream(OutputStream.nullOutputStream()), 1L));
        assertTrue(e.beforeRunning(), e.formatted());
        return e.formatted().lines().findFirst().orElseThrow();
    }

    private static void starts(String prefix, String line) {
        String first = error(line);
        assertTrue(first.startsWith("t.buf:6:" + prefix), first);
    }

    @Test
    void whatJuliaReadsOtherwiseIsRefusedAtItsPlace() {
        starts("31: error: a macro takes the rest of the expression as its argument, so this is @tensor(A[i, j] *"
                + " B[j, i] + 1), which is not index notation; for the value and then the rest, write (@tensor A[i, j]"
                + " * B[j, i]) + 1", "x = @tensor " + AB + " + 1\n");
        starts("31: error: a macro takes the rest of the expression as its argument, so this is @tensor(A[i, j] *"
                + " B[j, i] > 0 ? 1 : 2), which is not index notation; for the value and then the rest, write (@tensor"
                + " A[i, j] * B[j, i]) > 0 ? 1 : 2", "x = @tensor " + AB + " > 0 ? 1 : 2\n");
        starts("34: error: a macro takes everything up to the closing bracket as its arguments, this `,`",
                "println(@tensor " + AB + ", 1)\n");
        starts("33: error: a macro takes everything up to the closing bracket", "x, y = @tensor " + AB + ", 1\n");
        starts("14: error: @tensor here would run only when this part of the expression does",
                "x = true && (@tensor " + AB + ") > 1\n");
        starts("22: error: @tensor here would run only when", "x = v[1] > 0 ? 1.0 : @tensor " + AB + "\n");
        starts("12: error: Julia reads @tensor(...) with no space as a call", "x = @tensor(" + AB + ") + 1\n");
        starts("19: error: index i is not summed (it appears once), but a value of @tensor is a number",
                "x = 2 * @tensor A[i, j] * B[j, k]\n");
        starts("11: error: index i is not summed", "@tensor A[i, j]\n");
        starts("5: error: only @tensor, @tensoropt and @sprintf give a value; @show is a statement of its own",
                "x = @show A\n");
        starts("5: error: the macro @time is not supported", "x = @time 1\n");
        starts("12: error: this is not an option of @tensor", "if @tensor " + AB + " > 1 println(1) end\n");
        starts("5: error: the value of @tensor is one expression", "x = @tensor C[i] = A[i, j] * v[j]\n");
    }
}
