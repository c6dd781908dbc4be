package io.github.bufdsl.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.RunOptions;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Npy;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --allow-io DIR} as an attacker tries it: symbolic links to files and folders outside,
 * dangling links, chains of links, {@code ..}, absolute paths, names that are not {@code .npy}.
 * Each refused access leaves the files outside as they were and creates nothing anywhere; links
 * that stay inside work. The links are made in a temporary folder: {@code io} is the folder a
 * script may use, {@code outside} its sibling.
 */
class FileConfinementTest {
    private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());
    private static final byte[] SECRET = {1, 2, 3};

    @TempDir
    Path tmp;
    Path io;
    Path outside;

    @BeforeEach
    void folders() throws Exception {
        io = Files.createDirectory(tmp.resolve("io"));
        outside = Files.createDirectory(tmp.resolve("outside"));
        Files.createDirectory(io.resolve("sub"));
        Files.write(outside.resolve("secret.npy"), SECRET);
        Files.write(outside.resolve("secret.txt"), SECRET);
        save(io.resolve("in.npy"), 1, 2, 3);
    }

    private static void save(Path file, double... values) {
        Buffer b = new Buffer(values.length);
        var t = b.alloc("T", values.length);
        for (int i = 0; i < values.length; i++) {
            t.setLinear(i, values[i]);
        }
        Npy.save(file, t);
    }

    private void link(String name, String target) throws IOException {
        try {
            Files.createSymbolicLink(io.resolve(name), Path.of(target));
        } catch (UnsupportedOperationException | IOException e) {
            Assumptions.abort("this file system makes no symbolic links: " + e);
        }
    }

    /** Runs {@code statement} after A (three elements) is made; returns the error's message, or null. */
    private String run(String statement) throws ScriptException {
        BufScript script = BufScript.fromString("io.buf", "buf = Buffer(0)\nA = alloc!(buf, 3)\nfill!(A, 7.0)\n"
                + statement + "\n");
        try {
            script.run(Map.of(), NOWHERE, new RunOptions(null, 0, 0, 1L << 30, 0, io), r -> { });
            return null;
        } catch (ScriptException e) {
            assertEquals(1, e.exitCode(), e.formatted());
            assertTrue(e.formatted().startsWith("io.buf:4:"), e.formatted());
            return e.formatted();
        }
    }

    private void refused(String statement, String why) throws Exception {
        String message = run(statement);
        assertTrue(message != null && message.contains(why), statement + " gave " + message);
        assertUntouched();
    }

    /** Outside is as it was, and nothing in either folder is new but what the test made. */
    private void assertUntouched() throws IOException {
        assertArrayEquals(SECRET, Files.readAllBytes(outside.resolve("secret.npy")));
        try (Stream<Path> files = Files.list(outside)) {
            assertEquals(List.of("secret.npy", "secret.txt"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        try (Stream<Path> files = Files.walk(io)) {
            List<String> left = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".part") || n.startsWith(".bufdsl")).toList();
            assertEquals(List.of(), left, "temporary files left behind");
        }
    }

    @Test
    void aLinkToAFileOutsideIsNeitherReadNorWritten() throws Exception {
        link("s.npy", "../outside/secret.npy");
        refused("X = load(buf, \"s.npy\")", "s.npy leads outside the folder --allow-io gives");
        refused("save(\"s.npy\", A)", "s.npy is a symbolic link that leads outside");
    }

    @Test
    void aLinkToAFolderOutsideIsNeitherReadNorWrittenThrough() throws Exception {
        link("out", "../outside");
        refused("X = load(buf, \"out/secret.npy\")", "leads outside the folder --allow-io gives");
        refused("save(\"out/new.npy\", A)", "leads outside the folder --allow-io gives");
        refused("save(\"out/secret.npy\", A)", "leads outside the folder --allow-io gives");
        link("deep", "../outside/../outside");
        refused("save(\"deep/new.npy\", A)", "leads outside");
    }

    @Test
    void aDanglingLinkDoesNotCreateItsTarget() throws Exception {
        link("d.npy", "../outside/created.npy");
        refused("save(\"d.npy\", A)", "d.npy is a symbolic link to nothing (dangling)");
        refused("X = load(buf, \"d.npy\")", "dangling");
        link("dsub", "../outside/nofolder");
        refused("save(\"dsub/x.npy\", A)", "does not exist below the --allow-io folder");
        assertFalse(Files.exists(outside.resolve("created.npy")));
        assertFalse(Files.exists(outside.resolve("nofolder")));
    }

    @Test
    void chainsOfLinksAreFollowedToTheirEnd() throws Exception {
        link("a.npy", "b.npy");
        link("b.npy", "../outside/secret.npy");
        refused("X = load(buf, \"a.npy\")", "leads outside");
        refused("save(\"a.npy\", A)", "leads outside");
        link("c.npy", "e.npy");
        link("e.npy", "in.npy");
        assertEquals(null, run("X = load(buf, \"c.npy\"); save(\"copy.npy\", X)"));
        assertEquals(6.0, Npy.load(new Buffer(0), io.resolve("copy.npy"), "X").sum());
        link("loop1.npy", "loop2.npy");
        link("loop2.npy", "loop1.npy");
        refused("X = load(buf, \"loop1.npy\")", "loop1.npy");
        refused("save(\"loop1.npy\", A)", "loop1.npy");
        assertUntouched();
    }

    @Test
    void linksThatStayInsideWork() throws Exception {
        link("inside.npy", "in.npy");
        link("s", "sub");
        assertEquals(null, run("X = load(buf, \"inside.npy\")\nsave(\"s/A.npy\", A)\nsave(\"inside.npy\", A)"));
        assertEquals(21.0, Npy.load(new Buffer(0), io.resolve("sub/A.npy"), "A").sum());
        assertTrue(Files.isSymbolicLink(io.resolve("inside.npy")), "the link stays a link");
        assertEquals(21.0, Npy.load(new Buffer(0), io.resolve("in.npy"), "A").sum(), "written to the link's target");
        assertUntouched();
    }

    @Test
    void dotDotAndAbsolutePathsAreRefused() throws Exception {
        refused("save(\"../outside/x.npy\", A)", "is outside the folder --allow-io gives");
        refused("save(\"sub/../../outside/x.npy\", A)", "is outside the folder --allow-io gives");
        refused("X = load(buf, \"../outside/secret.npy\")", "is outside the folder --allow-io gives");
        String inside = io.resolve("abs.npy").toAbsolutePath().toString();
        refused("save(\"" + inside.replace("\\", "\\\\") + "\", A)", "is an absolute path");
        String secret = outside.resolve("secret.npy").toAbsolutePath().toString();
        refused("X = load(buf, \"" + secret.replace("\\", "\\\\") + "\")", "is an absolute path");
        assertFalse(Files.exists(io.resolve("abs.npy")));
        assertEquals(null, run("save(\"sub/../ok.npy\", A)"));
        assertTrue(Files.exists(io.resolve("ok.npy")));
    }

    @Test
    void onlyNpyFilesAreReadOrWritten() throws Exception {
        refused("save(\"x.txt\", A)", "bufdsl reads and writes .npy files only");
        refused("save(\"x\", A)", ".npy files only");
        refused("save(\"sub\", A)", ".npy files only");
        Files.write(io.resolve("notes.txt"), SECRET);
        refused("X = load(buf, \"notes.txt\")", ".npy files only");
        link("t.npy", "notes.txt");
        refused("X = load(buf, \"t.npy\")", "is a link to a file that is not .npy");
        refused("save(\"t.npy\", A)", "is a link to a file that is not .npy");
        assertArrayEquals(SECRET, Files.readAllBytes(io.resolve("notes.txt")));
        Files.createDirectory(io.resolve("dir.npy"));
        refused("save(\"dir.npy\", A)", "is not a regular file");
        refused("X = load(buf, \"dir.npy\")", "is not a regular file");
        assertFalse(Files.exists(io.resolve("x.txt")) || Files.exists(io.resolve("x")));
    }

    @Test
    void saveIsAtomicAndNeverWritesThroughAHardLink() throws Exception {
        Path old = io.resolve("old.npy");
        save(old, 5, 5);
        Path hard = outside.resolve("hard.npy");
        try {
            Files.createLink(hard, old);
        } catch (UnsupportedOperationException | IOException e) {
            Assumptions.abort("no hard links here: " + e);
        }
        assertEquals(null, run("save(\"old.npy\", A)"));
        assertEquals(21.0, Npy.load(new Buffer(0), old, "A").sum());
        assertEquals(10.0, Npy.load(new Buffer(0), hard, "A").sum(), "the file outside keeps its contents");
        Files.delete(hard);
        // a failed save (the tensor was given back: found before or while running) leaves the old
        // file and nothing else
        for (String name : new String[] {"old.npy", "fresh.npy"}) {
            BufScript dropped = BufScript.fromString("io.buf", "buf = Buffer(0)\nA = alloc!(buf, 3)\n"
                    + "drop!(buf, A)\nsave(\"" + name + "\", A)\n");
            assertThrows(ScriptException.class, () -> dropped.run(Map.of(), NOWHERE,
                    new RunOptions(null, 0, 0, 1L << 30, 0, io), r -> { }));
            assertUntouched();
        }
        assertEquals(21.0, Npy.load(new Buffer(0), old, "A").sum());
        assertFalse(Files.exists(io.resolve("fresh.npy")));
    }

    @Test
    void withoutAllowIoNothingIsTouchedAndAMissingFolderIsRefused() throws Exception {
        BufScript script = BufScript.fromString("io.buf", "buf = Buffer(0)\nA = alloc!(buf, 3)\nsave(\"x.npy\", A)\n");
        ScriptException off = assertThrows(ScriptException.class, () -> script.run(Map.of(), NOWHERE));
        assertTrue(off.getMessage().contains("file access is off"), off.getMessage());
        ScriptException gone = assertThrows(ScriptException.class, () -> script.run(Map.of(), NOWHERE,
                new RunOptions(null, 0, 0, 1L << 30, 0, tmp.resolve("nosuch")), r -> { }));
        assertTrue(gone.getMessage().contains("the --allow-io folder does not exist"), gone.getMessage());
        assertFalse(Files.exists(tmp.resolve("nosuch")));
    }
}
