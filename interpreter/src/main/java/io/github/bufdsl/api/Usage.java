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
    public record Block(String sizingFunction, Map<String, BufferUsage> buffers, String explanation, Long workspace) {
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
