package io.github.bufdsl.runtime;

/**
 * A view made by {@code reshape_buf!}: where it starts, how long it is and whether its memory
 * still belongs to it. Every {@link Tensor} handle of the view shares this object, so the reset
 * that ends it invalidates all of them. (Tensors taken by {@code alloc} need no such object: the
 * buffer's stack keeps a generation number per slot instead.)
 */
final class Allocation {
    final Buffer buffer;
    final int offset;
    final int length;
    final String name;
    private String endedBy;

    Allocation(Buffer buffer, int offset, int length, String name) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.name = name;
    }

    boolean live() {
        return endedBy == null;
    }

    String endedBy() {
        return endedBy;
    }

    void end(String how) {
        if (endedBy == null) {
            endedBy = how;
        }
    }
}
