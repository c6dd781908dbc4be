package io.github.bufdsl.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.RunOptions;
import io.github.bufdsl.api.ScriptException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * The string builtins and operators ({@code string}, {@code *}, {@code ^}, {@code repeat},
 * {@code print}, {@code println}, {@code @show}) composed at random, with sizes that double or
 * jump past any limit, under a small --max-memory: a run ends, or ends in diagnostics; never in
 * another exception, an OutOfMemoryError or a StackOverflowError, and never prints more text
 * than the budget allows.
 */
class StringFuzzTest {
    private static final String[] STEPS = {"s = string(s, s)", "s = s * s", "s = s ^ 2", "s = s ^ %d",
        "s = repeat(s, %d)", "s = string(s, i, 2.5, true)", "s = \"x\" * s", "s = string(A)", "println(s)",
        "print(s, A)", "t = (s, t)", "@show length(s)", "s = string(t)", "s = repeat(\"ab\", %d)",
        "s = string(s, A, s)", "println(t)", "s = s ^ -1", "s = repeat(s, -2)", "s = s * 3"};

    @Provide
    Arbitrary<String> programs() {
        return Arbitraries.longs().map(StringFuzzTest::program);
    }

    static String program(long seed) {
        Random rnd = new Random(seed);
        int rows = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 40);
        StringBuilder p = new StringBuilder("buf = Buffer(0)\nA = alloc!(buf, " + rows + ", " + (1 + rnd.nextInt(30))
                + ")\nfill!(A, 0.1)\ns = \"" + "ab".repeat(rnd.nextInt(4)) + "\"\nt = ()\n");
        p.append("for i in 1:").append(1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 42)).append('\n');
        int steps = 1 + rnd.nextInt(4);
        for (int k = 0; k < steps; k++) {
            String step = STEPS[rnd.nextInt(STEPS.length)];
            long n = switch (rnd.nextInt(4)) {
                case 0 -> rnd.nextInt(4);
                case 1 -> rnd.nextInt(1000);
                case 2 -> 1L << rnd.nextInt(40);
                default -> Long.MAX_VALUE / (1 + rnd.nextInt(3));
            };
            p.append("    ").append(step.contains("%d") ? String.format(step, n) : step).append('\n');
        }
        return p.append("end\nprintln(length(s))\n").toString();
    }

    @Property(tries = 40, seed = "1729")
    void onlyTextWithinTheLimitsOrDiagnostics(@ForAll("programs") String program,
            @ForAll @LongRange(min = 1, max = 8) long megabytes) {
        long budget = megabytes << 20;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            BufScript.fromString("str.buf", program).run(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new RunOptions(1L, 100_000, 20, budget), r -> { });
        } catch (ScriptException e) {
            assertTrue(!e.problems().isEmpty() && (e.exitCode() == 1 || e.exitCode() == 2), e.formatted());
            assertTrue(e.formatted().length() < 2000, "a long diagnostic: " + e.formatted().length() + " characters");
        }
        // a printed text is at most a quarter of the budget; 45 iterations of a few prints each
        assertTrue(out.size() <= 200L * budget, "printed " + out.size() + " bytes under a budget of " + budget);
    }
}
