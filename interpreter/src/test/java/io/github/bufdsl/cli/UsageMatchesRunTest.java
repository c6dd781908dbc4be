package io.github.bufdsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.BufferUsage;
import io.github.bufdsl.api.RunOptions;
import io.github.bufdsl.api.RunResult;
import io.github.bufdsl.api.Usage;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.ThreadsBuffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The invariant of sizing: for every example that runs ({@code run} cases of
 * {@code examples/TESTS}), what {@code usage} predicts with the same {@code --var} values equals
 * what {@code run --stats} measures, per buffer: each Buffer's and {@code @buffer}'s peak, each
 * ThreadsBuffer's peak per buffer (and in total when usage knows how many buffers it has), and the
 * workspace of {@code @tensor}. On the default backend here; {@code BlasUsageMatchesRunTest} (module
 * backend-blas, which has this module's tests on its class path) runs the same cases on {@code blas}.
 */
public class UsageMatchesRunTest {
    /**
     * Cases where the two disagree today because of the analyzer, with the reason. Each must still
     * disagree (the test fails when one agrees: then remove it from here).
     */
    private static final Map<String, String> KNOWN = Map.of();

    @TestFactory
    Stream<DynamicTest> usageEqualsRunStats() throws IOException {
        return cases(GoldenTest.root(), "ejml");
    }

    /** One test per run case of {@code dir/TESTS}, comparing usage with run --stats on {@code backend}. */
    public static Stream<DynamicTest> cases(Path dir, String backend) throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("TESTS"))) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length < 4 || parts[0].startsWith("#") || !parts[2].equals("run") || !parts[1].equals("0")) {
                continue;
            }
            String name = parts[0];
            List<String> args = List.of(parts).subList(3, parts.length);
            tests.add(DynamicTest.dynamicTest(name, () -> compare(dir, name, args, backend)));
        }
        assertTrue(tests.size() >= 10, "too few run cases in " + dir.resolve("TESTS"));
        return tests.stream();
    }

    /**
     * The workspace formula of usage without values at the bindings (Bools as 1 and 0), or null when
     * usage cannot size the script without values or the formula holds a term the test does not read.
     */
    private static Long workspaceFormulaAt(BufScript script, Map<String, Object> bindings) {
        if (bindings.isEmpty()) {
            return null;
        }
        String formula;
        try {
            formula = script.usage(Map.of()).workspaceFormula();
        } catch (io.github.bufdsl.api.ScriptException e) {
            return null;
        }
        if (formula == null || formula.contains("maximum(") || formula.contains("merged")) {
            return null;
        }
        Map<String, Long> values = new java.util.HashMap<>();
        for (Map.Entry<String, Object> e : bindings.entrySet()) {
            if (e.getValue() instanceof Boolean b) {
                values.put(e.getKey(), b ? 1L : 0L);
            } else if (e.getValue() instanceof Long l) {
                values.put(e.getKey(), l);
            } else {
                return null;
            }
        }
        return io.github.bufdsl.analysis.FormulaValue.of(formula, values);
    }

    private static void compare(Path dir, String name, List<String> args, String backend) throws Exception {
        String file = args.get(0);
        List<String> vars = new ArrayList<>();
        Long seed = null;
        int threads = 0;
        for (int i = 1; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--var" -> vars.add(args.get(++i));
                case "--seed" -> seed = Long.parseLong(args.get(++i));
                case "--threads" -> threads = Integer.parseInt(args.get(++i));
                default -> {
                }
            }
        }
        BufScript script = BufScript.load(dir.resolve(file), file).withBackend(backend);
        Map<String, Object> bindings = VarParser.parse(vars, script.freeVariables());
        Usage usage = script.usage(bindings);
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        RunResult run = script.run(bindings, sink, new RunOptions(seed, 0, 0, RunOptions.DEFAULT.maxMemoryBytes(),
                threads, null), r -> { });
        Map<String, Long> predicted = new TreeMap<>();
        Map<String, Long> measured = new TreeMap<>();
        for (BufferUsage b : usage.buffers().values()) {
            predicted.put(b.buffer(), b.peak());
            if (b.pool() != null && b.pool().buffers() != null) {
                predicted.put(b.buffer() + " (all buffers)", b.pool().totalPeak());
            }
        }
        for (Buffer.Stats b : run.bufferStats()) {
            if (predicted.containsKey(b.name())) {
                measured.merge(b.name(), b.highWater(), Math::max);
            }
        }
        for (ThreadsBuffer.Stats t : run.threadsBufferStats()) {
            measured.merge(t.name(), t.highWaterPerBuffer(), Math::max);
            if (predicted.containsKey(t.name() + " (all buffers)")) {
                measured.merge(t.name() + " (all buffers)", t.highWaterTotal(), Math::max);
            }
        }
        predicted.put("workspace of @tensor", usage.workspace());
        measured.put("workspace of @tensor", run.workspaceHighWater());
        Long fromFormula = workspaceFormulaAt(script, bindings);
        if (fromFormula != null) { // usage without values: its formula at the run's values
            predicted.put("workspace of @tensor, as the formula of usage without values", fromFormula);
            measured.put("workspace of @tensor, as the formula of usage without values", run.workspaceHighWater());
        }
        assertFalse(predicted.isEmpty());
        if (KNOWN.containsKey(name)) {
            assertNotEquals(predicted, measured, name + " agrees now: remove it from KNOWN (" + KNOWN.get(name) + ")");
        } else {
            assertEquals(predicted, measured, "usage (expected) against run --stats (actual) for " + name + " "
                    + String.join(" ", args) + " --backend " + backend);
        }
    }
}
