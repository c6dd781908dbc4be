package io.github.bufdsl.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.RunOptions;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.BufferException;
import io.github.bufdsl.runtime.ElementType;
import io.github.bufdsl.runtime.MemoryBudget;
import io.github.bufdsl.runtime.Npy;
import io.github.bufdsl.runtime.Tensor;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .npy files numpy wrote (test resources, made by npy/make_fixtures.py), read and written back. */
class NpyTest {
    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
    }

    @Test
    void numpysFilesLoadInBothOrdersAndTypes() throws Exception {
        Buffer buf = new Buffer(0);
        for (String f : new String[] {"c_f8.npy", "fortran_f8.npy", "c_f4.npy"}) {
            Tensor a = Npy.load(buf, fixture(f), "A");
            assertArrayEquals(new int[] {2, 3}, a.dims(), f);
            assertEquals(1.0, a.get(0, 0), f);
            assertEquals(3.0, a.get(0, 2), f);
            assertEquals(4.0, a.get(1, 0), f);
            assertEquals(6.0, a.get(1, 2), f);
        }
        Tensor cube = Npy.load(buf, fixture("cube_f8.npy"), "cube");
        assertEquals(1 * 12 + 2 * 4 + 3, cube.get(1, 2, 3));
    }

    @Test
    void saveWritesFortranOrderThatLoadsBack(@TempDir Path dir) throws Exception {
        Buffer buf = new Buffer(0);
        Tensor cube = Npy.load(buf, fixture("cube_f8.npy"), "cube");
        Path out = dir.resolve("cube.npy");
        Npy.save(out, cube);
        String header = new String(Files.readAllBytes(out), 0, 128, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 4), }"), header);
        assertEquals(0, (Files.size(out) - 24 * 8) % 64, "the header is padded to 64 bytes");
        Tensor back = Npy.load(buf, out, "back");
        assertArrayEquals(cube.toArray(), back.toArray());

        Buffer single = new Buffer(6, false, MemoryBudget.UNLIMITED, "single", ElementType.FLOAT32);
        Tensor f = single.alloc("F", 6);
        f.fill(0.5);
        Npy.save(dir.resolve("f.npy"), f);
        assertTrue(new String(Files.readAllBytes(dir.resolve("f.npy")), 0, 64,
                java.nio.charset.StandardCharsets.ISO_8859_1).contains("'<f4'"));
        assertEquals(0.5, Npy.load(buf, dir.resolve("f.npy"), "G").get(5));
    }

    @Test
    void aFileThatIsNotNpyIsRefusedClearly(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("x.npy"), "hello");
        BufferException e = assertThrows(BufferException.class, () -> Npy.load(new Buffer(0), dir.resolve("x.npy"), "X"));
        assertTrue(e.getMessage().startsWith("x.npy is not a .npy file"), e.getMessage());
    }

    @Test
    void hostileHeadersAreRefusedWithAReason(@TempDir Path dir) throws Exception {
        String[][] cases = {
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (123456789012345678901234567, 2), }",
                "has a dimension of 27 digits; bufdsl reads dimensions of at most 18"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': " + "(".repeat(5000) + "2" + ")".repeat(5000) + ", }",
                "a header bufdsl does not understand: a dimension that is not a whole number"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000000000, 4000), }",
                "has fewer values than its shape (100000000000000000, 4000) needs"},
            {"{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", "holds <i8; bufdsl loads Float64"},
            {"{'descr': '<f8', 'fortran_order': False, }", "has a header without 'shape'"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x\u001b[2J': 1}", "the key 'x\\x1b[2J'"},
        };
        for (String[] c : cases) {
            byte[] text = (c[0] + "\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12 + text.length + 16)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(text.length).put(text);
            Files.write(dir.resolve("h.npy"), b.array());
            BufferException e = assertThrows(BufferException.class,
                    () -> Npy.load(new Buffer(0), dir.resolve("h.npy"), "X"));
            assertTrue(e.getMessage().startsWith("h.npy ") && e.getMessage().contains(c[1]), e.getMessage());
            assertTrue(e.getMessage().length() < 300, e.getMessage());
        }
        // a header length of 0xFFFFFFF0 in a 13-byte file
        Files.write(dir.resolve("cut.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0,
            (byte) 0xF0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, '{'});
        BufferException cut = assertThrows(BufferException.class,
                () -> Npy.load(new Buffer(0), dir.resolve("cut.npy"), "X"));
        assertEquals("cut.npy is cut short: its header says 4294967280 bytes, and the file has 1 after the header's"
                + " length", cut.getMessage());
    }

    @Test
    void largeFilesAreReadInBlocksAndCountAgainstTheBudget(@TempDir Path dir) throws Exception {
        Buffer big = new Buffer(0);
        Tensor t = big.alloc("T", 300, 500);
        for (long i = 0; i < t.length(); i++) {
            t.setLinear(i, i);
        }
        Npy.save(dir.resolve("t.npy"), t);
        Tensor back = Npy.load(new Buffer(0), dir.resolve("t.npy"), "B");
        assertArrayEquals(t.toArray(), back.toArray());
        BufferException e = assertThrows(BufferException.class, () -> Npy.load(
                new Buffer(0, true, new MemoryBudget(100_000), "small"), dir.resolve("t.npy"), "B"));
        assertTrue(e.getMessage().contains("buffers may take"), e.getMessage());
    }

    @Test
    void scriptsReadAndWriteOnlyBelowTheAllowedFolder(@TempDir Path dir) throws Exception {
        Files.copy(fixture("c_f8.npy"), dir.resolve("in.npy"));
        BufScript script = BufScript.fromString("io.buf", """
                buf = Buffer(0)
                X = load(buf, "in.npy")
                Y = alloc!(buf, 3, 3)
                @tensor Y[i, k] = X[j, i] * X[j, k]
                save("out/Y.npy", Y)
                """);
        Files.createDirectory(dir.resolve("out"));
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        ScriptException off = assertThrows(ScriptException.class, () -> script.run(Map.of(), nowhere));
        assertTrue(off.getMessage().contains("file access is off"), off.getMessage());
        RunOptions allowed = new RunOptions(null, 0, 0, 1L << 30, 0, dir);
        script.run(Map.of(), nowhere, allowed, r -> { });
        Tensor y = Npy.load(new Buffer(0), dir.resolve("out/Y.npy"), "Y");
        // X = [1 2 3; 4 5 6]: (X'X)[1,1] = 1 + 16, [2,3] = 2*3 + 5*6
        assertEquals(17.0, y.get(0, 0));
        assertEquals(36.0, y.get(1, 2));
        BufScript escape = BufScript.fromString("esc.buf", "buf = Buffer(0)\nX = load(buf, \"../secret.npy\")\n");
        ScriptException outside = assertThrows(ScriptException.class,
                () -> escape.run(Map.of(), nowhere, allowed, r -> { }));
        assertTrue(outside.getMessage().contains("outside the folder"), outside.getMessage());
    }
}
