package io.github.bufdsl.analysis;

import io.github.bufdsl.diag.Pos;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A buffer on a path. */
final class Level {
    Poly len = Poly.ZERO;
    Peak peak = Peak.ZERO;
    Pos peakAt = Pos.NONE;
    /** The live tensors where the peak was reached (a snapshot: the stack is persistent). */
    Stack atPeak;
    final Deque<TensorRec> stack = new ArrayDeque<>();
    /** The same stack as a persistent list, so that a snapshot at the peak costs nothing. */
    Stack persistent;
    /** Where reshape_buf! put the buffer in reshape mode, until reset!; null otherwise. */
    Pos reshapeAt;
    /**
     * For a ThreadsBuffer: whether the running iteration took one of its buffers (an alloc! takes it,
     * only reset! or release! gives it back; drop! does not).
     */
    boolean taken;
    /**
     * Set when a function returned on data keeping tensors in this buffer that its end gives back (why):
     * what the caller does in it next would start at a level usage cannot know, until a reset!.
     */
    String keptBy;

    Level copy() {
        Level c = new Level();
        c.len = len;
        c.peak = peak;
        c.peakAt = peakAt;
        c.atPeak = atPeak;
        c.stack.addAll(stack);
        c.persistent = persistent;
        c.reshapeAt = reshapeAt;
        c.taken = taken;
        c.keptBy = keptBy;
        return c;
    }

    void push(TensorRec t) {
        stack.push(t);
        persistent = new Stack(t, persistent);
    }

    void clear() {
        stack.clear();
        persistent = null;
    }

    /** Takes the top {@code k} off (the caller checked they are the ones to drop). */
    void pop(int k) {
        for (int i = 0; i < k; i++) {
            stack.pop();
            persistent = persistent.below();
        }
    }

    List<SizingResult.Live> liveAtPeak() {
        List<SizingResult.Live> live = new ArrayList<>();
        for (Stack n = atPeak; n != null; n = n.below()) {
            live.add(0, new SizingResult.Live(n.top().name, n.top().size, n.top().pos, n.top().lastUse,
                    n.top().topAtLastUse));
        }
        return List.copyOf(live);
    }
}

