package io.github.bufdsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every example through the CLI entry point, in-process. Each folder with scripts has a
 * {@code TESTS} manifest, one case per line: {@code CASE EXIT ARGS...}; the case's expected stdout
 * is {@code CASE.out} and, when present, its expected stderr {@code CASE.err}. Paths in ARGS are
 * relative to the folder, so diagnostics name files as a user in that folder would see them.
 *
 * <p>Run with {@code -Dbufdsl.update=true} to rewrite the expected files from the actual output
 * (then read the diff before committing it).
 */
class GoldenTest {
    static Path root() {
        return Path.of(System.getProperty("bufdsl.examples", "../examples")).toAbsolutePath().normalize();
    }

    @TestFactory
    Stream<DynamicTest> examples() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> manifests = Files.walk(root())) {
            for (Path m : manifests.filter(p -> p.getFileName().toString().equals("TESTS")).sorted().toList()) {
                tests.addAll(cases(m));
            }
        }
        assertFalse(tests.isEmpty(), "no TESTS manifests under " + root());
        return tests.stream();
    }

    private List<DynamicTest> cases(Path manifest) throws IOException {
        Path dir = manifest.getParent();
        List<DynamicTest> tests = new ArrayList<>();
        Set<String> covered = new HashSet<>();
        for (String line : Files.readAllLines(manifest)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] parts = l.split("\\s+");
            String name = parts[0];
            int exit = Integer.parseInt(parts[1]);
            String[] args = Arrays.copyOfRange(parts, 2, parts.length);
            for (String a : args) {
                if (a.endsWith(".buf")) {
                    covered.add(a);
                }
            }
            String display = root().relativize(dir.resolve(name)).toString();
            tests.add(DynamicTest.dynamicTest(display, () -> check(dir, name, exit, args)));
        }
        try (Stream<Path> scripts = Files.list(dir)) {
            for (Path s : scripts.filter(p -> p.toString().endsWith(".buf")).toList()) {
                String f = s.getFileName().toString();
                tests.add(DynamicTest.dynamicTest(root().relativize(s) + " has a case",
                        () -> assertTrue(covered.contains(f), f + " is not used by any case in " + manifest)));
            }
        }
        return tests;
    }

    private static void check(Path dir, String name, int exit, String[] args) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(args, dir, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String stdout = out.toString(StandardCharsets.UTF_8);
        String stderr = err.toString(StandardCharsets.UTF_8);
        Path expectedOut = dir.resolve(name + ".out");
        Path expectedErr = dir.resolve(name + ".err");
        if (Boolean.getBoolean("bufdsl.update")) {
            Files.writeString(expectedOut, stdout);
            if (!stderr.isEmpty() || Files.exists(expectedErr)) {
                Files.writeString(expectedErr, stderr);
            }
        }
        assertFalse(stderr.contains("\tat "), "a stack trace reached the user:\n" + stderr);
        assertTrue(Files.exists(expectedOut), "missing " + expectedOut);
        assertEquals(Files.readString(expectedOut), stdout, "stdout of " + name);
        if (Files.exists(expectedErr)) {
            assertEquals(Files.readString(expectedErr), stderr, "stderr of " + name);
        }
        assertEquals(exit, code, "exit code of " + name + "; stderr:\n" + stderr);
    }
}
