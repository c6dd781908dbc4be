package io.github.bufdsl.runtime;

/**
 * One {@code alloc} on a buffer: where it starts, how long it is and whether its memory still
 * belongs to it. Every {@link Tensor} handle taken from the allocation shares this object, so
 * dropping the allocation invalidates all of them. The tensor {@link Buffer#alloc} returns is
 * itself the allocation (a subclass), so that an alloc makes one small object, not two.
 */
class Allocation {
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

    /** The tensor's name, or where it lies when it has none. */
    String describeAllocation() {
        return name != null ? name : "the tensor at offset " + offset + " (" + length + " elements)";
    }

    void end(String how) {
        if (endedBy == null) {
            endedBy = how;
        }
    }
}
