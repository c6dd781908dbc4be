package io.github.bufdsl.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BufScriptTest {
    private static final String KERNEL = """
            C = alloc!(buf, n, n)
            A = alloc!(buf, n, n)
            B = alloc!(buf, n, n)
            for i in 1:n
                for j in 1:n
                    A[i, j] = i
                    B[i, j] = j
                end
            end
            @tensor C[i, k] = A[i, j] * B[j, k]
            trace = 0.0
            for i in 1:n
                trace += C[i, i]
            end
            drop!(buf, A, B)
            """;

    private static PrintStream sink() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    @Test
    void sizesABufferFromTheScriptAndRunsTheKernelOverIt() throws ScriptException {
        BufScript kernel = BufScript.fromString("kernel.buf", KERNEL);
        assertEquals(java.util.Set.of("buf", "n"), kernel.freeVariables());
        BufferUsage u = kernel.usage(Map.of("n", 5)).buffer("buf");
        assertEquals(75L, u.peak());
        assertEquals(600L, u.bytes());
        Buffer buf = new Buffer(u.peak(), false).setName("buf");
        RunResult r = kernel.run(Map.of("n", 5, "buf", buf), sink());
        assertEquals(75, buf.highWater());
        // C[i,k] = n*i*k; trace = n * sum(i^2) = 5 * 55
        assertEquals(275.0, r.get("trace"));
        Tensor c = r.tensor("C");
        assertEquals(5.0 * 2 * 3, c.get(1, 2));
        assertEquals(25L, buf.used());
    }

    @Test
    void aSymbolicPeakComesBackAsAFormula() throws ScriptException {
        BufScript kernel = BufScript.fromString("kernel.buf", "C = alloc!(buf, n, n)\nA = alloc!(buf, n, 2)\n");
        BufferUsage u = kernel.usage(Map.of()).buffer("buf");
        assertNull(u.peak());
        assertEquals("n^2 + 2*n", u.formula());
        // loops with a free bound are sized in closed form: no value needed
        BufferUsage k = BufScript.fromString("kernel.buf", KERNEL).usage(Map.of()).buffer("buf");
        assertNull(k.peak());
        assertEquals("3*n^2", k.formula());
    }

    @Test
    void theSeedsNumbersAreTheCliNumbers() throws ScriptException {
        BufScript seed = BufScript.fromString("prealloc.buf", """
                buf = Buffer(100000)
                @print_buffer_usage buf begin
                  if small
                    A = alloc!(buf, 10, 10, 20)
                  else
                    A = alloc!(buf, 10, 10, 30)
                  end
                  B = alloc!(buf, 10, 10, 10)
                  drop!(buf, B)
                  reset!(buf)
                end
                """);
        assertEquals(3000L, seed.usage(Map.of("small", true)).buffer("buf").peak());
        BufferUsage free = seed.usage(Map.of()).buffer("buf");
        assertEquals("small ? 3000 : 4000", free.formula());
        assertEquals(4000L, free.peak());
        assertTrue(free.worstCase());
        assertEquals("small is false", free.when());
        assertTrue(seed.usage(Map.of("small", true)).blocks().get(0).sizingFunction()
                .contains("A = pseudo_alloc!(lenbuf, peakbuf, 10 * 10 * 20)"));
    }

    @Test
    void errorsComeBackTypedAndAreNotPrinted() {
        ScriptException syntax = assertThrows(ScriptException.class,
                () -> BufScript.fromString("bad.buf", "x = (1 +\n"));
        assertTrue(syntax.beforeRunning());
        assertEquals(2, syntax.exitCode());
        Problem p = syntax.problems().get(0);
        assertEquals("bad.buf", p.file());
        assertEquals("error", p.severity());
        assertTrue(p.line() >= 1);

        ScriptException unknown = assertThrows(ScriptException.class,
                () -> BufScript.fromString("k.buf", "x = aloc!(buf, 2)\n"));
        assertTrue(unknown.problems().get(0).message().contains("did you mean `alloc!`"));

        // the index comes from the tensor's contents, which only the run knows
        BufScript script = assertDoesNotThrowLoad("buf = Buffer(10)\nA = alloc!(buf, n)\nA[n + 1 + Int(sum(A))] = 1.0\n");
        ScriptException running = assertThrows(ScriptException.class, () -> script.run(Map.of("n", 3), sink()));
        assertFalse(running.beforeRunning());
        assertEquals(3, running.problems().get(0).line());
        assertTrue(running.formatted().startsWith("s.buf:3:"), running.formatted());

        ScriptException badName = assertThrows(ScriptException.class, () -> script.usage(Map.of("m", 3)));
        assertTrue(badName.problems().get(0).message().contains("did you mean `n`"));
    }

    @Test
    void everyKindOfJavaValueIsBoundAlikeByTheChecksTheSizingAndTheRun() throws ScriptException {
        // an integer as Long, Integer, Short or Byte; a number as Double or Float: the checks, the
        // sizing and the run read a binding the same way (Type.ofJava), so they accept the same values
        BufScript script = BufScript.fromString("k.buf", """
                A = alloc!(buf, n, 2)
                fill!(A, x)
                if flag
                    B = alloc!(buf, 1)
                    drop!(buf, B)
                end
                s = sum(A)
                drop!(buf, A)
                """);
        for (Object n : new Object[] {3L, 3, (short) 3, (byte) 3}) {
            for (Object x : new Object[] {0.5, 0.5f}) {
                Map<String, Object> values = Map.of("n", n, "x", x, "flag", true);
                assertTrue(script.check(with(values, "buf", new Buffer(7, false))).isEmpty(), n + ", " + x);
                assertEquals(7L, script.usage(values).buffer("buf").peak(), n + ", " + x);
                RunResult r = script.run(with(values, "buf", new Buffer(7, false)), sink());
                assertEquals(3.0, ((Number) r.get("s")).doubleValue(), 1e-12, n + ", " + x);
            }
        }
        ScriptException refused = assertThrows(ScriptException.class,
                () -> script.run(Map.of("n", 3, "x", java.math.BigDecimal.ONE, "flag", true, "buf", new Buffer(7, false)),
                        sink()));
        assertTrue(refused.problems().get(0).message().contains("the value of x must be a Boolean, an integer"),
                refused.problems().get(0).message());
    }

    private static Map<String, Object> with(Map<String, Object> values, String name, Object value) {
        Map<String, Object> all = new java.util.HashMap<>(values);
        all.put(name, value);
        return all;
    }

    private static BufScript assertDoesNotThrowLoad(String text) {
        try {
            return BufScript.fromString("s.buf", text);
        } catch (ScriptException e) {
            throw new AssertionError(e.formatted());
        }
    }

    @Test
    void oneLoadedScriptRunsOnSeveralThreadsAtOnce() throws Exception {
        BufScript kernel = BufScript.fromString("kernel.buf", KERNEL);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Double>> results = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int n = 2 + t % 5;
                results.add(pool.submit(() -> {
                    Buffer buf = new Buffer(3L * n * n, false);
                    for (int round = 0; round < 20; round++) {
                        RunResult r = kernel.run(Map.of("n", n, "buf", buf), sink());
                        buf.reset();
                        assertEquals(n * (n * (n + 1.0) * (2 * n + 1) / 6), (Double) r.get("trace"));
                    }
                    return (double) n;
                }));
            }
            for (Future<Double> f : results) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aScriptLoadsFromAResourceAndAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("k.buf");
        Files.writeString(file, KERNEL);
        assertEquals(Map.of("buf", 48L).get("buf"), BufScript.load(file).usage(Map.of("n", 4)).buffer("buf").peak());
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()})) {
            assertEquals(48L, BufScript.fromResource(loader, "k.buf").usage(Map.of("n", 4)).buffer("buf").peak());
            assertThrows(ScriptException.class, () -> BufScript.fromResource(loader, "missing.buf"));
        }
    }

    /** examples/java: its source compiled against this build and run, as a user would. */
    @Test
    void theJavaExampleCompilesAndRuns(@TempDir Path out) throws Exception {
        Path example = Path.of(System.getProperty("bufdsl.examples", "../examples")).resolve("java");
        Path source = example.resolve("src/main/java/example/SizeAndRun.java");
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, errors, "-d", out.toString(), "-cp",
                System.getProperty("java.class.path"), source.toString());
        assertEquals(0, rc, errors.toString(StandardCharsets.UTF_8));
        URL[] path = {out.toUri().toURL(), example.resolve("src/main/resources").toUri().toURL()};
        PrintStream saved = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(path, getClass().getClassLoader())) {
            Method main = loader.loadClass("example.SizeAndRun").getMethod("main", String[].class);
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[] {"4"});
        } finally {
            System.setOut(saved);
        }
        assertEquals("""
                buf holds 48 elements; the kernel used at most 48
                trace(C) = 120.0
                C[1, 2] = 8.0
                """, printed.toString(StandardCharsets.UTF_8));
    }

    /** A block usage cannot size still runs, as the README says of what the analysis cannot follow. */
    @Test
    void aBlockUsageCannotSizeStillRunsAndPrintsItsFunction() throws Exception {
        BufScript script = BufScript.fromString("data.buf", """
                buf = Buffer(0)
                @print_buffer_usage buf begin
                    A = alloc!(buf, 3)
                    fill!(A, 1.0)
                    k = Int(sum(A))
                    B = alloc!(buf, k)
                    drop!(buf, B, A)
                end
                """);
        assertThrows(ScriptException.class, () -> script.usage(Map.of()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RunResult r = script.run(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(6L, r.bufferStats().get(0).highWater());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("A = pseudo_alloc!(lenbuf, peakbuf, 3)"),
                out.toString());
    }

    /** The worst case names the conditions that change that buffer's peak, not the others. */
    @Test
    void theWorstCaseNamesOnlyTheConditionsItDependsOn() throws Exception {
        BufScript script = BufScript.fromString("worst.buf", """
                buf = Buffer(0)
                env = Buffer(0)
                E = alloc!(env, big ? 64 : 16)
                for s in 1:n
                    A = alloc!(buf, big ? 8 : 2)
                    drop!(buf, A)
                end
                drop!(env, E)
                """);
        Usage u = script.usage(Map.of());
        BufferUsage env = u.buffer("env");
        assertEquals(64L, env.peak());
        assertEquals("big is true", env.when());
        assertEquals("big is true and n >= 1 is true", u.buffer("buf").when());
    }
}
