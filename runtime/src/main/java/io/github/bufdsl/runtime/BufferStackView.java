package io.github.bufdsl.runtime;

/**
 * A {@link Buffer}'s stack as {@link BufferRules} reads it: the buffer asks the rules over this
 * view on its slow paths only (an alloc past the high-water mark, a drop that is not the plain
 * pair on top, a reshape), never on the fast path of an alloc/drop pair.
 */
final class BufferStackView implements BufferRules.StackView<Tensor> {
    private final Buffer buffer;

    BufferStackView(Buffer buffer) {
        this.buffer = buffer;
    }

    public String name() {
        return buffer.name();
    }

    public int depth() {
        return buffer.allocationCount();
    }

    public String describeFromTop(int k) {
        return buffer.describeSlot(buffer.allocationCount() - 1 - k);
    }

    public int fromTop(Tensor t) {
        int slot = t.slot();
        int depth = buffer.allocationCount();
        return t.buffer() == buffer && slot >= 0 && slot < depth && t.isLive() ? depth - 1 - slot : -1;
    }

    public String owner(Tensor t) {
        return t.buffer().name();
    }

    public boolean owns(Tensor t) {
        return t.buffer() == buffer;
    }

    public String endedBy(Tensor t) {
        return t.isLive() ? null : t.endedBy();
    }

    public String describe(Tensor t) {
        return t.describe();
    }

    public String reshapeMode() {
        return buffer.reshapeMode();
    }

    public String closedBy() {
        return buffer.closedBy();
    }

    public long capacity() {
        return buffer.length();
    }

    public boolean extendable() {
        return buffer.isExtendable();
    }

    public long used() {
        return buffer.top();
    }
}
