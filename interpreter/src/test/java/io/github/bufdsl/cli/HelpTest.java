package io.github.bufdsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Every command's --help ends with an example; completion prints a script for the real commands. */
class HelpTest {
    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(args, Path.of(""), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8),
            err.toString(StandardCharsets.UTF_8)};
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "usage", "check", "fmt", "repl", "completion"})
    void everyCommandsHelpHasAnExample(String command) {
        String[] r = run(command, "--help");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith("Usage: bufdsl " + command), r[1]);
        assertTrue(r[1].contains("Example"), r[1]);
        assertTrue(r[1].contains("bufdsl " + command), r[1]);
    }

    @Test
    void completionCompletesTheCommandsByTheirNames() {
        String[] r = run("completion");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("complete -F"), r[1].substring(0, Math.min(400, r[1].length())));
        for (String command : new String[] {"run", "usage", "check", "fmt", "repl"}) {
            assertTrue(r[1].contains(command), command);
        }
        assertTrue(r[1].contains("--max-steps") && r[1].contains("--var"), "options of run are completed");
        assertTrue(!r[1].contains("generate-completion"), "the command is called completion");
    }

    @Test
    void theTopLevelHelpAndEveryErrorNameEveryCommand() {
        String[] top = run("--help");
        assertEquals("0", top[0], top[2]);
        String[] unknown = run("frobnicate");
        assertEquals("2", unknown[0]);
        // a command line that starts with a command builds that command only; its errors still list all
        String[] wrongOption = run("usage", "--no-such-option", "x.buf");
        assertEquals("2", wrongOption[0]);
        for (String command : new String[] {"run", "usage", "check", "fmt", "repl", "completion", "help"}) {
            assertTrue(top[1].contains("  " + command + " "), command + " in\n" + top[1]);
            assertTrue(unknown[2].contains(command), command + " in\n" + unknown[2]);
            assertTrue(wrongOption[2].contains(command), command + " in\n" + wrongOption[2]);
        }
        assertTrue(wrongOption[2].contains(Main.commands()), wrongOption[2]);
    }

    private static String[] runIn(Path dir, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(args, dir, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8),
            err.toString(StandardCharsets.UTF_8)};
    }

    @ParameterizedTest
    @ValueSource(strings = {"prealloc.buf", "errors/unclosed_if.buf", "errors/drop_order.buf", "no-such-file.buf"})
    void aScriptParsedOnASecondThreadGivesWhatTheCommandsOwnLoadGives(String file) {
        Path examples = Path.of(System.getProperty("bufdsl.examples", "../examples")).toAbsolutePath().normalize();
        for (String command : new String[] {"check", "usage", "run"}) {
            // FILE right after the command is read on a second thread; after an option, by the command
            String[] early = runIn(examples, command, file, "--var", "small=true");
            String[] late = runIn(examples, command, "--var", "small=true", file);
            assertEquals(String.join("\n", late), String.join("\n", early), command + " " + file);
        }
    }
}
