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
                            .append(l.allocatedAt().line()).append(lastUse(l)).append(")\n");
                }
                advice(sb, buffer, p);
            }
        }
        return sb.toString();
    }

    /** ", last used at line N" or ", never used". */
    private static String lastUse(SizingResult.Live l) {
        if (l.lastUse() == null || !l.lastUse().isKnown()) {
            return "";
        }
        return l.lastUse().equals(l.allocatedAt()) ? ", never used after" : ", last used at line " + l.lastUse().line();
    }

    /**
     * The drops that would lower the peak: a tensor live at the peak whose last use comes before the
     * peak's statement, and which was the top of its buffer there, so that the stack order lets a
     * {@code drop!} give it back right after that use.
     */
    private static void advice(StringBuilder sb, String buffer, SizingResult.BufferPeak p) {
        for (SizingResult.Live l : p.live()) {
            if (l.droppableAfterLastUse() && l.lastUse() != null && l.lastUse().isKnown()
                    && l.lastUse().line() < p.at().line()) {
                String lower = p.peak().constant() != null && l.size().isConstant()
                        ? " (to " + (p.peak().constant() - l.size().constantValue()) + ")" : "";
                sb.append("  advice: drop!(").append(buffer).append(", ").append(l.name()).append(") right after line ")
                        .append(l.lastUse().line()).append(l.lastUse().equals(l.allocatedAt()) ? " (its allocation;"
                                + " it is never used before the peak)" : " (its last use)")
                        .append(" is allowed by the stack order and lowers this peak by ").append(l.size())
                        .append(" elements").append(lower).append('\n');
            }
        }
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(Math.max(0, w - s.length()));
    }

    private static String padLeft(String s, int w) {
        return " ".repeat(Math.max(0, w - s.length())) + s;
    }
}
