package io.github.bufdsl.api;

import java.util.List;
import java.util.Map;

/**
 * What {@code usage} computes for a script: per {@code @print_buffer_usage} block (or the whole
 * script) its printed sizing function and buffers, and per buffer the largest over all blocks.
 */
public record Usage(List<Block> blocks, Map<String, BufferUsage> buffers, Map<String, Object> variables) {
    /** One sizing function: its text in the seed's format, the peaks, and the --explain text. */
    public record Block(String sizingFunction, Map<String, BufferUsage> buffers, String explanation) {
    }

    /** A buffer's usage (the largest over the blocks that name it), or null. */
    public BufferUsage buffer(String name) {
        return buffers.get(name);
    }
}
