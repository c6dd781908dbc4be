package io.github.bufdsl.blas;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.analysis.WorkspaceTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** On the native backend too, the workspace usage predicts equals the run's, on every example. */
class BlasWorkspaceTest {
    @Test
    void usageCountsTheWorkspaceTheRuntimeTakes() throws Exception {
        int compared = WorkspaceTest.compareOnExamples(Path.of("../examples"), "blas");
        assertTrue(compared >= 4, "only " + compared + " examples compared");
    }
}
