package io.github.bufdsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.cli.ArgParser.Action;
import io.github.bufdsl.cli.ArgParser.ArgumentException;
import io.github.bufdsl.cli.ArgParser.Parsed;
import io.github.bufdsl.cli.CommandTable.Command;
import io.github.bufdsl.cli.CommandTable.Option;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command-line parser against the table: what it accepts, and each message it gives. */
class ArgParserTest {
    private static Parsed parse(String... args) throws ArgumentException {
        return ArgParser.parse(args);
    }

    private static String error(String... args) {
        return assertThrows(ArgumentException.class, () -> ArgParser.parse(args), String.join(" ", args)).getMessage();
    }

    @Test
    void anOptionTakesItsValueAfterAnEqualsSignOrAsTheNextArgument() throws ArgumentException {
        Parsed joined = parse("run", "a.buf", "--seed=7", "--timeout=2.5", "--color=never", "--threads=3",
                "--allow-io=data", "--max-steps=100");
        Parsed apart = parse("run", "a.buf", "--seed", "7", "--timeout", "2.5", "--color", "never", "--threads", "3",
                "--allow-io", "data", "--max-steps", "100");
        assertEquals(joined.values(), apart.values());
        assertEquals(7L, apart.longValue("--seed"));
        assertEquals(2.5, apart.number("--timeout"));
        assertEquals("never", apart.text("--color"));
        assertEquals(3, apart.intValue("--threads"));
        assertEquals("data", apart.text("--allow-io"));
        assertEquals(100L, apart.longValue("--max-steps"));
    }

    @Test
    void optionsComeBeforeOrAfterFile() throws ArgumentException {
        Parsed after = parse("usage", "a.buf", "--var", "n=3", "--json");
        Parsed before = parse("usage", "--var", "n=3", "--json", "a.buf");
        Parsed around = parse("usage", "--json", "a.buf", "--var=n=3");
        for (Parsed p : List.of(after, before, around)) {
            assertEquals(Action.RUN, p.action());
            assertEquals("usage", p.command().name());
            assertEquals("a.buf", p.file());
            assertEquals(List.of("n=3"), p.list("--var"));
            assertTrue(p.flag("--json"));
            assertTrue(!p.flag("--explain"));
        }
    }

    @Test
    void varRepeatsInTheOrderGiven() throws ArgumentException {
        Parsed p = parse("run", "a.buf", "--var", "a=1", "--var=b=2", "--var", "c=true");
        assertEquals(List.of("a=1", "b=2", "c=true"), p.list("--var"));
        assertEquals(List.of(), parse("run", "a.buf").list("--var"));
    }

    @Test
    void doubleDashEndsTheOptions() throws ArgumentException {
        assertEquals("--weird.buf", parse("run", "--", "--weird.buf").file());
        assertEquals("a.buf", parse("run", "a.buf", "--").file());
        assertEquals("Unexpected argument: '--stats' (run takes one FILE)", error("run", "a.buf", "--", "--stats"));
        // options before -- still count
        assertTrue(parse("run", "--stats", "--", "-x.buf").flag("--stats"));
    }

    @Test
    void aDashAloneIsStandardInputAndNegativeNumbersAreValues() throws ArgumentException {
        assertEquals("-", parse("usage", "-").file());
        assertEquals("-", parse("check", "--var", "n=1", "-").file());
        Parsed p = parse("run", "a.buf", "--seed", "-5", "--max-memory", "-5", "--var", "-5");
        assertEquals(-5L, p.longValue("--seed"));
        assertEquals("-5", p.text("--max-memory"));
        assertEquals(List.of("-5"), p.list("--var"));
    }

    @Test
    void defaultsAreThereWhenAnOptionIsNotGiven() throws ArgumentException {
        Parsed p = parse("run", "a.buf");
        assertEquals("auto", p.text("--color"));
        assertEquals("ejml", p.text("--backend"));
        assertEquals(10.0, p.number("--max-sizing-time"));
        assertEquals(50_000_000L, p.longValue("--max-sizing-steps"));
        assertEquals(0L, p.longValue("--max-steps"));
        assertEquals(0.0, p.number("--timeout"));
        assertNull(p.longValue("--seed"));
        assertNull(p.intValue("--threads"));
        assertNull(p.text("--max-memory"));
        assertEquals("julia", parse("usage", "a.buf").text("--emit"));
        assertThrows(IllegalArgumentException.class, () -> p.flag("--json"), "run has no --json: a bug, not a user error");
    }

    @Test
    void flagsTakeTrueOrFalseAfterAnEqualsSign() throws ArgumentException {
        assertTrue(parse("run", "a.buf", "--stats=true").flag("--stats"));
        assertTrue(!parse("run", "a.buf", "--stats=false").flag("--stats"));
        assertEquals("Invalid value for option '--stats': 'yes' is not true or false", error("run", "a.buf", "--stats=yes"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            run a.buf --frobnicate        | Unknown option: '--frobnicate'
            run a.buf -x                  | Unknown option: '-x'
            run a.buf --frob=3            | Unknown option: '--frob=3'
            usage --seed 1 a.buf          | Unknown option: '--seed'
            repl --var x=1                | Unknown option: '--var'
            --frob run a.buf              | Unknown option: '--frob'
            run a.buf --var               | Missing required parameter for option '--var' (NAME=VALUE)
            run a.buf --seed              | Missing required parameter for option '--seed' (N)
            run a.buf --var --stats       | Expected parameter for option '--var' but found '--stats'
            run a.buf --seed -h           | Expected parameter for option '--seed' but found '-h'
            run                           | Missing required parameter: 'FILE'
            fmt                           | Missing required parameter: 'FILE'
            run --stats                   | Missing required parameter: 'FILE'
            usage a.buf --color blue      | Invalid value for option '--color': expected one of [auto, always, never] (case-sensitive) but was 'blue'
            check a.buf --color=NEVER     | Invalid value for option '--color': expected one of [auto, always, never] (case-sensitive) but was 'NEVER'
            usage a.buf --emit rust       | Invalid value for option '--emit': expected one of [julia, java, buf] (case-sensitive) but was 'rust'
            run a.buf --seed abc          | Invalid value for option '--seed': 'abc' is not an integer
            run a.buf --seed=1.5          | Invalid value for option '--seed': '1.5' is not an integer
            run a.buf --max-steps x       | Invalid value for option '--max-steps': 'x' is not an integer
            usage a.buf --max-sizing-steps 1e3 | Invalid value for option '--max-sizing-steps': '1e3' is not an integer
            run a.buf --threads x         | Invalid value for option '--threads': 'x' is not an integer
            run a.buf --threads 99999999999 | Invalid value for option '--threads': '99999999999' is out of range
            run a.buf --timeout x         | Invalid value for option '--timeout': 'x' is not a number
            check a.buf --max-sizing-time= | Invalid value for option '--max-sizing-time': '' is not a number
            run a.buf --seed 1 --seed 2   | option '--seed' (N) should be specified only once
            usage a.buf --json --json     | option '--json' should be specified only once
            run a.buf b.buf               | Unexpected argument: 'b.buf' (run takes one FILE)
            repl extra                    | Unexpected argument: 'extra' (repl takes no FILE)
            prealloc.buf                  | a command must come before the script, as: bufdsl run prealloc.buf
            frobnicate a.buf              | unknown command frobnicate; the commands are run, usage, check, fmt, repl, completion and help
            -                             | unknown command -; the commands are run, usage, check, fmt, repl, completion and help
            help frob                     | unknown command frob; the commands are run, usage, check, fmt, repl, completion and help
            """)
    void eachMistakeHasItsMessage(String args, String message) {
        assertEquals(message, error(args.trim().split(" +")));
    }

    @Test
    void theFirstMistakeIsReported() {
        assertEquals("Unknown option: '--a'", error("run", "x.buf", "--a", "--seed", "z", "--b"));
        assertEquals("Invalid value for option '--seed': 'z' is not an integer",
                error("run", "x.buf", "--seed", "z", "--a"));
    }

    @Test
    void helpAndVersionWinOverOtherMistakesOfTheCommandLine() throws ArgumentException {
        for (String[] args : List.of(new String[] {"run", "--frob", "--help"}, new String[] {"run", "a.buf", "-h"},
                new String[] {"usage", "--seed", "x", "-h"}, new String[] {"check", "-Vh"}, new String[] {"run", "-V", "-h"})) {
            Parsed p = parse(args);
            assertEquals(Action.HELP, p.action(), String.join(" ", args));
            assertEquals(args[0], p.command().name());
        }
        assertEquals(Action.VERSION, parse("run", "-V").action());
        assertEquals(Action.VERSION, parse("fmt", "x.buf", "--version").action());
        assertEquals(Action.VERSION, parse("--version").action());
        assertEquals(Action.VERSION, parse("-V", "run").action());
        assertEquals(Action.HELP, parse("-hV").action());
        assertNull(parse("--help", "run").command(), "bufdsl's own help");
        assertEquals(Action.NO_COMMAND, parse().action());
        // a value that is an option is not taken as the value
        assertEquals("Expected parameter for option '--var' but found '--help'", error("run", "a.buf", "--var", "--help"));
    }

    @Test
    void helpNamesACommandOrNone() throws ArgumentException {
        assertEquals(Action.HELP, parse("help").action());
        assertNull(parse("help").command());
        assertEquals(CommandTable.USAGE, parse("help", "usage").command());
        assertEquals(CommandTable.HELP, parse("help", "--help").command());
        assertEquals("Unknown option: '--frob'", error("help", "--frob"));
    }

    @Test
    void everyOptionOfTheTableIsParsed() throws ArgumentException {
        for (Command c : CommandTable.COMMANDS) {
            for (Option o : c.options()) {
                String value = switch (o.type()) {
                    case CHOICE -> o.choices().get(o.choices().size() - 1);
                    case INT, LONG -> "12";
                    case NUMBER -> "1.5";
                    case TEXT -> "v=1";
                };
                List<String> args = new java.util.ArrayList<>(List.of(c.name(), o.name()));
                if (o.takesValue()) {
                    args.add(value);
                }
                if (c.file()) {
                    args.add("x.buf");
                }
                Object got = parse(args.toArray(String[]::new)).values().get(o.name());
                Object expected = switch (o.kind()) {
                    case FLAG -> Boolean.TRUE;
                    case REPEATABLE -> List.of(value);
                    case VALUE -> switch (o.type()) {
                        case INT -> 12;
                        case LONG -> 12L;
                        case NUMBER -> 1.5;
                        default -> value;
                    };
                };
                assertEquals(expected, got, c.name() + " " + o.name());
            }
        }
    }
}
