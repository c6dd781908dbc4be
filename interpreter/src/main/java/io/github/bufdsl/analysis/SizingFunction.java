package io.github.bufdsl.analysis;

import io.github.bufdsl.diag.Pos;
import java.util.List;
import java.util.Map;

/**
 * The sizing function of one {@code @print_buffer_usage} block (or of a whole script): the buffers
 * it sizes, each buffer's bytes per element, and the statements that compute their peaks.
 */
public record SizingFunction(Pos pos, List<String> buffers, Map<String, Integer> elementBytes, List<SizeStmt> body) {
}
