package io.github.bufdsl.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.BufferException;
import io.github.bufdsl.runtime.ElementType;
import io.github.bufdsl.runtime.MemoryBudget;
import io.github.bufdsl.runtime.Npy;
import io.github.bufdsl.runtime.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile {@code .npy} files: valid files with bytes flipped, cut or inserted, header lengths past
 * the file (0xFFFFFFF0 in a few bytes), headers made of random dictionary pieces (dimensions of up
 * to 40 digits, shapes nested thousands deep, unknown keys and types, control characters). Loading
 * gives a tensor whose values the file holds, or a {@link BufferException} with a short printable
 * message; never another exception, an out-of-memory error or a stack overflow, and never more
 * memory than the budget.
 */
class NpyFuzzTest {
    private static Path dir;

    @BeforeContainer
    static void folder() throws IOException {
        dir = Files.createTempDirectory("npyfuzz");
    }

    @AfterContainer
    static void clean() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private static final String[] PIECES = {"{", "}", "(", ")", "[", "]", ",", ":", " ", "'descr'", "'<f8'", "'<f4'",
        "'>f8'", "'|u1'", "'<i8'", "'fortran_order'", "True", "False", "'shape'", "0", "1", "2", "3", "17",
        "999999999999999999999999999", "-1", "2L", "'x'", "\"descr\"", "'\\x'", "\u0000", "\u001b[31m", "\n", "'", "\"",
        "None", "1.5", "{'a': 1}", "[('a', '<f8')]"};

    @Provide
    Arbitrary<byte[]> files() {
        Arbitrary<byte[]> mutated = Arbitraries.longs().map(NpyFuzzTest::mutated);
        Arbitrary<byte[]> pieces = Arbitraries.of(PIECES).list().ofMaxSize(40)
                .map(l -> withHeader(String.join("", l), 1, 64));
        Arbitrary<byte[]> dicts = Arbitraries.longs().map(NpyFuzzTest::dict);
        Arbitrary<byte[]> nested = Arbitraries.integers().between(1, 20000)
                .map(n -> withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': " + "(".repeat(n) + "2"
                        + ")".repeat(n) + ", }", n % 3 == 0 ? 2 : 1, 16));
        Arbitrary<byte[]> lengths = Arbitraries.longs().between(0, 0xFFFFFFFFL).map(NpyFuzzTest::badLength);
        return Arbitraries.frequencyOf(Tuple.of(4, mutated), Tuple.of(2, pieces), Tuple.of(3, dicts), Tuple.of(1, nested),
                Tuple.of(1, lengths));
    }

    /** A valid file of random shape, order and type with a few random edits. */
    static byte[] mutated(long seed) {
        Random rnd = new Random(seed);
        int rank = rnd.nextInt(4);
        StringBuilder shape = new StringBuilder("(");
        long n = 1;
        for (int k = 0; k < rank; k++) {
            int d = rnd.nextInt(4);
            n *= d;
            shape.append(d).append(rank == 1 ? "," : k + 1 < rank ? ", " : "");
        }
        shape.append(')');
        boolean single = rnd.nextBoolean();
        String dict = "{'descr': '" + (rnd.nextBoolean() ? "<" : ">") + (single ? "f4" : "f8") + "', 'fortran_order': "
                + (rnd.nextBoolean() ? "True" : "False") + ", 'shape': " + shape + ", }";
        byte[] file = withHeader(dict, 1 + rnd.nextInt(3), (int) n * (single ? 4 : 8));
        int edits = rnd.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = rnd.nextInt(file.length);
            switch (rnd.nextInt(4)) {
                case 0 -> file[at] = (byte) rnd.nextInt(256);
                case 1 -> file = java.util.Arrays.copyOf(file, at);
                case 2 -> file[Math.min(file.length - 1, 6 + rnd.nextInt(6))] = (byte) rnd.nextInt(256);
                default -> {
                    byte[] longer = new byte[file.length + 1 + rnd.nextInt(8)];
                    System.arraycopy(file, 0, longer, 0, at);
                    System.arraycopy(file, at, longer, longer.length - (file.length - at), file.length - at);
                    file = longer;
                }
            }
            if (file.length == 0) {
                break;
            }
        }
        return file;
    }

    /** A dictionary of random keys and values, some right and most wrong. */
    static byte[] dict(long seed) {
        Random rnd = new Random(seed);
        StringBuilder s = new StringBuilder("{");
        int entries = rnd.nextInt(5);
        for (int e = 0; e < entries; e++) {
            String[] keys = {"'descr'", "'fortran_order'", "'shape'", "'other'", "descr", "'shape"};
            s.append(keys[rnd.nextInt(keys.length)]).append(rnd.nextInt(8) == 0 ? " " : ": ");
            switch (rnd.nextInt(4)) {
                case 0 -> s.append(new String[] {"'<f8'", "'<f4'", "'=f8'", "'<c16'", "'O'"}[rnd.nextInt(5)]);
                case 1 -> s.append(rnd.nextBoolean() ? "True" : "False");
                case 2 -> {
                    s.append('(');
                    int dims = rnd.nextInt(80);
                    for (int k = 0; k < dims; k++) {
                        int digits = 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 40);
                        for (int d = 0; d < digits; d++) {
                            s.append((char) ('0' + rnd.nextInt(10)));
                        }
                        s.append(rnd.nextInt(10) == 0 ? "" : ", ");
                    }
                    s.append(rnd.nextInt(10) == 0 ? "" : ")");
                }
                default -> s.append((char) rnd.nextInt(0x800));
            }
            s.append(rnd.nextInt(10) == 0 ? "" : ", ");
        }
        s.append(rnd.nextInt(10) == 0 ? "" : "}");
        return withHeader(s.toString(), 1 + rnd.nextInt(3), rnd.nextInt(200));
    }

    /** A header whose length field says {@code length}, in a file of a few bytes. */
    static byte[] badLength(long length) {
        ByteBuffer b = ByteBuffer.allocate(13).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt((int) length).put((byte) '{');
        return b.array();
    }

    static byte[] withHeader(String dict, int version, int dataBytes) {
        byte[] text = (dict + "\n").getBytes(version == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int start = version == 1 ? 10 : 12;
        ByteBuffer b = ByteBuffer.allocate(start + text.length + Math.max(0, dataBytes)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) {
            b.putShort((short) text.length);
        } else {
            b.putInt(text.length);
        }
        b.put(text);
        for (int i = 0; i < dataBytes; i++) {
            b.put((byte) (i * 7));
        }
        return b.array();
    }

    @Property(tries = 1000, seed = "17")
    void loadGivesATensorOrAMessage(@ForAll("files") byte[] bytes) throws IOException {
        MemoryBudget budget = new MemoryBudget(1 << 20);
        for (ElementType type : ElementType.values()) {
            Buffer buf = new Buffer(0, true, budget, "buf", type);
            try {
                Tensor t = Npy.load(buf, new Bytes(bytes), "f.npy", "X");
                assertTrue(t.length() * 4 <= bytes.length, "a tensor larger than the file");
                buf.drop(t);
            } catch (BufferException e) {
                String m = e.getMessage();
                assertTrue(m != null && !m.isEmpty() && m.length() < 400, "message: " + m);
                assertTrue(m.chars().noneMatch(c -> c < 0x20 || c == 0x7f), "a control character in: " + m);
            } finally {
                buf.close();
            }
        }
    }

    /** Files through the file system too (a few: writing files is slow on some machines). */
    @Property(tries = 30, seed = "18")
    void loadFromFilesGivesATensorOrAMessage(@ForAll("files") byte[] bytes) throws IOException {
        Path file = dir.resolve("f.npy");
        Files.write(file, bytes);
        Buffer buf = new Buffer(0, true, new MemoryBudget(1 << 20), "buf");
        try {
            Npy.load(buf, file, "X");
        } catch (BufferException e) {
            assertTrue(e.getMessage().startsWith("f.npy ") || e.getMessage().startsWith("the file ended")
                    || e.getMessage().startsWith("cannot read f.npy"),
                    e.getMessage());
        }
    }

    /** A read-only channel over bytes in memory. */
    static final class Bytes implements SeekableByteChannel {
        private final byte[] bytes;
        private long position;

        Bytes(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (position >= bytes.length) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), bytes.length - position);
            dst.put(bytes, (int) position, n);
            position += n;
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public SeekableByteChannel position(long p) {
            position = p;
            return this;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
