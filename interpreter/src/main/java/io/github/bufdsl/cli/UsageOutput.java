package io.github.bufdsl.cli;

import io.github.bufdsl.api.BufferUsage;
import io.github.bufdsl.api.Usage;

/**
 * What {@code usage} prints: the sizing functions and peaks as text (the REPL's :usage too); the JSON of
 * {@code --json} is {@link UsageJson}'s, apart so that the text's path loads no Gson class.
 */
final class UsageOutput {
    private UsageOutput() {
    }

    /** The text of {@code usage}: each block's sizing function and peaks (the REPL's :usage too). */
    static String text(Usage usage, boolean explain) {
        StringBuilder text = new StringBuilder();
        for (Usage.Block block : usage.blocks()) {
            text.append(block.sizingFunction());
            for (BufferUsage u : block.buffers().values()) {
                text.append("peak ").append(u.buffer()).append(" = ");
                if (u.formula() == null && u.pool() != null) {
                    text.append(u.peak()).append(" elements per buffer; ").append(u.pool().buffers() == null
                            ? "one buffer per processor (nbuffers(" + u.buffer() + ")), each " + u.bytes() + " bytes"
                            : u.pool().buffers() + " buffers: " + u.pool().totalPeak() + " elements ("
                                    + u.pool().totalBytes() + " bytes)").append('\n');
                } else if (u.formula() == null) {
                    text.append(u.peak()).append(" elements (").append(u.bytes()).append(" bytes)\n");
                } else if (u.worstCase()) {
                    text.append(u.formula()).append("\nworst case ").append(u.buffer()).append(" = ")
                            .append(u.peak()).append(" elements (").append(u.bytes()).append(" bytes)")
                            .append(u.when().startsWith("over ") ? ", " : " when ").append(u.when()).append('\n');
                } else {
                    text.append(u.formula()).append(" elements (").append(u.elementBytes())
                            .append(" bytes each)\n");
                }
            }
            if (block.workspace() == null && block.workspaceFormula() != null) {
                text.append("workspace of @tensor = ").append(block.workspaceFormula()).append(" elements (8 bytes each)\n");
            } else if (block.workspace() == null) {
                text.append("workspace of @tensor: not sized (").append(block.workspaceUnknown())
                        .append(")\n");
            } else if (block.workspace() > 0) {
                text.append("workspace of @tensor = ").append(block.workspace()).append(" elements (")
                        .append(8 * block.workspace()).append(" bytes)\n");
            }
            if (explain) {
                text.append(block.explanation());
            }
        }
        return text.toString();
    }
}
