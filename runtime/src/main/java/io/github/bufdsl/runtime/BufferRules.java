package io.github.bufdsl.runtime;

import java.util.List;

/**
 * The rules of buffer discipline, once: a pure decision over a read-only view of one buffer's
 * stack ({@link StackView}) returning the {@link Violation} a step would commit, or null. {@link
 * Buffer} asks it on its slow paths (never on the fast path of an alloc/drop pair); the analyzer
 * asks it over its abstract stack. Each kind of violation has one message ({@link
 * Violation#message()}), so a script hears the same words whether {@code check} finds the problem
 * before running or the run meets it.
 */
public final class BufferRules {
    private BufferRules() {
    }

    /**
     * A read-only view of one buffer's stack of live allocations, as the runtime and the analyzer
     * each keep it; {@code T} is their handle of a tensor.
     */
    public interface StackView<T> {
        /** The buffer's name in messages. */
        String name();

        /** Live allocations on the stack. */
        int depth();

        /** How messages call the allocation {@code k} places from the top (0: the top). */
        String describeFromTop(int k);

        /** Where the live tensor {@code t} sits, counted from the top (0: the top); -1 when it is not on this stack. */
        int fromTop(T t);

        /** The name of the buffer {@code t}'s memory belongs to. */
        String owner(T t);

        /** True if {@code t} belongs to this buffer. */
        boolean owns(T t);

        /** How {@code t}'s memory was given back, or null while it is live. */
        String endedBy(T t);

        /** How messages call {@code t}. */
        String describe(T t);

        /** What put the buffer in reshape mode ({@code reshape_buf!}), or null when it is not in it. */
        String reshapeMode();

        /** How the buffer was closed, or null while it is open. */
        default String closedBy() {
            return null;
        }

        /** Elements the buffer holds, or -1 when not known. */
        long capacity();

        /** Whether the buffer may grow. */
        boolean extendable();

        /** Elements in use (where the next alloc starts), or -1 when not known. */
        long used();
    }

    /** What breaks a rule. Each kind has one message. */
    public sealed interface Violation {
        String message();

        /** A step on a closed buffer (the end of an {@code @buffer} block, {@code close()}). */
        record Closed(String buffer, String closedBy) implements Violation {
            public String message() {
                return buffer + " was closed by " + closedBy + "; nothing can be taken from it";
            }
        }

        /** {@code alloc!} or {@code drop!} on a buffer in reshape mode. */
        record InReshapeMode(String buffer, String since) implements Violation {
            public String message() {
                return buffer + " is in reshape mode since " + since + "; alloc!/drop! and reshape_buf! do not mix"
                        + " on one buffer: reset!(" + buffer + ") gives its views back";
            }
        }

        /** {@code reshape_buf!} on a buffer with tensors allocated. */
        record TensorsAllocated(String buffer, String last) implements Violation {
            public String message() {
                return buffer + " has tensors allocated (" + last + " is the last); reshape_buf! and alloc! do not mix"
                        + " on one buffer: reset!(" + buffer + ") first";
            }
        }

        /** A request that does not fit a buffer that may not grow. */
        record Overflow(String buffer, long capacity, long used, long request) implements Violation {
            public String message() {
                return String.format("buffer overflow: %s has %d elements, %d in use, %d free; the request needs %d",
                        buffer, capacity, used, capacity - used, request);
            }
        }

        /**
         * A buffer that may not grow, smaller than the peak of a whole run (the analyzer's summary of
         * {@link Overflow}); {@code scoped}: an {@code @buffer} buffer, which can never grow.
         */
        record SmallerThanPeak(String buffer, long capacity, long peak, String reachedAt, boolean scoped)
                implements Violation {
            public String message() {
                return buffer + " holds " + capacity + " elements but its peak is " + peak + " (reached at "
                        + reachedAt + "); make it at least " + peak + (scoped ? "" : " or let it grow (extend=true)");
            }
        }

        /** A tensor given back to a buffer it does not belong to. */
        record WrongBuffer(String tensor, String owner, String buffer) implements Violation {
            public String message() {
                return tensor + " belongs to " + owner + ", not " + buffer;
            }
        }

        /** A tensor given back twice. */
        record AlreadyGivenBack(String tensor, String endedBy) implements Violation {
            public String message() {
                return tensor + " was already dropped by " + endedBy;
            }
        }

        /** A tensor used after its memory was given back. */
        record UsedAfterGivenBack(String tensor, String endedBy) implements Violation {
            public String message() {
                return tensor + " was dropped by " + endedBy;
            }
        }

        /** The same tensor twice in one drop. */
        record GivenTwice(String tensor) implements Violation {
            public String message() {
                return tensor + " is given twice";
            }
        }

        /** A drop of tensors that together are not the top of the stack. */
        record NotOnTop(String tensor, String buffer, String last) implements Violation {
            public String message() {
                return tensor + " is not the last tensor allocated in " + buffer + "; "
                        + (last == null ? "nothing is allocated" : last + " is");
            }
        }

        /** A dimension below zero ({@code index} from 1); the call that asks for it names the tensor. */
        record NegativeDimension(long value, int index) implements Violation {
            public String message() {
                return "negative dimension " + value + " (dimension " + index + ")";
            }
        }

        /** A {@code reshape_buf!} offset below zero. */
        record NegativeOffset(long offset) implements Violation {
            public String message() {
                return "negative offset " + offset;
            }
        }

        /** An iteration of a parallel loop that ends still holding a buffer of a ThreadsBuffer. */
        record KeptByIteration(String loop, String pool) implements Violation {
            public String message() {
                return "an iteration of " + loop + " kept a buffer of " + pool + "; give it back with reset!(" + pool
                        + ") or release!(" + pool + ") before the iteration ends";
            }
        }

        /** A buffer made with a length below zero. */
        record NegativeLength(String buffer, long length) implements Violation {
            public String message() {
                return buffer + ": negative length " + length;
            }
        }
    }

    /** Taking {@code request} elements from the top ({@code alloc!}). */
    public static Violation alloc(StackView<?> s, long request) {
        if (s.closedBy() != null) {
            return new Violation.Closed(s.name(), s.closedBy());
        }
        if (s.reshapeMode() != null) {
            return new Violation.InReshapeMode(s.name(), s.reshapeMode());
        }
        return fits(s, s.used(), request);
    }

    /** A view of {@code length} elements at {@code offset} ({@code reshape_buf!}). */
    public static Violation reshape(StackView<?> s, long offset, long length) {
        if (s.closedBy() != null) {
            return new Violation.Closed(s.name(), s.closedBy());
        }
        if (s.depth() > 0) {
            return new Violation.TensorsAllocated(s.name(), s.describeFromTop(0));
        }
        if (offset < 0) {
            return new Violation.NegativeOffset(offset);
        }
        return fits(s, offset, length);
    }

    private static Violation fits(StackView<?> s, long from, long request) {
        long cap = s.capacity();
        if (!s.extendable() && cap >= 0 && from >= 0 && from + request > cap) {
            return new Violation.Overflow(s.name(), cap, from, request);
        }
        return null;
    }

    /**
     * Giving back {@code tensors} ({@code drop!}): each must belong to the buffer and be live, and
     * together, in any order, they must be the top of the stack.
     */
    public static <T> Violation drop(StackView<T> s, List<T> tensors) {
        if (s.reshapeMode() != null) {
            return new Violation.InReshapeMode(s.name(), s.reshapeMode());
        }
        for (T t : tensors) {
            if (!s.owns(t)) {
                return new Violation.WrongBuffer(s.describe(t), s.owner(t), s.name());
            }
            String ended = s.endedBy(t);
            if (ended != null) {
                return new Violation.AlreadyGivenBack(s.describe(t), ended);
            }
        }
        int k = tensors.size();
        boolean[] given = k <= 64 ? null : new boolean[k];
        long givenBits = 0;
        for (T t : tensors) {
            int fromTop = s.fromTop(t);
            if (fromTop < 0 || fromTop >= k) {
                return new Violation.NotOnTop(s.describe(t), s.name(), s.depth() == 0 ? null : s.describeFromTop(0));
            }
            boolean twice = given == null ? (givenBits & (1L << fromTop)) != 0 : given[fromTop];
            if (twice) {
                return new Violation.GivenTwice(s.describe(t));
            }
            if (given == null) {
                givenBits |= 1L << fromTop;
            } else {
                given[fromTop] = true;
            }
        }
        return null;
    }

    /** Reading or writing a tensor: its memory must not have been given back ({@code endedBy} null). */
    public static Violation use(String tensor, String endedBy) {
        return endedBy == null ? null : new Violation.UsedAfterGivenBack(tensor, endedBy);
    }

    /** Dimension {@code index} (from 1) of a new tensor. */
    public static Violation dimension(long value, int index) {
        return value < 0 ? new Violation.NegativeDimension(value, index) : null;
    }

    /** The end of an iteration of {@code loop}: it must not hold a buffer of the ThreadsBuffer {@code pool}. */
    public static Violation iterationEnd(String loop, String pool, boolean holdsBuffer) {
        return holdsBuffer ? new Violation.KeptByIteration(loop, pool) : null;
    }

    /** The length of a new buffer. */
    public static Violation length(String buffer, long length) {
        return length < 0 ? new Violation.NegativeLength(buffer, length) : null;
    }

    /**
     * The peak of a whole run against a buffer that may not grow (the analyzer's check, before
     * running, of every {@link Overflow} a run could meet).
     */
    public static Violation peak(String buffer, long capacity, boolean extendable, long peak, String reachedAt,
            boolean scoped) {
        return !extendable && capacity >= 0 && peak > capacity
                ? new Violation.SmallerThanPeak(buffer, capacity, peak, reachedAt, scoped) : null;
    }

    /** Throws the violation, if any, as a {@link BufferException}. */
    public static void check(Violation v) {
        if (v != null) {
            throw new BufferException(v);
        }
    }
}
