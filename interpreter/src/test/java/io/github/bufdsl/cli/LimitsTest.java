package io.github.bufdsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits at the sizes it names: 10,000 nested ifs, parentheses, unary operators and
 * calls are a diagnostic (not a StackOverflowError), and --timeout stops an endless loop at it.
 */
class LimitsTest {
    private static final int N = 10_000;

    @TempDir
    Path dir;

    private record Outcome(int exit, String err) {
    }

    private Outcome run(String script, String... extra) throws IOException {
        Files.writeString(dir.resolve("s.buf"), script);
        String[] args = new String[extra.length + 2];
        args[0] = "run";
        args[1] = "s.buf";
        System.arraycopy(extra, 0, args, 2, extra.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.execute(args, dir, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertFalse(e.contains("Exception") || e.contains("Error:") || e.contains("\tat "), e);
        return new Outcome(exit, e);
    }

    private void refusedAsTooDeep(String script, String what) throws IOException {
        Outcome o = run(script);
        assertEquals(2, o.exit(), o.err());
        assertTrue(o.err().startsWith("s.buf:") && o.err().contains("error: the " + what + " deeper than 500 levels"),
                o.err());
    }

    @Test
    void tenThousandNestedIfs() throws IOException {
        refusedAsTooDeep("x = 1\n" + "if x > 0\n".repeat(N) + "x = 2\n" + "end\n".repeat(N), "script nests blocks");
    }

    @Test
    void tenThousandNestedParentheses() throws IOException {
        refusedAsTooDeep("x = " + "(".repeat(N) + "1" + ")".repeat(N) + "\n", "script nests brackets");
    }

    @Test
    void fiveThousandUnaryMinuses() throws IOException {
        refusedAsTooDeep("x = " + "-".repeat(N / 2) + "1\n", "expression nests");
    }

    @Test
    void aHundredThousandTermSumIsRefusedAsTooLongNotParsedForMinutes() throws IOException {
        Outcome o = run("y = 2\nx = " + "1+".repeat(100_000) + "1\nprintln(x)\n");
        assertEquals(2, o.exit(), o.err());
        assertTrue(o.err().startsWith("s.buf:2:1: error: this statement is longer than 10000 tokens; split it"), o.err());
    }

    @Test
    void aLongProgramOfShortStatementsIsFine() throws IOException {
        Outcome o = run("x = 0\n" + "x = x + 1; x = x - 1; x = x + 1\n".repeat(20_000) + "println(x)\n");
        assertEquals(0, o.exit(), o.err());
    }

    @Test
    void tenThousandNestedCalls() throws IOException {
        refusedAsTooDeep("x = " + "abs(".repeat(N) + "1" + ")".repeat(N) + "\n", "script nests brackets");
    }

    @Test
    void tenThousandNestedFunctionsAndLoops() throws IOException {
        refusedAsTooDeep("function f()\n" + "for i in 1:2\n".repeat(N) + "end\n".repeat(N) + "end\n", "script nests blocks");
    }

    @Test
    void timeoutStopsAnEndlessLoopAtTheLoop() throws IOException {
        Outcome o = run("x = 0\nwhile true\n    x += 1\nend\n", "--timeout", "0.2");
        assertEquals(1, o.exit(), o.err());
        assertTrue(o.err().startsWith("s.buf:") && o.err().contains("--timeout 0.2 s")
                && o.err().contains("while"), o.err());
    }
}
