package io.github.bufdsl.exec;

/**
 * The variables of one activation of a scope: the globals, a function call, an iteration of a
 * threaded loop. {@code parent} is the frame that reads fall back to.
 */
final class Frame {
    final Scope scope;
    final Frame parent;
    Value[] slots;

    Frame(Scope scope, Frame parent, int size) {
        this.scope = scope;
        this.parent = parent;
        this.slots = new Value[size];
    }

    /** Makes room for every slot the scope has declared (the global scope grows). */
    void fit() {
        int n = scope.size();
        if (n > slots.length) {
            slots = java.util.Arrays.copyOf(slots, Math.max(n, slots.length * 2));
        }
    }

    /** The frame {@code depth} levels out. */
    Frame up(int depth) {
        Frame f = this;
        for (int i = 0; i < depth; i++) {
            f = f.parent;
        }
        return f;
    }
}
