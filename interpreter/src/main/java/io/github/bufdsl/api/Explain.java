package io.github.bufdsl.api;

import io.github.bufdsl.analysis.SizingResult;
import io.github.bufdsl.diag.Source;
import java.util.List;

/** {@code usage --explain}: where each buffer's peak is reached and what is live there, a small memory map. */
final class Explain {
    /** Paths shown at most per buffer. */
    private static final int MAX_PATHS = 8;

    private Explain() {
    }

    static String explain(SizingResult result, Source source) {
        StringBuilder sb = new StringBuilder();
        List<SizingResult.Leaf> leaves = result.leaves();
        for (String buffer : result.function().buffers()) {
            int shown = 0;
            for (SizingResult.Leaf leaf : leaves) {
                if (shown++ == MAX_PATHS) {
                    sb.append("  (").append(leaves.size() - MAX_PATHS).append(" more paths not shown)\n");
                    break;
                }
                SizingResult.BufferPeak p = leaf.peaks().get(buffer);
                sb.append("explain ").append(buffer);
                if (!leaf.path().isEmpty()) {
                    sb.append(" when ").append(String.join(" and ", leaf.path()));
                }
                if (!p.at().isKnown()) {
                    sb.append(": nothing is allocated\n");
                    continue;
                }
                sb.append(": peak ").append(p.peak()).append(" reached at line ").append(p.at().line()).append(": ")
                        .append(source.line(p.at().line()).strip()).append('\n');
                int width = p.live().stream().mapToInt(l -> l.name().length()).max().orElse(1);
                int sizeWidth = p.live().stream().mapToInt(l -> l.size().toString().length()).max().orElse(1);
                for (SizingResult.Live l : p.live()) {
                    sb.append("  ").append(pad(l.name(), width)).append("  ")
                            .append(padLeft(l.size().toString(), sizeWidth)).append(" elements  (line ")
                            .append(l.allocatedAt().line()).append(")\n");
                }
            }
        }
        return sb.toString();
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(Math.max(0, w - s.length()));
    }

    private static String padLeft(String s, int w) {
        return " ".repeat(Math.max(0, w - s.length())) + s;
    }
}
