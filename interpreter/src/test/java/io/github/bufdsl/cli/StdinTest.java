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
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(args, Path.of("."), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
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
}
