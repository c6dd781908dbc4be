package io.github.bufdsl.api;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** For tests: what a script prints when it runs with no bindings. */
public final class ScriptOutput {
    private ScriptOutput() {
    }

    /** The script's standard output, as printed. */
    public static String of(String script) throws ScriptException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BufScript.fromString("t.buf", script).run(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The script's standard output without leading and trailing white space. */
    public static String stripped(String script) throws ScriptException {
        return of(script).strip();
    }
}
