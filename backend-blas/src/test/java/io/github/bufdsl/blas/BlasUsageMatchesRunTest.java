package io.github.bufdsl.blas;

import io.github.bufdsl.cli.UsageMatchesRunTest;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The invariant of sizing on the native backend: for every run case of {@code examples/TESTS}, usage
 * with {@code --backend blas} predicts what {@code run --stats --backend blas} measures, per buffer and
 * for the workspace of {@code @tensor} (which differs from EJML's: blas reads operands at any offset).
 */
class BlasUsageMatchesRunTest {
    @TestFactory
    Stream<DynamicTest> usageEqualsRunStatsOnBlas() throws Exception {
        return UsageMatchesRunTest.cases(Path.of(System.getProperty("bufdsl.examples", "../examples")), "blas");
    }
}
