package io.github.bufdsl.api;

/**
 * One buffer's size as {@code usage} computes it. {@code peak} and {@code bytes} are null when the
 * peak depends on free variables left unbound that are not all Bools; {@code formula} is the peak in
 * the free variables (null when it is a number); {@code worstCase} says {@code peak} is the largest
 * over the open Bool variables, and {@code when} for which values.
 */
public record BufferUsage(String buffer, Long peak, Long bytes, int elementBytes, String formula, boolean worstCase,
        String when, Pool pool) {
    /**
     * For a ThreadsBuffer: the number of buffers in the pool ({@code null} when it is one per
     * processor, known only when running) and the total over all of them. {@code peak} and
     * {@code bytes} are per buffer.
     */
    public record Pool(Long buffers, Long totalPeak, Long totalBytes) {
    }
}
