package io.github.bufdsl.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * A buffer's reshape mode, as Buffers.jl's {@code reshape_buf!}: the views made since the last
 * reset (the buffer is in reshape mode while there is one), what made the first of them, for
 * messages, and how far they reach, so that growing keeps what they hold. A reset ends them all
 * at once. The buffer makes each view; this class keeps them.
 */
final class ReshapeViews {
    /** Views made by reshape, live until reset. */
    private final List<Allocation> views = new ArrayList<>();
    /** How the first view since the last reset was made (null: "reshape_buf!"). */
    private String site;

    /** Whether the buffer is in reshape mode. */
    boolean active() {
        return !views.isEmpty();
    }

    /** What put the buffer in reshape mode, or null when it is not in it. */
    String mode() {
        return views.isEmpty() ? null : site != null ? site : "reshape_buf!";
    }

    /** Keeps a new view; {@code site} says what made it (null: "reshape_buf!"). */
    void add(Allocation view, String site) {
        if (views.isEmpty()) {
            this.site = site;
        }
        views.add(view);
    }

    /** The end of the furthest view (0 without views). */
    int end() {
        int end = 0;
        for (Allocation a : views) {
            end = Math.max(end, a.offset + a.length);
        }
        return end;
    }

    /** Ends every view, given back by {@code site}: the buffer leaves reshape mode. */
    void endAll(String site) {
        for (Allocation a : views) {
            a.end(site);
        }
        views.clear();
    }
}
