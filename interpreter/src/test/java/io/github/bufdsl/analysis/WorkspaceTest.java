package io.github.bufdsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.RunResult;
import io.github.bufdsl.api.Usage;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The workspace usage predicts for @tensor equals what running measures, on every example that has one. */
public class WorkspaceTest {
    @Test
    void usageCountsTheWorkspaceTheRuntimeTakes() throws Exception {
        int compared = compareOnExamples(Path.of(System.getProperty("bufdsl.examples", "../examples")), "ejml");
        assertTrue(compared >= 4, "only " + compared + " examples compared");
    }

    @Test
    void aContractionInALoopWithoutAllocationsKeepsItsWorkspace() throws Exception {
        // the while loop changes no size and was left out of the sizing function with its @tensor:
        // usage had no workspace where run takes 18 elements
        BufScript script = BufScript.fromString("loop.buf", """
                buf = Buffer(1000)
                A = alloc!(buf, 3, 3)
                B = alloc!(buf, 3, 3)
                C = alloc!(buf, 3, 3)
                j = 0
                while j < 2
                    j += 1
                    @tensor C[i,k] = A[m,i] * B[k,m]
                end
                drop!(buf, A, B, C)
                """);
        RunResult r = script.run(Map.of(), new PrintStream(OutputStream.nullOutputStream()), 1L);
        assertTrue(r.workspaceHighWater() > 0);
        assertEquals(r.workspaceHighWater(), script.usage(Map.of()).workspace());
    }

    @Test
    void aContractedLabelIsEachTermsOwn() throws Exception {
        // c is 4 and d 3 in the first product, the other way round in the second: usage took the
        // first product's dimensions for both and counted 38 where the run takes 44 (46 against 42
        // with an order)
        for (String backend : List.of("ejml")) {
            for (String statement : List.of(
                    "@tensor X[a, b] = A[a, d] * B[d, c] * C[c, b] + A[a, c] * B[c, d] * C[d, b]",
                    "@tensor X[:] = A[-1, 2] * B[2, 1] * C[1, -2] + A[-1, 1] * B[1, 2] * C[2, -2]")) {
                BufScript script = BufScript.fromString("terms.buf", """
                        buf = Buffer(1000)
                        A = alloc!(buf, 2, 3); B = alloc!(buf, 3, 4); C = alloc!(buf, 4, 2)
                        X = alloc!(buf, 2, 2)
                        rand!(A); rand!(B); rand!(C)
                        """ + statement + "\n").withBackend(backend);
                RunResult r = script.run(Map.of(), new PrintStream(OutputStream.nullOutputStream()), 1L);
                assertTrue(r.workspaceHighWater() > 0);
                assertEquals(r.workspaceHighWater(), script.usage(Map.of()).workspace(), backend + ": " + statement);
            }
        }
    }

    /**
     * Sizes and runs every example with {@code @tensor} (and no free variable but {@code small})
     * on a backend, asserting that the two workspaces agree; returns how many were compared.
     */
    public static int compareOnExamples(Path dir, String backend) throws Exception {
        List<Path> scripts;
        try (Stream<Path> files = Files.list(dir)) {
            scripts = files.filter(p -> p.toString().endsWith(".buf")).sorted().toList();
        }
        int compared = 0;
        for (Path p : scripts) {
            BufScript script = BufScript.load(p).withBackend(backend);
            Map<String, Object> vars = script.freeVariables().contains("small") && script.freeVariables().size() == 1
                    ? Map.of("small", true) : Map.of();
            if (!script.freeVariables().equals(vars.keySet()) || !Files.readString(p).contains("@tensor")
                    || Files.readString(p).contains("@print_buffer_usage")) {
                continue;
            }
            Usage u = script.usage(vars);
            RunResult r = script.run(vars, new PrintStream(OutputStream.nullOutputStream()), 1L);
            assertEquals(r.workspaceHighWater(), u.workspace(), p + " on " + backend);
            compared++;
        }
        return compared;
    }
}
