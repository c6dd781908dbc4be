package io.github.bufdsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The REPL driven through its input stream. */
class ReplTest {
    private static String[] session(String input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(new String[] {"repl"}, Path.of("."),
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code);
        return new String[] {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void statementsRunAsTypedAndBlocksWaitForTheirEnd() {
        String[] r = session("""
                buf = Buffer(100)
                function twice(x)
                    return 2 * x
                end
                n = 2 * 3
                println(twice(n))
                A = alloc!(buf, n, 2)
                for i in 1:2
                    println("i = ", i)
                end
                println(used(buf))
                :vars
                :usage
                :quit
                """);
        String out = r[0];
        assertTrue(out.contains("    ...> "), out);
        assertTrue(out.contains("i = 1\n") && out.contains("i = 2\n"), out);
        assertTrue(out.contains("12\n"), out);
        assertTrue(out.contains("n = 6\n"), out);
        assertTrue(out.contains("A = pseudo_alloc!(lenbuf, peakbuf, n * 2)"), out);
        assertTrue(out.contains("peak buf = 12 elements (96 bytes)"), out);
        assertEquals("", r[1]);
    }

    @Test
    void theChecksOfRunRefuseAnInputBeforeAnyOfItRuns() {
        String[] r = session("""
                x = true + 1
                buf = Buffer(100)
                A = alloc!(buf, x); B = alloc!(buf, 3); println("ran"); drop!(buf, A)
                C = alloc!(buf, 1, -2)
                println(used(buf))
                :quit
                """);
        assertTrue(r[0].contains("2\n"), "Bool arithmetic as in Julia: " + r[0]);
        assertFalse(r[0].contains("ran"), "the input was refused before it ran: " + r[0]);
        assertTrue(r[1].contains("drop!(buf, A): A is not the last tensor allocated in buf; B is"), r[1]);
        assertTrue(r[1].contains("negative dimension -2 (dimension 2)"), r[1]);
        assertTrue(r[0].contains("0\n"), "nothing of the refused inputs was allocated: " + r[0]);
    }

    @Test
    void aBlockCommentOverLinesWaitsForItsEnd() {
        String[] r = session("x = 1 #= inline =# + 2\n#= a comment\n#= nested =#\nstill =# println(x)\n:quit\n");
        assertTrue(r[0].contains("3\n"), r[0]);
        assertEquals("", r[1]);
    }

    @Test
    void errorsAreDiagnosticsAndTheSessionGoesOn() {
        String[] r = session("""
                x = 1
                y = aloc!(x)
                A = alloc!(3)
                z = x + 1
                println(z)
                :reset
                println(x)
                :nonsense
                """);
        assertTrue(r[1].contains("error: unknown function aloc!; did you mean `alloc!`?"), r[1]);
        assertTrue(r[1].contains("argument 1 must be a buffer"), r[1]);
        assertTrue(r[0].contains("2\n"), r[0]);
        assertTrue(r[0].contains("(everything forgotten)"), r[0]);
        assertTrue(r[1].contains("x is not defined; assign it first"), r[1]);
        assertTrue(r[1].contains("unknown command :nonsense"), r[1]);
    }

    private static String[] plain(String input) {
        String[] r = session(input);
        String out = r[0].replace("bufdsl> \n", "").replace("    ...> \n", "");
        return new String[] {out.endsWith("bufdsl> ") ? out.substring(0, out.length() - 8) : out, r[1]};
    }

    @Test
    void echoesValuesUnlessSemicolon() {
        String[] r = plain("1 + 2\nx = 3;\nx * 2\nans + 1\nprintln(\"hi\")\n");
        assertEquals("bufdsl repl: statements run as you type them; :help for the commands\n3\n6\n7\nhi\n", r[0]);
        assertEquals("", r[1]);
    }

    /** What Julia's REPL shows for each kind of statement: the right side of an assignment, whatever its target. */
    @Test
    void echoesWhatJuliaEchoesForEachStatementKind() {
        String[] r = plain("""
                buf = Buffer(100);
                A = alloc!(buf, 2, 2);
                A[1, 1] = 2
                A[end, 1] = 0.5
                A[1, 1] += 1
                A[1, 1]
                a, b = 1, 2
                b += 1
                A[2, :] .= 4.0
                A[1, 2] = 7;
                function f(x)
                    return x + 1
                end
                begin
                    y = f(1)
                    y * 10
                end
                if a > 0
                    "pos"
                else
                    "neg"
                end
                if a < 0
                    "neg"
                end
                for i in 1:2
                    i
                end
                """);
        assertEquals("bufdsl repl: statements run as you type them; :help for the commands\n"
                + "2\n0.5\n3.0\n3.0\n(1, 2)\n3\n" + r[0].split("\n")[7] + "\n"
                + "f (generic function with 1 method)\n20\n\"pos\"\n", r[0]);
        assertTrue(r[0].split("\n")[7].contains("4.0"), "the row filled by .=: " + r[0]);
        assertEquals("", r[1]);
    }

    @Test
    void errorsNameTheirInputAndLine() {
        String[] r = plain("x = 1\ny = z + 1\nx + \n  w\nq\n");
        assertTrue(r[1].contains("REPL[2]:1:5: error: z is not defined; assign it first, as z = ...\n"), r[1]);
        assertTrue(r[1].contains("REPL[3]:2:3: error: w is not defined"), r[1]);
        assertTrue(r[1].contains("REPL[4]:1:1: error: q is not defined"), r[1]);
        assertFalse(r[1].contains("--var"), r[1]);
    }

    @Test
    void anErrorInAFunctionNamesTheInputThatDefinedIt() {
        String[] r = plain("f(a) = a + zz\nf(2)\n");
        assertTrue(r[1].startsWith("REPL[1]:1:12: error: zz is not defined"), r[1]);
    }

    @Test
    void theChecksOfRunComeBeforeAnInputRuns() {
        String[] r = plain("buf = Buffer(10);\nA = alloc!(bfu, 2)\nused(buf)\n");
        assertTrue(r[1].startsWith("REPL[2]:1:12: error: bfu is not defined"), r[1]);
        assertFalse(r[1].contains("--var"), r[1]);
        assertTrue(r[0].endsWith("0\n"), r[0]);
    }
}
