package io.github.bufdsl.runtime;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A cap on the bytes that buffers may take together, checked before the memory is requested, so
 * that a program gets a clear {@link BufferException} naming the buffer and the request instead
 * of an OutOfMemoryError. Thread-safe; one budget may serve many buffers.
 */
public final class MemoryBudget {
    /** No cap beyond what the JVM has. */
    public static final MemoryBudget UNLIMITED = new MemoryBudget(Long.MAX_VALUE);

    private final long maxBytes;
    private final AtomicLong used = new AtomicLong();

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
        if (this == UNLIMITED || bytes <= 0) {
            return;
        }
        while (true) {
            long now = used.get();
            if (bytes > maxBytes - now) {
                throw new BufferException(what + " needs " + format(bytes) + ", but buffers may take "
                        + format(maxBytes) + " in all and " + format(now) + " are taken already (raise --max-memory,"
                        + " or the JVM's heap with -Xmx, if the machine has the memory)");
            }
            if (used.compareAndSet(now, now + bytes)) {
                return;
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

    /**
     * Parses a size: a number of bytes with an optional unit KB, MB, GB or TB (1024-based; "KiB" and
     * a bare "K" are accepted too).
     *
     * @throws IllegalArgumentException for anything else
     */
    public static long parse(String text) {
        String t = text.trim().toUpperCase(java.util.Locale.ROOT).replace("IB", "B").replace(" ", "");
        long unit = 1;
        String[] suffixes = {"TB", "GB", "MB", "KB", "T", "G", "M", "K", "B"};
        long[] factors = {1L << 40, 1L << 30, 1L << 20, 1L << 10, 1L << 40, 1L << 30, 1L << 20, 1L << 10, 1};
        for (int i = 0; i < suffixes.length; i++) {
            if (t.endsWith(suffixes[i])) {
                unit = factors[i];
                t = t.substring(0, t.length() - suffixes[i].length());
                break;
            }
        }
        try {
            double v = Double.parseDouble(t);
            if (v < 0 || Double.isNaN(v) || v * unit > Long.MAX_VALUE) {
                throw new IllegalArgumentException(text);
            }
            return (long) (v * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: " + text + " (use a number with KB, MB or GB, as 512MB)");
        }
    }
}
