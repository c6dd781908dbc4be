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
        assertEquals("x.npy is not a .npy file", e.getMessage());
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
