package io.github.bufdsl.runtime;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cap on the bytes that buffers may take together, checked before the memory is requested, so
 * that a program gets a clear {@link BufferException} naming the buffer and the request instead
 * of an OutOfMemoryError. Thread-safe; one budget may serve many buffers.
 *
 * <p>Memory taken with {@link #hold} belongs to an object (a buffer, a long string) and comes back
 * when the object is released or becomes unreachable, as Julia's garbage collector frees what a
 * program can no longer reach: a {@link Cleaner} gives it back after the JVM collects the object.
 * When a request does not fit while such memory is taken, the budget asks the JVM to collect
 * (as the JDK does for direct memory) and waits briefly for what comes back before refusing.
 */
public final class MemoryBudget {
    /** No cap beyond what the JVM has. */
    public static final MemoryBudget UNLIMITED = new MemoryBudget(Long.MAX_VALUE);

    private static final Cleaner CLEANER = Cleaner.create();

    private final long maxBytes;
    private final AtomicLong used = new AtomicLong();
    /** Bytes held by objects that may become unreachable (and so come back after a collection). */
    private final AtomicLong held = new AtomicLong();

    /**
     * Memory an object holds: given back once, by {@link #release} or when the object becomes
     * unreachable. Refers to the budget, never to the object.
     */
    public final class Hold {
        private final AtomicLong bytes = new AtomicLong();
        private final Cleaner.Cleanable cleanable;

        private Hold(Object holder, long bytes) {
            this.bytes.set(bytes);
            held.addAndGet(bytes);
            this.cleanable = CLEANER.register(holder, this::giveBack);
        }

        /**
         * Takes {@code more} bytes for the same object.
         *
         * @throws BufferException as {@link MemoryBudget#reserve}; nothing is taken then
         */
        public void add(String what, long more) {
            reserve(what, more);
            bytes.addAndGet(more);
            held.addAndGet(more);
        }

        /** Gives back {@code less} of the bytes held (what {@link #add} took for a growth that failed). */
        public void shrink(long less) {
            bytes.addAndGet(-less);
            held.addAndGet(-less);
            MemoryBudget.this.release(less);
        }

        /** Gives back what the object holds, now (at most once; later calls do nothing). */
        public void release() {
            cleanable.clean();
        }

        /** Bytes held now. */
        public long bytes() {
            return bytes.get();
        }

        private void giveBack() {
            long b = bytes.getAndSet(0);
            held.addAndGet(-b);
            MemoryBudget.this.release(b);
        }
    }

    /**
     * Takes {@code bytes} for {@code holder} until it is released or unreachable.
     *
     * @throws BufferException as {@link #reserve}; nothing is taken then
     */
    public Hold hold(Object holder, String what, long bytes) {
        reserve(what, bytes);
        return new Hold(holder, Math.max(0, bytes));
    }

    /** Bytes that objects which may become unreachable hold now. */
    public long held() {
        return held.get();
    }

    public MemoryBudget(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("negative memory budget " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** A budget of a fraction of the JVM's maximum heap. */
    public static MemoryBudget fractionOfHeap(double fraction) {
        return new MemoryBudget((long) (Runtime.getRuntime().maxMemory() * fraction));
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Bytes taken now. */
    public long used() {
        return used.get();
    }

    /**
     * Takes {@code bytes} from the budget.
     *
     * @throws BufferException naming {@code what} when the budget does not have them; nothing is taken then
     */
    public void reserve(String what, long bytes) {
        if (this == UNLIMITED || bytes <= 0 || tryReserve(bytes)) {
            return;
        }
        // objects that can no longer be reached may still hold memory until the JVM collects them
        for (int attempt = 0; attempt < 8 && held.get() > 0 && bytes <= maxBytes - used.get() + held.get(); attempt++) {
            System.gc();
            try {
                Thread.sleep(1L << attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (tryReserve(bytes)) {
                return;
            }
        }
        long now = used.get();
        throw new BufferException(what + " needs " + format(bytes) + ", but buffers may take "
                + format(maxBytes) + " in all and " + format(now) + " are taken already (raise --max-memory,"
                + " or the JVM's heap with -Xmx, if the machine has the memory)");
    }

    /** Bytes the budget has left now. */
    public long available() {
        return this == UNLIMITED ? Long.MAX_VALUE : Math.max(0, maxBytes - used.get());
    }

    private boolean tryReserve(long bytes) {
        while (true) {
            long now = used.get();
            if (bytes > maxBytes - now) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** Gives bytes back to the budget. */
    public void release(long bytes) {
        if (this != UNLIMITED && bytes > 0) {
            used.addAndGet(-bytes);
        }
    }

    /** "512 MB", "2.5 GB", "100 bytes". */
    public static String format(long bytes) {
        String[] units = {"bytes", "KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " bytes" : (v == Math.rint(v) ? Long.toString((long) v) : String.format("%.1f", v))
                + " " + units[u];
    }

    /** What a size is, said when one is not. */
    public static final String SIZE_RULE = "a size is a positive number with an optional KB, MB or GB, as 512MB";

    private static final java.util.regex.Pattern SIZE = java.util.regex.Pattern.compile(
            "(\\d{1,20}(?:\\.\\d{1,20})?(?:E[+-]?\\d{1,4})?)\\s*(B|K|KB|KIB|M|MB|MIB|G|GB|GIB|T|TB|TIB)?");

    /**
     * Parses a size: a positive number of bytes (digits, an optional fraction and exponent) and an optional
     * unit KB, MB, GB or TB (1024-based; "KiB" and a bare "K" are accepted too), at most
     * {@link Long#MAX_VALUE} bytes.
     *
     * @throws IllegalArgumentException with the reason, for anything else
     */
    public static long parse(String text) {
        String t = text.strip();
        java.util.regex.Matcher m = SIZE.matcher(t.toUpperCase(java.util.Locale.ROOT));
        if (t.startsWith("-")) {
            throw new IllegalArgumentException("a size cannot be negative; " + SIZE_RULE);
        }
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size; " + SIZE_RULE);
        }
        String u = m.group(2) == null ? "B" : m.group(2).substring(0, 1);
        int shift = switch (u) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        java.math.BigDecimal value = new java.math.BigDecimal(m.group(1))
                .multiply(java.math.BigDecimal.valueOf(1L << shift));
        if (value.signum() == 0) {
            throw new IllegalArgumentException("a size cannot be 0; " + SIZE_RULE);
        }
        if (value.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("larger than any machine's memory (at most " + format(Long.MAX_VALUE)
                    + ")");
        }
        long bytes = value.longValue();
        if (bytes == 0) {
            throw new IllegalArgumentException("less than one byte; " + SIZE_RULE);
        }
        return bytes;
    }
}
