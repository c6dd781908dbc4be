package io.github.bufdsl.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * numpy's {@code .npy} files: {@link #load} reads Float64 or Float32 arrays in C or Fortran order
 * into a tensor allocated from a buffer; {@link #save} writes a tensor in Fortran order (bufdsl's
 * own, so no reordering), Float64 or Float32 as its buffer holds them.
 *
 * <p>A file is untrusted input: its header is read with bounds (a header length against the
 * file's size and at most {@link #MAX_HEADER} bytes, at most 18 digits per dimension, no nesting
 * in the header's dictionary), the values are read in blocks straight into the tensor (nothing of
 * the file's size is held beside it), and every way a file can be wrong is a
 * {@link BufferException} with a message; no other exception leaves {@link #load}. Messages
 * never echo more than a few dozen characters of a file, with control characters escaped.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** The longest header bufdsl reads (numpy itself refuses headers over 10,000 bytes by default). */
    public static final int MAX_HEADER = 65536;
    /** The most dimensions a file may have (numpy allows 64). */
    public static final int MAX_RANK = 64;
    private static final int BLOCK = 1 << 16;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private Npy() {
    }

    /** What a header says. */
    record Header(boolean bigEndian, int width, boolean fortran, long[] shape, long dataStart) {
    }

    /**
     * Reads an array and allocates it from {@code buffer} as a column-major tensor of its shape.
     * Links in {@code file} are followed; a caller that confines files resolves them first.
     *
     * @throws BufferException if the file is not a .npy of Float64 or Float32, or cannot be read
     */
    public static Tensor load(Buffer buffer, Path file, String name) {
        return load(buffer, file, name, true);
    }

    /**
     * As {@link #load(Buffer, Path, String)}; without {@code followLinks}, a file that is a symbolic
     * link is refused when it is opened (for a caller that has resolved the path's links itself).
     */
    public static Tensor load(Buffer buffer, Path file, String name, boolean followLinks) {
        String shown = shown(file);
        try (FileChannel ch = followLinks ? FileChannel.open(file, StandardOpenOption.READ)
                : FileChannel.open(file, StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return load(buffer, ch, shown, name);
        } catch (NoSuchFileException e) {
            throw new BufferException("cannot read " + shown + ": no such file");
        } catch (FileSystemException e) {
            throw new BufferException("cannot read " + shown + ": " + reason(e));
        } catch (IOException e) {
            throw new BufferException("cannot read " + shown + ": " + e.getMessage());
        }
    }

    /**
     * As {@link #load(Buffer, Path, String)}, from a channel positioned anywhere ({@code shown}
     * names it in messages); the channel is not closed.
     *
     * @throws BufferException if the bytes are not a .npy of Float64 or Float32
     * @throws IOException if the channel cannot be read
     */
    public static Tensor load(Buffer buffer, SeekableByteChannel ch, String shown, String name) throws IOException {
        long size = ch.size();
        Header h = header(ch, size, shown);
        long n = 1;
        for (long d : h.shape()) {
            n = d == 0 || n == 0 ? 0 : n > Long.MAX_VALUE / d ? Long.MAX_VALUE : n * d;
        }
        long needed = n > Long.MAX_VALUE / h.width() ? Long.MAX_VALUE : n * h.width();
        if (size - h.dataStart() < needed) {
            throw new BufferException(shown + " has fewer values than its shape " + shapeText(h.shape())
                    + " needs (" + (size - h.dataStart()) + " bytes of data, " + (needed == Long.MAX_VALUE
                            ? "more than 2^63" : Long.toString(needed)) + " needed)");
        }
        Tensor t = buffer.alloc(name, h.shape());
        try {
            values(ch, h, t, n);
        } catch (IOException | RuntimeException e) {
            buffer.drop(t);
            throw e;
        }
        return t;
    }

    /** Reads and checks the header; the channel is left anywhere. */
    static Header header(SeekableByteChannel ch, long size, String shown) throws IOException {
        if (size < 10) {
            throw new BufferException(shown + " is not a .npy file (" + size + " bytes, shorter than any .npy header)");
        }
        ByteBuffer pre = ByteBuffer.allocate((int) Math.min(12, size)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, pre, 0);
        if (!Arrays.equals(Arrays.copyOf(pre.array(), 6), MAGIC)) {
            throw new BufferException(shown + " is not a .npy file");
        }
        int major = pre.get(6) & 0xff;
        if (major < 1 || major > 3) {
            throw new BufferException(shown + " is a .npy file of format version " + major
                    + "; bufdsl reads versions 1 to 3");
        }
        if (major > 1 && size < 12) {
            throw new BufferException(shown + " is cut short in its header");
        }
        long headerLength = major == 1 ? Short.toUnsignedInt(pre.getShort(8)) : Integer.toUnsignedLong(pre.getInt(8));
        int start = major == 1 ? 10 : 12;
        if (headerLength > size - start) {
            throw new BufferException(shown + " is cut short: its header says " + headerLength + " bytes, and the file has "
                    + (size - start) + " after the header's length");
        }
        if (headerLength > MAX_HEADER) {
            throw new BufferException(shown + " has a header of " + headerLength + " bytes; bufdsl reads headers of at"
                    + " most " + MAX_HEADER + " bytes");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLength);
        readFully(ch, hb, start);
        String text = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return parse(text, start + headerLength, shown);
    }

    /** The header's dictionary: {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }. */
    static Header parse(String text, long dataStart, String shown) {
        HeaderReader r = new HeaderReader(text, shown);
        String descr = null;
        Boolean fortran = null;
        long[] shape = null;
        r.expect('{');
        while (!r.peek('}')) {
            String key = r.string();
            r.expect(':');
            switch (key) {
                case "descr" -> descr = r.descr();
                case "fortran_order" -> fortran = r.bool();
                case "shape" -> shape = r.shape();
                default -> throw r.fail("the key '" + printable(key, 20) + "'; bufdsl knows descr, fortran_order and shape");
            }
            if (!r.peek('}')) {
                r.expect(',');
            }
        }
        r.expect('}');
        r.end();
        if (descr == null || fortran == null || shape == null) {
            throw new BufferException(shown + " has a header without "
                    + (descr == null ? "'descr'" : fortran == null ? "'fortran_order'" : "'shape'"));
        }
        if (!descr.matches("[<>|=]?f[48]")) {
            throw new BufferException(shown + " holds " + printable(descr, 20)
                    + "; bufdsl loads Float64 (<f8) and Float32 (<f4)");
        }
        boolean big = descr.startsWith(">") || (descr.startsWith("=") && ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN);
        return new Header(big, descr.endsWith("8") ? 8 : 4, fortran, shape, dataStart);
    }

    /** A reader of the header's Python literal: flat, so no input makes it recurse. */
    private static final class HeaderReader {
        private final String s;
        private final String shown;
        private int i;

        HeaderReader(String s, String shown) {
            this.s = s;
            this.shown = shown;
        }

        BufferException fail(String what) {
            return new BufferException(shown + " has a header bufdsl does not understand: " + what + " at character "
                    + (i + 1) + " of " + s.length() + " (" + printable(s.strip(), 60) + ")");
        }

        private void space() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n'
                    || s.charAt(i) == '\r')) {
                i++;
            }
        }

        boolean peek(char c) {
            space();
            if (i >= s.length()) {
                throw fail("the end of the header");
            }
            return s.charAt(i) == c;
        }

        void expect(char c) {
            if (!peek(c)) {
                throw fail("'" + printable(String.valueOf(s.charAt(i)), 4) + "' where '" + c + "' belongs");
            }
            i++;
        }

        void end() {
            space();
            if (i < s.length()) {
                throw fail("text after the dictionary");
            }
        }

        String string() {
            space();
            if (i >= s.length() || (s.charAt(i) != '\'' && s.charAt(i) != '"')) {
                throw fail(i >= s.length() ? "the end of the header" : "no quoted key");
            }
            char q = s.charAt(i++);
            int from = i;
            while (i < s.length() && s.charAt(i) != q) {
                if (s.charAt(i) == '\\' || i - from > 64) {
                    throw fail("a string bufdsl does not read (escapes, or longer than 64 characters)");
                }
                i++;
            }
            if (i >= s.length()) {
                throw fail("an unclosed string");
            }
            return s.substring(from, i++);
        }

        String descr() {
            space();
            if (i < s.length() && s.charAt(i) == '[') {
                throw new BufferException(shown + " holds a structured array (a list of fields); bufdsl loads Float64"
                        + " (<f8) and Float32 (<f4)");
            }
            return string();
        }

        boolean bool() {
            space();
            if (s.startsWith("True", i)) {
                i += 4;
                return true;
            }
            if (s.startsWith("False", i)) {
                i += 5;
                return false;
            }
            throw fail("no True or False");
        }

        long[] shape() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            while (!peek(')')) {
                if (dims.size() == MAX_RANK) {
                    throw new BufferException(shown + " has more than " + MAX_RANK + " dimensions");
                }
                int from = i;
                while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                    i++;
                }
                if (i == from) {
                    throw fail("a dimension that is not a whole number");
                }
                if (i - from > 18) {
                    throw new BufferException(shown + " has a dimension of " + (i - from) + " digits; bufdsl reads"
                            + " dimensions of at most 18");
                }
                if (i < s.length() && s.charAt(i) == 'L') {
                    i++; // Python 2's long integers, as old numpy wrote them
                }
                dims.add(Long.parseLong(s.substring(from, i).replace("L", "")));
                if (!peek(')')) {
                    expect(',');
                }
            }
            i++;
            return dims.stream().mapToLong(Long::longValue).toArray();
        }
    }

    private static void values(SeekableByteChannel ch, Header h, Tensor t, long n) throws IOException {
        int[] dims = t.dims();
        int[] idx = new int[dims.length];
        ByteBuffer block = ByteBuffer.allocate((int) Math.min(BLOCK, Math.max(8, n * h.width())))
                .order(h.bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        long pos = h.dataStart();
        long i = 0;
        while (i < n) {
            block.clear();
            block.limit((int) Math.min(block.capacity(), (n - i) * h.width()));
            readFully(ch, block, pos);
            pos += block.limit();
            block.flip();
            while (block.remaining() >= h.width()) {
                double v = h.width() == 8 ? block.getDouble() : block.getFloat();
                if (h.fortran() || dims.length < 2) {
                    t.setLinear(i, v);
                } else {
                    t.set(v, idx);
                    for (int k = dims.length - 1; k >= 0; k--) {
                        if (++idx[k] < dims[k]) {
                            break;
                        }
                        idx[k] = 0;
                    }
                }
                i++;
            }
        }
    }

    private static void readFully(SeekableByteChannel ch, ByteBuffer into, long position) throws IOException {
        ch.position(position);
        while (into.hasRemaining()) {
            if (ch.read(into) < 0) {
                throw new BufferException("the file ended while it was being read (did it change?)");
            }
        }
    }

    /**
     * Writes a tensor in Fortran order, as numpy's {@code np.load} reads it. The file is written
     * whole to a temporary file beside it, then moved onto its name (atomically where the file
     * system can), so a failed save leaves nothing behind and an existing file is replaced, never
     * written through (a hard link to it keeps the old contents).
     *
     * @throws BufferException if the file cannot be written; nothing is left then
     */
    public static void save(Path file, Tensor t) {
        t.checkLive();
        String shown = shown(file);
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            // created new (never through an existing name or link), with the permissions a new file gets
            Path part = dir.resolve(".bufdsl-" + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".npy.part");
            try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                tmp = part;
                write(ch, t);
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (FileSystemException e) {
            throw new BufferException("cannot write " + shown + ": " + reason(e));
        } catch (IOException e) {
            throw new BufferException("cannot write " + shown + ": " + e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // nothing more can be done; the temporary name starts with a dot
                }
            }
        }
    }

    private static void write(FileChannel ch, Tensor t) throws IOException {
        boolean single = t.buffer().elementType() == ElementType.FLOAT32;
        StringBuilder shape = new StringBuilder("(");
        for (int k = 0; k < t.rank(); k++) {
            shape.append(t.dim(k)).append(t.rank() == 1 ? "," : k + 1 < t.rank() ? ", " : "");
        }
        shape.append(')');
        String dict = "{'descr': '" + (single ? "<f4" : "<f8") + "', 'fortran_order': True, 'shape': " + shape + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer head = ByteBuffer.allocate(10 + header.length()).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length())
                .put(header.getBytes(StandardCharsets.ISO_8859_1)).flip();
        writeFully(ch, head);
        ByteBuffer block = ByteBuffer.allocate(BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < t.length(); i++) {
            if (block.remaining() < 8) {
                block.flip();
                writeFully(ch, block);
                block.clear();
            }
            if (single) {
                block.putFloat((float) t.getLinear(i));
            } else {
                block.putDouble(t.getLinear(i));
            }
        }
        block.flip();
        writeFully(ch, block);
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static String shown(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }

    /** Why a file operation failed, without the paths the exception carries. */
    private static String reason(FileSystemException e) {
        String r = e.getReason();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "it exists and cannot be replaced";
        }
        return r == null ? e.getClass().getSimpleName() : r;
    }

    private static String shapeText(long[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int k = 0; k < shape.length; k++) {
            sb.append(k > 0 ? ", " : "").append(shape[k]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /** At most {@code max} characters of {@code s}, control characters escaped, "..." when cut. */
    static String printable(String s, int max) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < s.length() && k < max; k++) {
            char c = s.charAt(k);
            if (c < 0x20 || (c >= 0x7f && c < 0xa0) || Character.isSurrogate(c) || c == 0xfffd) {
                sb.append(String.format("\\x%02x", (int) c & 0xffff));
            } else {
                sb.append(c);
            }
        }
        return s.length() > max ? sb + "..." : sb.toString();
    }
}
