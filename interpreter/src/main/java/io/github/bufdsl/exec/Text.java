package io.github.bufdsl.exec;

import io.github.bufdsl.runtime.MemoryBudget;

/**
 * Strings and printed text a script makes ({@code string}, {@code *}, {@code ^}, {@code repeat},
 * {@code print}, {@code println}, {@code @show}), built with a limit: at most
 * {@link #MAX_LENGTH} characters, and no more than {@code --max-memory} leaves. A text that would
 * pass either is a {@link ScriptError} before the JVM runs out of memory. A string a script keeps
 * that is {@link #HELD} characters or longer takes its bytes from the budget while it is reachable.
 */
final class Text {
    /** The most characters one string or one printed text may have. */
    static final int MAX_LENGTH = 100_000_000;
    /** Strings at least this long count against the budget while the script can reach them. */
    static final int HELD = 1 << 16;

    private static final ThreadLocal<MemoryBudget> BUDGET = ThreadLocal.withInitial(() -> MemoryBudget.UNLIMITED);

    private final StringBuilder sb = new StringBuilder();
    private final MemoryBudget budget;
    private long limit;
    private boolean byBudget;
    private final String what;

    /** A text of at most the length limit and what the thread's budget leaves; {@code what} names it in errors. */
    Text(String what) {
        this.budget = BUDGET.get();
        this.what = what;
        fit();
    }

    /** A text of at most {@code limit} characters (for messages that show a value). */
    Text(String what, long limit) {
        this.budget = MemoryBudget.UNLIMITED;
        this.what = what;
        this.limit = limit;
    }

    /** The limit now: two bytes a character at worst, and a builder may hold twice its length while it grows. */
    private void fit() {
        long room = budget.available() / 4;
        limit = Math.min(MAX_LENGTH, room);
        byBudget = room < MAX_LENGTH;
    }

    /** Sets the budget the current thread's strings count against; returns the one before. */
    static MemoryBudget use(MemoryBudget budget) {
        MemoryBudget before = BUDGET.get();
        BUDGET.set(budget);
        return before;
    }

    /** Whether {@code more} characters would still fit; throws if not. */
    Text room(long more) {
        if (more > limit - sb.length()) {
            long need = sb.length() + more;
            if (byBudget && need <= MAX_LENGTH && budget.held() > 0) {
                // what unreachable buffers and strings hold comes back after a collection: ask for it
                try {
                    budget.reserve(what, 4 * need);
                    budget.release(4 * need);
                    fit();
                } catch (io.github.bufdsl.runtime.BufferException e) {
                    throw tooLong(need);
                }
            }
            if (more > limit - sb.length()) {
                throw tooLong(need);
            }
        }
        return this;
    }

    Text add(String s) {
        room(s.length());
        sb.append(s);
        return this;
    }

    Text add(char c) {
        room(1);
        sb.append(c);
        return this;
    }

    int length() {
        return sb.length();
    }

    @Override
    public String toString() {
        return sb.toString();
    }

    /** The text as a string value of the script, counted against the budget while reachable when long. */
    Value.Str value() {
        return string(sb.toString());
    }

    /** A string value, counted against the budget while reachable when long. */
    static Value.Str string(String s) {
        if (s.length() >= HELD) {
            BUDGET.get().hold(s, "a string of " + s.length() + " characters", 2L * s.length());
        }
        return new Value.Str(s);
    }

    private ScriptError tooLong(long length) {
        return new ScriptError(byBudget
                ? what + " would take more memory than --max-memory leaves (" + MemoryBudget.format(4 * limit)
                        + " free, for text of at most " + limit + " characters); raise --max-memory"
                : what + " would be longer than " + MAX_LENGTH + " characters, the most one string or printed text"
                        + " may have" + (length < Long.MAX_VALUE ? " (it needs at least " + length + ")" : ""));
    }
}
