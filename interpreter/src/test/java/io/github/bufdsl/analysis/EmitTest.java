package io.github.bufdsl.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.diag.Source;
import io.github.bufdsl.exec.Interpreter;
import io.github.bufdsl.exec.Value;
import io.github.bufdsl.parse.Parser;
import io.github.bufdsl.resolve.Resolver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The emitted sizing functions compile (Java) or run (.buf) and give the evaluator's numbers. */
class EmitTest {
    private static final String SCRIPT = """
            function block(b, n, k)
                X = alloc!(b, n, k)
                Y = alloc!(b, k + 1)
                drop!(b, Y)
                drop!(b, X)
            end
            buf1 = Buffer(0)
            buf2 = Buffer(0)
            n = 2 * m
            @print_buffer_usage buf1 buf2 begin
                A = alloc!(buf1, n, 3)
                if small && m > 1
                    B = alloc!(buf2, n, n)
                elseif !small
                    B = alloc!(buf2, 7)
                else
                    B = alloc!(buf2, 1)
                end
                for k in 1:2:5
                    T = alloc!(buf1, k, max(m, 2))
                    block(buf2, n, k)
                end
                drop!(buf2, B)
                reset!(buf1)
            end
            """;

    /** Writes {@code source} as {@code name}.java in {@code dir} and compiles it there; fails with javac's errors. */
    private static void compile(Path dir, String name, String source) throws java.io.IOException {
        Path file = dir.resolve(name + ".java");
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "a JDK is needed to compile");
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javac.run(null, null, errors, "-d", dir.toString(), file.toString());
        assertEquals(0, rc, errors.toString(StandardCharsets.UTF_8) + "\n" + source);
    }

    private static SizingFunction function() {
        return Analyzer.sizingFunctions(Resolver.resolve(Parser.parse(new Source("emit.buf", SCRIPT)))).get(0);
    }

    @Test
    void javaCompilesAndGivesTheSameNumbers(@TempDir Path dir) throws Exception {
        SizingFunction f = function();
        compile(dir, "BufferSizes", JavaEmitter.emit(f, "BufferSizes"));
        try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {dir.toUri().toURL()})) {
            Method peaks = loader.loadClass("BufferSizes").getMethod("peaks", long.class, boolean.class);
            for (long m : new long[] {0, 1, 2, 5}) {
                for (boolean small : new boolean[] {true, false}) {
                    Map<String, Long> expected = SizingEvaluator.peaks(f, Map.of("m", m, "small", small));
                    long[] got = (long[]) peaks.invoke(null, m, small);
                    assertArrayEquals(new long[] {expected.get("buf1"), expected.get("buf2")}, got,
                            "m=" + m + " small=" + small);
                }
            }
        }
    }

    @Test
    void bufRunsToTheSameNumbers() {
        SizingFunction f = function();
        String script = JuliaPrinter.printBuf(f, "buffer_sizes");
        assertTrue(script.contains("function buffer_sizes(m, small)"), script);
        for (long m : new long[] {0, 3}) {
            for (boolean small : new boolean[] {true, false}) {
                Map<String, Long> expected = SizingEvaluator.peaks(f, Map.of("m", m, "small", small));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                Interpreter in = new Interpreter(Resolver.resolve(Parser.parse(new Source("sizes.buf", script))),
                        new Interpreter.Options(new PrintStream(out, true, StandardCharsets.UTF_8),
                                Map.of("m", new Value.Int(m), "small", Value.Bool.of(small)), 1L, null));
                in.run();
                assertEquals("(" + expected.get("buf1") + ", " + expected.get("buf2") + ")\n",
                        out.toString(StandardCharsets.UTF_8));
            }
        }
    }

    /**
     * A break in {@code for i in 1:n, j in 1:m} leaves both loops, as in Julia: the printed forms keep one
     * loop ({@code for i = 1:n, j = 1:m}) and Java breaks by a label (both left only the inner loop).
     */
    @Test
    void aBreakInANestOfLoopsLeavesTheNestInEveryForm(@TempDir Path dir) throws Exception {
        String text = """
                buf = Buffer(0)
                @print_buffer_usage buf begin
                    for i in 1:n, j in 1:m
                        A = alloc!(buf, i * j)
                        drop!(buf, A)
                        if i * j > 6
                            break
                        end
                    end
                end
                """;
        SizingFunction f = Analyzer.sizingFunctions(Resolver.resolve(Parser.parse(new Source("nest.buf", text)))).get(0);
        assertTrue(JuliaPrinter.print(f).contains("    for i = 1:n, j = 1:m\n"), JuliaPrinter.print(f));
        String source = JavaEmitter.emit(f, "NestSizes");
        compile(dir, "NestSizes", source);
        String script = JuliaPrinter.printBuf(f, "nest_sizes");
        try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {dir.toUri().toURL()})) {
            Method peaks = loader.loadClass("NestSizes").getMethod("peaks", long.class, long.class);
            for (long n = 0; n <= 4; n++) {
                for (long m = 0; m <= 4; m++) {
                    long expected = SizingEvaluator.peaks(f, Map.of("n", n, "m", m)).get("buf");
                    Map<String, Value> vars = Map.of("n", new Value.Int(n), "m", new Value.Int(m));
                    assertEquals(expected, SizingTest.measured(text, vars).get("buf"), "n=" + n + " m=" + m);
                    assertEquals(expected, ((long[]) peaks.invoke(null, m, n))[0], "n=" + n + " m=" + m + "\n" + source);
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    new Interpreter(Resolver.resolve(Parser.parse(new Source("sizes.buf", script))),
                            new Interpreter.Options(new PrintStream(out, true, StandardCharsets.UTF_8), vars, 1L, null))
                            .run();
                    assertEquals(expected + "\n", out.toString(StandardCharsets.UTF_8), script);
                }
            }
        }
    }

    @Test
    void theSeedsFunctionIsUnchangedByTheEmitters() {
        String julia = JuliaPrinter.print(function());
        assertTrue(julia.startsWith("# Function to calculate length for buffer(s) buf1 buf2\n"), julia);
        assertEquals(List.of("m", "small"), Pruner.freeVariables(function().body()));
    }

    /** Every example's sizing function, emitted as Java without values, compiles (names ending in '!' too). */
    @Test
    void everyExampleCompilesAsJava(@TempDir Path dir) throws Exception {
        Path examples = Path.of(System.getProperty("bufdsl.examples", "../examples"));
        List<Path> scripts;
        try (var files = Files.list(examples)) {
            scripts = files.filter(p -> p.toString().endsWith(".buf")).sorted().toList();
        }
        assertTrue(scripts.size() > 10, "examples found: " + scripts);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int compiled = 0;
        for (Path script : scripts) {
            List<SizingFunction> fs;
            try {
                fs = Analyzer.sizingFunctions(Resolver.resolve(Parser.parse(new Source(script.getFileName().toString(),
                        Files.readString(script)))));
            } catch (io.github.bufdsl.diag.DiagnosticException e) {
                continue; // sized only when running (what --emit also says)
            }
            for (int k = 0; k < fs.size(); k++) {
                String name = "Sizes" + compiled;
                String source;
                try {
                    source = JavaEmitter.emit(fs.get(k), name);
                } catch (IllegalArgumentException e) { // a := whose size, or a condition, is known only where it
                    // runs; or a fraction (2^-1 is 0.5 in Julia) or a range (sum(1:n)), which the emitted
                    // longs cannot hold
                    assertTrue(e.getMessage().startsWith("--emit java: the size of ")
                            || e.getMessage().startsWith("--emit java: the sizing function raises to a negative power")
                            || e.getMessage().startsWith("--emit java: the sizing function holds a range")
                            || e.getMessage().startsWith("--emit java: the sizing function has a condition usage cannot"
                                    + " know before running"), script + ": " + e.getMessage());
                    continue;
                }
                Path file = dir.resolve(name + ".java");
                Files.writeString(file, source);
                ByteArrayOutputStream errors = new ByteArrayOutputStream();
                int rc = javac.run(null, null, errors, "-d", dir.toString(), file.toString());
                assertEquals(0, rc, script + ":\n" + errors.toString(StandardCharsets.UTF_8) + "\n" + source);
                compiled++;
            }
        }
        assertTrue(compiled > 10, "compiled " + compiled);
    }

    @Test
    void namesEndingInBangCompile(@TempDir Path dir) throws Exception {
        SizingFunction f = Analyzer.sizingFunctions(Resolver.resolve(Parser.parse(new Source("bang.buf", """
                function contract_pair!(buf, n)
                    X = alloc!(buf, n, n)
                    drop!(buf, X)
                end
                buf = Buffer(0)
                contract_pair!(buf, m)
                ok = m != 3
                """)))).get(0);
        String source = JavaEmitter.emit(f, "Bang");
        assertTrue(source.contains("pseudo_contract_pair$("), source);
        compile(dir, "Bang", source);
    }

    /**
     * A Bool a function returns, alone or in a tuple, as the caller's condition; a Bool given to a
     * function's parameter; a free variable as a while loop's condition. The Java compiles (it put
     * the returned Bool, counted 1 or 0 in a long or long[], into a boolean, and declared Bools
     * {@code = 0}) and gives run's and the evaluator's peaks.
     */
    @Test
    void returnedBoolsAreConditionsInJava(@TempDir Path dir) throws Exception {
        String text = """
                function make(buf, n)
                    A = alloc!(buf, n)
                    return A, n > 3
                end
                function check(buf, n)
                    T = alloc!(buf, 1)
                    drop!(buf, T)
                    return n > 2
                end
                function pass(buf, flag, k)
                    if flag
                        T = alloc!(buf, k)
                        drop!(buf, T)
                    end
                    return !flag
                end
                buf = Buffer(0)
                @print_buffer_usage buf begin
                    A, big = make(buf, n)
                    if big
                        B = alloc!(buf, 2)
                        drop!(buf, B)
                    end
                    ok = check(buf, n)
                    if ok && !big
                        C = alloc!(buf, 5)
                        drop!(buf, C)
                    end
                    other = pass(buf, ok, 7)
                    if other
                        E = alloc!(buf, 3)
                        drop!(buf, E)
                    end
                    k = 0
                    while go && k < 2
                        W = alloc!(buf, 2 * k + 9)
                        drop!(buf, W)
                        k += 1
                    end
                    drop!(buf, A)
                end
                """;
        SizingFunction f = Analyzer.sizingFunctions(Resolver.resolve(Parser.parse(new Source("bools.buf", text)))).get(0);
        String source = JavaEmitter.emit(f, "BoolSizes");
        compile(dir, "BoolSizes", source);
        try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {dir.toUri().toURL()})) {
            Method peaks = loader.loadClass("BoolSizes").getMethod("peaks", boolean.class, long.class); // go, n
            java.util.Set<Long> seen = new java.util.HashSet<>();
            for (long n = 0; n <= 6; n++) {
                for (boolean go : new boolean[] {true, false}) {
                    long expected = SizingEvaluator.peaks(f, Map.of("n", n, "go", go)).get("buf");
                    Map<String, Value> vars = Map.of("n", new Value.Int(n), "go", Value.Bool.of(go));
                    assertEquals(expected, SizingTest.measured(text, vars).get("buf"), "n=" + n + " go=" + go);
                    assertEquals(expected, ((long[]) peaks.invoke(null, go, n))[0], "n=" + n + " go=" + go + "\n" + source);
                    seen.add(expected);
                }
            }
            assertTrue(seen.size() > 5, "the Bools decide the peaks: " + seen);
        }
    }
}
