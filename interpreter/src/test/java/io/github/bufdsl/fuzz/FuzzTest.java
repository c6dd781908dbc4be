package io.github.bufdsl.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.RunOptions;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random and mutated scripts through load, usage, check and run: whatever comes in, only
 * diagnostics come out (a ScriptException, never another exception, a stack overflow or an
 * out-of-memory error), and the CLI never prints a stack trace. Tries: jqwik.tries.default in
 * junit-platform.properties; a long run: {@code -Djqwik.tries.default=200000}.
 */
class FuzzTest {
    private static final List<String> EXAMPLES = examples();
    private static final String[] TOKENS = {"buf", "A", "B", "C", "n", "small", "i", "j", "k", "x", "=", "+=", "-=",
        ":=", ".=", "*=", "/=", "%=", "^=", "\u00F7=", ".+=", ".*=", "+", "-", "*", "/", "^", "%", "==", "<", ">=", "&&", "||", "!", "(", ")", "[", "]", "{", "}", ",",
        ";", ":", "\n", "\n", "\n", " ", "1", "2", "0", "-1", "10", "2.5", "1e3", "\"s\"", "true", "false", "if",
        "elseif", "else", "end", "for", "in", "while", "begin", "function", "return", "break", "continue",
        "Buffer(100)", "Buffer(10; extend=false)", "alloc!(", "drop!(", "reset!(", "used(", "size(", "length(",
        "rand!(", "fill!(", "sum(", "println(", "neuralyze(", "Ref(", "@tensor", "@show", "@print_buffer_usage",
        "Threads.@threads", "pseudo_alloc!(", "#", "$", "@", "\u20ac", "\u00e9"};

    private static List<String> examples() {
        Path dir = Path.of(System.getProperty("bufdsl.examples", "../examples"));
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".buf")).sorted().map(p -> {
                try {
                    return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Provide
    Arbitrary<String> scripts() {
        Arbitrary<String> soup = Arbitraries.of(TOKENS).list().ofMaxSize(60).map(l -> String.join(" ", l));
        Arbitrary<String> mutated = Arbitraries.longs().map(FuzzTest::mutate);
        Arbitrary<String> chars = Arbitraries.strings().ofMaxLength(80);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, soup), net.jqwik.api.Tuple.of(6, mutated), net.jqwik.api.Tuple.of(1, chars));
    }

    /** An example with a few random edits: characters or lines deleted, duplicated, swapped or replaced. */
    static String mutate(long seed) {
        Random rnd = new Random(seed);
        StringBuilder s = new StringBuilder(EXAMPLES.get(rnd.nextInt(EXAMPLES.size())));
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits && s.length() > 0; e++) {
            int at = rnd.nextInt(s.length());
            switch (rnd.nextInt(6)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, TOKENS[rnd.nextInt(TOKENS.length)]);
                case 2 -> s.setCharAt(at, (char) (32 + rnd.nextInt(95)));
                case 3 -> {
                    int end = Math.min(s.length(), at + 1 + rnd.nextInt(40));
                    s.insert(rnd.nextInt(s.length()), s.substring(at, end));
                }
                case 4 -> s.delete(at, Math.min(s.length(), at + rnd.nextInt(30)));
                default -> s.insert(at, String.valueOf(rnd.nextInt(100000) - 50000));
            }
        }
        return s.toString();
    }

    @Property(seed = "20261124")
    void onlyDiagnosticsComeOut(@ForAll("scripts") String text) {
        BufScript script;
        try {
            script = BufScript.fromString("fuzz.buf", text);
        } catch (ScriptException e) {
            assertTrue(e.beforeRunning(), e.formatted());
            return;
        }
        Map<String, Object> bindings = new HashMap<>();
        Random rnd = new Random(text.hashCode());
        for (String v : script.freeVariables()) {
            bindings.put(v, rnd.nextBoolean() ? (Object) rnd.nextBoolean() : (Object) (long) rnd.nextInt(6));
        }
        BufScript bounded = script.withMaxSizingSteps(100_000);
        expectOnlyDiagnostics(() -> bounded.usage(Map.of()));
        expectOnlyDiagnostics(() -> bounded.usage(bindings));
        expectOnlyDiagnostics(() -> bounded.check(Map.of()));
        expectOnlyDiagnostics(() -> bounded.run(bindings, new PrintStream(new ByteArrayOutputStream()),
                new RunOptions(1L, 20_000, 2.0, 64L << 20), r -> { }));
    }

    private interface Step {
        Object run() throws ScriptException;
    }

    private static void expectOnlyDiagnostics(Step step) {
        try {
            step.run();
        } catch (ScriptException e) {
            assertTrue(!e.problems().isEmpty(), "a ScriptException without diagnostics");
        }
    }

    @Property(tries = 150, seed = "7")
    void theCliPrintsNoStackTrace(@ForAll("scripts") String text) throws IOException {
        Path dir = Files.createTempDirectory("fuzz");
        try {
            Files.writeString(dir.resolve("f.buf"), text);
            String[][] commands = {{"usage", "f.buf", "--max-sizing-steps", "100000"},
                {"check", "f.buf", "--max-sizing-steps", "100000"},
                {"run", "f.buf", "--max-sizing-steps", "100000", "--max-steps", "20000", "--timeout", "2",
                    "--max-memory", "64MB"}};
            for (String[] command : commands) {
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int code = Main.execute(command, dir,
                        new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
                String stderr = err.toString(StandardCharsets.UTF_8);
                assertTrue(code == 0 || code == 1 || code == 2, "exit " + code + ":\n" + stderr);
                assertTrue(!stderr.contains("\tat "), "a stack trace:\n" + stderr + "\nfor:\n" + text);
            }
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }
}
