package io.github.bufdsl.api;

import java.util.List;
import java.util.Map;

/**
 * What {@code usage} computes for a script: per {@code @print_buffer_usage} block (or the whole
 * script) its printed sizing function and buffers, and per buffer the largest over all blocks.
 */
public record Usage(List<Block> blocks, Map<String, BufferUsage> buffers, Map<String, Object> variables) {
    /**
     * One sizing function: its text in the seed's format, the peaks, the --explain text, and the
     * elements of {@code @tensor} workspace (0 without {@code @tensor}, null when it is not a number);
     * {@code workspaceFormula} the workspace as a formula in what is left free (null when not known
     * before running, {@code workspaceUnknown} says why).
     */
    public record Block(String sizingFunction, Map<String, BufferUsage> buffers, String explanation, Long workspace,
            Trace trace, String workspaceFormula, String workspaceUnknown) {
    }

    /**
     * Each buffer's level after each statement that changed it, on one path: the only one when the
     * variables fix it, else the path of the largest peak ({@code path} says which).
     */
    public record Trace(String path, List<Step> steps) {
    }

    /** A buffer's level after the statement at {@code line}. */
    public record Step(int line, String buffer, long level) {
    }

    /** The largest workspace of the blocks, as {@link Block#workspace()}. */
    public Long workspace() {
        long max = 0;
        for (Block b : blocks) {
            if (b.workspace() == null) {
                return null;
            }
            max = Math.max(max, b.workspace());
        }
        return max;
    }

    /**
     * The largest workspace of the blocks as a formula ({@code max(...)} of the blocks' that differ and
     * are not 0), or null when a block's is not known before running.
     */
    public String workspaceFormula() {
        java.util.Set<String> all = new java.util.LinkedHashSet<>();
        for (Block b : blocks) {
            if (b.workspaceFormula() == null) {
                return null;
            }
            if (!b.workspaceFormula().equals("0")) {
                all.add(b.workspaceFormula());
            }
        }
        return all.isEmpty() ? "0" : all.size() == 1 ? all.iterator().next() : "max(" + String.join(", ", all) + ")";
    }

    /** Why a block's workspace is not known before running, or null. */
    public String workspaceUnknown() {
        for (Block b : blocks) {
            if (b.workspaceUnknown() != null) {
                return b.workspaceUnknown();
            }
        }
        return null;
    }

    /** A buffer's usage (the largest over the blocks that name it), or null. */
    public BufferUsage buffer(String name) {
        return buffers.get(name);
    }
}
