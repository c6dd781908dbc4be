package io.github.bufdsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.cli.CommandTable.Command;
import io.github.bufdsl.cli.CommandTable.Option;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Help, version and the completion script, all made from the command table, through {@link Main#execute}. */
class HelpTextTest {
    private record Out(int exit, String out, String err) {
    }

    private static Out run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(args, Path.of(""), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Out(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandsHelpIsTheSameWhicheverWayItIsAskedForAndShowsEveryOption() {
        for (Command c : CommandTable.COMMANDS) {
            Out help = run("help", c.name());
            assertEquals(0, help.exit(), help.err());
            assertEquals("", help.err());
            for (String[] other : List.of(new String[] {c.name(), "--help"}, new String[] {c.name(), "-h"})) {
                assertEquals(help, run(other), String.join(" ", other));
            }
            String text = help.out();
            assertTrue(text.startsWith("Usage: bufdsl " + c.name() + " [-hV]"), text);
            assertTrue(text.contains("-h, --help") && text.contains("-V, --version"), text);
            assertEquals(c.file(), text.contains("    FILE "), text);
            for (Option o : c.options()) {
                String shown = o.takesValue() ? o.name() + "=" + o.label() : o.name();
                assertTrue(text.contains("\n      " + shown + " ") || text.contains("\n      " + shown + "\n"),
                        shown + " in\n" + text);
                assertTrue(text.contains("[" + shown + "]"), shown + " in the synopsis of\n" + text);
                // the description's first words are there, wrapped or not
                String start = o.description().substring(0, o.description().indexOf(' ', 12));
                assertTrue(text.replaceAll("\\s+", " ").contains(o.description().replaceAll("\\s+", " ")),
                        start + "... in\n" + text);
            }
            assertTrue(text.replaceAll("\\s+", " ").contains(c.description()), text);
            for (String line : c.footer()) {
                assertTrue(text.contains(line), line);
            }
            for (String line : text.split("\n")) {
                assertTrue(line.length() <= HelpText.WIDTH, "longer than " + HelpText.WIDTH + ": " + line);
            }
        }
    }

    @Test
    void optionsAreListedInAlphabeticalOrderAndFlagsFirstInTheSynopsis() {
        String text = run("usage", "--help").out();
        assertTrue(text.startsWith("Usage: bufdsl usage [-hV] [--explain] [--json] [--backend=NAME] [--color=WHEN]"),
                text);
        List<Integer> at = new ArrayList<>();
        for (String name : List.of("--backend=", "--color=", "--emit=", "--explain ", "-h, --help", "--json ",
                "--max-sizing-steps=", "--max-sizing-time=", "--plot=", "-V, --version", "--var=")) {
            at.add(text.indexOf("\n  " + (name.startsWith("-h") || name.startsWith("-V") ? "" : "    ") + name));
        }
        for (int i = 0; i < at.size(); i++) {
            assertTrue(at.get(i) > 0 && (i == 0 || at.get(i) > at.get(i - 1)), "option " + i + " in order:\n" + text);
        }
    }

    @Test
    void theTopHelpAndTheHelpOfHelp() {
        Out top = run("--help");
        assertEquals(top, run("-h"));
        assertEquals(top, run("help"));
        assertTrue(top.out().startsWith("Usage: bufdsl [-hV] [COMMAND]\n" + CommandTable.DESCRIPTION.substring(0, 40)),
                top.out());
        assertTrue(top.out().contains("\nCommands:\n  help        Display help"), top.out());
        Out none = run();
        assertEquals(2, none.exit());
        assertEquals("bufdsl: a command is needed: " + CommandTable.commandNames() + "\n" + top.out(), none.err());
        Out helpOfHelp = run("help", "--help");
        assertEquals(0, helpOfHelp.exit());
        assertTrue(helpOfHelp.out().startsWith("Usage: bufdsl help [-h] [COMMAND]\n"), helpOfHelp.out());
    }

    @Test
    void versionAtTheTopAndInEveryCommand() {
        Out v = run("--version");
        assertEquals(0, v.exit());
        assertTrue(v.out().matches("bufdsl \\S.*\n"), v.out());
        assertEquals(v, run("-V"));
        for (Command c : CommandTable.COMMANDS) {
            assertEquals(v, run(c.name(), "-V"), c.name());
        }
    }

    @Test
    void aMistakeEndsWithTheShortUsageAndExitCode2() {
        Out o = run("run", "x.buf", "--seed", "many");
        assertEquals(2, o.exit());
        assertEquals("", o.out());
        assertEquals("bufdsl: error: Invalid value for option '--seed': 'many' is not an integer\n"
                + "Usage: bufdsl COMMAND [FILE] [options]; the commands are " + CommandTable.commandNames()
                + "; bufdsl help COMMAND explains one\n", o.err());
    }

    @Test
    void theCompletionScriptHasEveryCommandAndEachItsOwnOptions() {
        String script = run("completion").out();
        for (Command c : CommandTable.COMMANDS) {
            int at = script.indexOf("\n        " + c.name() + ")\n");
            assertTrue(at > 0, c.name() + " in\n" + script);
            String section = script.substring(at, script.indexOf(";;", at));
            for (Option o : c.options()) {
                assertTrue(section.contains(" " + o.name() + " ") || section.contains("'" + o.name() + " ")
                        || section.contains(" " + o.name() + "'") || section.contains("'" + o.name() + "'"),
                        o.name() + " of " + c.name() + " in\n" + section);
                if (o.type() == CommandTable.Type.CHOICE) {
                    assertTrue(script.contains(o.name() + ") COMPREPLY=($(compgen -W '" + String.join(" ", o.choices())),
                            o.name() + "'s values");
                }
            }
            for (Command other : CommandTable.COMMANDS) {
                for (Option o : other.options()) {
                    if (c.option(o.name()) == null) {
                        assertTrue(!section.contains(" " + o.name() + " ") && !section.contains(o.name() + "'"),
                                o.name() + " is not an option of " + c.name() + ":\n" + section);
                    }
                }
            }
        }
    }

    /** The script in a real bash: what TAB offers after a few command lines. */
    @Test
    void theCompletionScriptCompletesInBash(@TempDir Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        Files.writeString(dir.resolve("c.sh"), run("completion").out());
        String probe = "source c.sh\n"
                + "t() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _bufdsl;"
                + " echo \"${COMPREPLY[*]}\"; }\n"
                + "t bufdsl r\nt bufdsl help c\nt bufdsl run x.buf --s\nt bufdsl usage x.buf --color a\n"
                + "t bufdsl usage --emit j\nt bufdsl check --max-sizing-t\nt bufdsl fmt --\n";
        Files.writeString(dir.resolve("probe.sh"), probe);
        Process p = new ProcessBuilder("/bin/bash", "probe.sh").directory(dir.toFile()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("run repl\ncheck completion\n--stats --seed\nauto always\njulia java\n--max-sizing-time\n"
                + "--help --version\n", out);
    }
}
