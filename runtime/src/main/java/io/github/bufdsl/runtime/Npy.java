package io.github.bufdsl.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * numpy's {@code .npy} files: {@link #load} reads Float64 or Float32 arrays in C or Fortran order
 * into a tensor allocated from a buffer; {@link #save} writes a tensor in Fortran order (bufdsl's
 * own, so no reordering), Float64 or Float32 as its buffer holds them.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=]?)([fi])(\\d)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /**
     * Reads an array and allocates it from {@code buffer} as a column-major tensor of its shape.
     *
     * @throws BufferException if the file is not a .npy of Float64 or Float32, or cannot be read
     */
    public static Tensor load(Buffer buffer, Path file, String name) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BufferException("cannot read " + file.getFileName() + ": " + e.getMessage());
        }
        if (bytes.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new BufferException(file.getFileName() + " is not a .npy file");
        }
        int major = bytes[6];
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = major == 1 ? Short.toUnsignedInt(bb.getShort(8)) : bb.getInt(8);
        int start = major == 1 ? 10 : 12;
        if (start + headerLength > bytes.length) {
            throw new BufferException(file.getFileName() + " is cut short");
        }
        String header = new String(bytes, start, headerLength, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher o = ORDER.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !o.find() || !s.find()) {
            throw new BufferException(file.getFileName() + " has a header bufdsl does not understand: " + header.trim());
        }
        if (!d.group(2).equals("f") || !(d.group(3).equals("8") || d.group(3).equals("4"))) {
            throw new BufferException(file.getFileName() + " holds " + d.group(2) + d.group(3)
                    + "; bufdsl loads Float64 (<f8) and Float32 (<f4)");
        }
        boolean big = d.group(1).equals(">");
        int width = Integer.parseInt(d.group(3));
        boolean fortran = o.group(1).equals("True");
        List<Long> shape = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            if (!part.isBlank()) {
                shape.add(Long.parseLong(part.trim()));
            }
        }
        long[] dims = shape.stream().mapToLong(Long::longValue).toArray();
        Tensor t = buffer.alloc(name, dims);
        long n = t.length();
        ByteBuffer data = ByteBuffer.wrap(bytes, start + headerLength, bytes.length - start - headerLength)
                .order(big ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        if (data.remaining() < n * width) {
            buffer.drop(t);
            throw new BufferException(file.getFileName() + " has fewer values than its shape " + shape + " needs");
        }
        int[] idx = new int[dims.length];
        for (long i = 0; i < n; i++) {
            double v = width == 8 ? data.getDouble() : data.getFloat();
            if (fortran) {
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
        }
        return t;
    }

    /**
     * Writes a tensor in Fortran order, as numpy's {@code np.load} reads it.
     *
     * @throws BufferException if the file cannot be written
     */
    public static void save(Path file, Tensor t) {
        t.checkLive();
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
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.write(1);
        out.write(0);
        out.write(header.length() & 0xff);
        out.write(header.length() >> 8);
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer data = ByteBuffer.allocate((int) t.length() * (single ? 4 : 8)).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < t.length(); i++) {
            if (single) {
                data.putFloat((float) t.getLinear(i));
            } else {
                data.putDouble(t.getLinear(i));
            }
        }
        out.writeBytes(data.array());
        try {
            Files.write(file, out.toByteArray());
        } catch (IOException e) {
            throw new BufferException("cannot write " + file.getFileName() + ": " + e.getMessage());
        }
    }
}
