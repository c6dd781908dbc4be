package io.github.bufdsl.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What SECURITY.md promises about the language itself: no builtin reaches the network, processes,
 * the environment, files (but save and load), code loading or reflection; and the code that runs
 * a script (the interpreter's packages and the runtime) uses none of the Java APIs that would.
 */
class SandboxTest {
    /** Julia functions with effects outside the process; none of them may become a builtin unnoticed. */
    private static final Set<String> OUTSIDE = Set.of("run", "read", "write", "open", "close", "download", "eval",
            "include", "ccall", "cd", "pwd", "rm", "mv", "cp", "mkdir", "mkpath", "readdir", "readline", "readlines",
            "ENV", "getenv", "pipeline", "Cmd", "spawn", "connect", "listen", "accept", "Libc", "require", "import",
            "exit", "sleep", "touch", "symlink", "hardlink", "chmod", "chown", "tempname", "tempdir", "homedir",
            "isfile", "isdir", "stat", "filesize", "getfield", "setfield!", "methods", "which", "Meta", "invokelatest",
            "success", "kill", "process_exited", "readchomp", "serialize", "deserialize", "dlopen", "unsafe_load",
            "unsafe_store!", "pointer");

    @Test
    void noBuiltinReachesOutsideTheProcess() {
        Set<String> names = Builtins.functionNames();
        assertTrue(names.contains("save") && names.contains("load") && names.contains("println"), "" + names);
        List<String> outside = names.stream().filter(OUTSIDE::contains).sorted().toList();
        assertEquals(List.of(), outside, "builtins with effects outside the process");
    }

    private static final String[] FORBIDDEN = {"java.net.", "ProcessBuilder", "Runtime.getRuntime().exec",
        "java.lang.reflect", "Class.forName", "MethodHandles", "System.getenv", "System.getProperty(", "System.exit",
        "java.io.File", "FileInputStream", "FileOutputStream", "ObjectInputStream", "javax.script", "URLClassLoader",
        "System.load", "ServiceLoader", "java.nio.file.Files", "FileChannel"};

    /** Files only through the confinement (IoFolder) and the .npy reader and writer it hands paths to. */
    private static final Set<String> FILES_ALLOWED = Set.of("IoFolder.java", "Npy.java");

    @Test
    void theCodeThatRunsAScriptUsesNoOutsideApi() throws IOException {
        Path interpreter = Path.of("src/main/java/io/github/bufdsl");
        List<Path> roots = new ArrayList<>();
        for (String pkg : new String[] {"exec", "builtins", "resolve", "parse", "ast", "types", "analysis", "diag"}) {
            roots.add(interpreter.resolve(pkg));
        }
        roots.add(Path.of("../runtime/src/main/java/io/github/bufdsl/runtime"));
        List<String> found = new ArrayList<>();
        int files = 0;
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path f : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
                    files++;
                    String text = Files.readString(f);
                    String name = f.getFileName().toString();
                    for (String api : FORBIDDEN) {
                        boolean fileApi = api.equals("java.nio.file.Files") || api.equals("FileChannel");
                        boolean backends = api.equals("ServiceLoader") && name.equals("MatrixBackend.java");
                        if (text.contains(api) && !(fileApi && FILES_ALLOWED.contains(name)) && !backends) {
                            found.add(name + ": " + api);
                        }
                    }
                }
            }
        }
        assertTrue(files > 50, "the sources were not found from " + Path.of("").toAbsolutePath());
        assertEquals(List.of(), found);
    }

    @Test
    void theBackendIsChosenByTheCommandLineNotByTheScript() {
        assertFalse(Builtins.functionNames().stream().anyMatch(n -> n.toLowerCase().contains("backend")));
    }
}
