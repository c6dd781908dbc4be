package io.github.bufdsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code -} as the script: run, usage, check and fmt read it from standard input. */
class StdinTest {
    private static String[] exec(String stdin, String... args) {
        return exec(stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    private static String[] exec(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(args, Path.of("."), new ByteArrayInputStream(stdin),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8),
            err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void runReadsStandardInput() {
        String[] r = exec("x = 7 ÷ 2\nprintln(x + 1)\n", "run", "-");
        assertEquals("0", r[0], r[2]);
        assertEquals("4\n", r[1]);
    }

    @Test
    void usageAndCheckReadStandardInput() {
        String script = "buf = Buffer(100)\nA = alloc!(buf, 3, 4)\ndrop!(buf, A)\n";
        String[] u = exec(script, "usage", "-");
        assertEquals("0", u[0], u[2]);
        assertEquals(true, u[1].contains("peak buf = 12 elements"), u[1]);
        String[] c = exec(script, "check", "-");
        assertEquals("0", c[0], c[2]);
    }

    @Test
    void errorsNameStandardInput() {
        String[] r = exec("x = (1 +\n", "run", "-");
        assertEquals("2", r[0]);
        assertEquals(true, r[2].startsWith("stdin:1:5: error: "), r[2]);
    }

    @Test
    void fmtReadsStandardInput() {
        String[] r = exec("if true\nx = 1\nend\n", "fmt", "-");
        assertEquals("0", r[0], r[2]);
        assertEquals("if true\n    x = 1\nend\n", r[1]);
    }

    /** Standard input gets the checks a file gets: binary, not UTF-8, too large; a byte order mark is dropped. */
    @Test
    void standardInputIsCheckedAsAFileIs() {
        String[] zero = exec("println(1)\u0000\n", "run", "-");
        assertEquals("2", zero[0]);
        assertEquals(true, zero[2].contains("is binary (it holds a zero byte at offset 10)"), zero[2]);
        String[] latin = exec(new byte[] {'x', ' ', '=', ' ', (byte) 0xff, '\n'}, "run", "-");
        assertEquals("2", latin[0]);
        assertEquals(true, latin[2].contains("is not UTF-8 text"), latin[2]);
        String[] bom = exec("\uFEFFprintln(2)\n", "run", "-");
        assertEquals("0", bom[0], bom[2]);
        assertEquals("2\n", bom[1]);
        byte[] huge = new byte[64 * 1024 * 1024 + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        String[] big = exec(huge, "run", "-");
        assertEquals("2", big[0]);
        assertEquals(true, big[2].contains("is larger than 64 MB"), big[2]);
    }
}
