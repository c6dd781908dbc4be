package io.github.bufdsl.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.RunOptions;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.runtime.MemoryBudget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strings and printed text count against --max-memory and have a length limit; whatever the
 * budget does not foresee (the JVM's heap or stack running out) ends as a diagnostic at the
 * statement, never a Java error.
 */
class TextLimitsTest {
    private static final long MB = 1 << 20;

    /** Runs a script; its error as the CLI prints it, or its output when it succeeds. */
    private static String run(String text, long maxMemory) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            BufScript.fromString("s.buf", text).run(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new RunOptions(1L, 0, 0, maxMemory), r -> { });
            return out.toString(StandardCharsets.UTF_8);
        } catch (ScriptException e) {
            assertEquals(1, e.exitCode(), e.formatted());
            return e.formatted();
        }
    }

    @Test
    void juliasStringOperators() {
        assertEquals("abcd xxx yzyz  3\n",
                run("println(\"ab\" * \"cd\", \" \", \"x\"^3, \" \", repeat(\"yz\", 2), \" \", repeat(\"q\", 0), \" \","
                        + " length(\"é\" * \"ab\"))\n", 64 * MB));
        assertTrue(run("x = repeat(\"ab\", -1)\n", 64 * MB).contains("cannot be repeated a negative number of times"));
    }

    @Test
    void aStringDoubledFortyTimesStopsAtTheLengthLimit() {
        for (String doubling : new String[] {"string(s, s)", "s * s", "s ^ 2", "repeat(s, 2)"}) {
            String err = run("s = \"ab\"\nfor i in 1:40\n    s = " + doubling + "\nend\n", Long.MAX_VALUE);
            assertTrue(err.startsWith("s.buf:3:") && err.contains("would be longer than 100000000 characters"),
                    doubling + ": " + err);
        }
    }

    @Test
    void stringsCountAgainstMaxMemory() {
        String err = run("s = \"ab\"\nfor i in 1:40\n    s = string(s, s)\nend\n", 100 * MB);
        assertTrue(err.startsWith("s.buf:3:") && err.contains("would take more memory than --max-memory leaves"), err);
        // strings the script keeps hold their memory: a buffer no longer fits beside them
        assertEquals("", run("s = repeat(\"ab\", 10^6)\nbuf = Buffer(2_000_000)\n", 20 * MB));
        String kept = run("s = repeat(\"ab\", 10^6)\nbuf = Buffer(2_300_000)\n", 20 * MB);
        assertTrue(kept.startsWith("s.buf:2:") && kept.contains("the buffer buf needs"), kept);
        // and give it back when the script no longer reaches them
        assertEquals("done\n", run("for i in 1:20\n    s = repeat(\"ab\", 2 * 10^6)\nend\nprintln(\"done\")\n",
                40 * MB));
    }

    @Test
    void printingAHugeTensorIsRefusedBeforeItIsFormatted() {
        String err = run("buf = Buffer(0)\nA = alloc!(buf, 1000, 1000)\nprintln(A)\n", 10 * MB);
        assertTrue(err.startsWith("s.buf:3:1: error: println(A): the text would take more memory than --max-memory"),
                err);
        String s = run("buf = Buffer(0)\nA = alloc!(buf, 1000, 1000)\ns = string(A)\n", 10 * MB);
        assertTrue(s.contains("string(A): the text would take more memory"), s);
        assertEquals("[0.0 0.0; 0.0 0.0]\n", run("buf = Buffer(0)\nA = alloc!(buf, 2, 2)\nfill!(A, 0.0)\nprintln(A)\n",
                10 * MB));
    }

    @Test
    void aValueNestedTooDeepForTheStackIsADiagnosticAtItsStatement() throws Exception {
        String[] result = new String[1];
        Thread small = new Thread(null, () -> result[0] = run(
                "t = ()\nfor i in 1:100000\n    t = (t, i)\nend\nx = 1\nprintln(t)\n", 256 * MB), "small", 128 * 1024);
        small.start();
        small.join();
        assertTrue(result[0].startsWith("s.buf:6:1: error: println(t): this statement nests too deeply")
                || result[0].startsWith("s.buf:6:1: error: this statement nests too deeply"), result[0]);
    }

    @Test
    void textBuiltWithinTheBudgetAsksForUnreachableMemoryFirst() {
        MemoryBudget budget = new MemoryBudget(40 * MB);
        MemoryBudget before = Text.use(budget);
        try {
            for (int i = 0; i < 10; i++) {
                Text.string("x".repeat(5_000_000)); // 10 MB counted each, unreachable at once
            }
            Text t = new Text("the text");
            t.add("y".repeat(9_000_000));
            assertEquals(9_000_000, t.length());
        } finally {
            Text.use(before);
        }
    }

    /**
     * The last guard, for real: a JVM with a 64 MB heap and a --max-memory above it, so the budget
     * cannot foresee the OutOfMemoryError; the CLI reports it at the statement, without a trace.
     */
    @Test
    void anOutOfMemoryErrorIsADiagnosticAtTheStatement(@TempDir Path dir) throws IOException, InterruptedException {
        Files.writeString(dir.resolve("big.buf"), "x = 1\ns = repeat(\"ab\", 5 * 10^7)\nprintln(length(s))\n");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "io.github.bufdsl.cli.Main", "run", "big.buf", "--max-memory", "2GB"));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), output);
        assertTrue(output.startsWith("big.buf:2:5: error: repeat(\"ab\", 5 * 10 ^ 7): the JVM ran out of memory here")
                || output.startsWith("big.buf:2:1: error: the JVM ran out of memory here"), output);
        assertFalse(output.contains("\tat ") || output.contains("Exception in thread"), output);
    }
}
