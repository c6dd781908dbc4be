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
     * elements of {@code @tensor} workspace (0 without {@code @tensor}, null when not known before running).
     */
    public record Block(String sizingFunction, Map<String, BufferUsage> buffers, String explanation, Long workspace,
            Trace trace) {
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

    /** A buffer's usage (the largest over the blocks that name it), or null. */
    public BufferUsage buffer(String name) {
        return buffers.get(name);
    }
}
