package io.github.bufdsl.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.RunResult;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.api.Usage;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Tensor;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * TensorOperations.jl's forms of index notation: a block of statements, conj, a fully contracted
 * value, primes on labels and NCON's integer labels. Each is run against the plain form it stands
 * for (or a naive loop), and usage and check must agree with the run.
 */
class TensorNotationTest {
    /** A, B, C: 3×4, 5×4 and 3×5, filled from the seed. */
    private static String head(int seed) {
        return "buf = Buffer(1000)\nA = alloc!(buf, 3, 4)\nB = alloc!(buf, 5, 4)\nC = alloc!(buf, 3, 5)\n"
                + "rand!(A); rand!(B); rand!(C)\n";
    }

    static RunResult run(String text) throws ScriptException {
        return BufScript.fromString("t.buf", text).run(Map.of(), new PrintStream(OutputStream.nullOutputStream()), 7L);
    }

    /** usage's peaks and workspace equal what the run took, and the workspace is known. */
    static void agrees(String text) throws ScriptException {
        BufScript script = BufScript.fromString("t.buf", text);
        Usage u = script.usage(Map.of());
        RunResult r = script.run(Map.of(), new PrintStream(OutputStream.nullOutputStream()), 7L);
        for (Buffer b : r.buffersCreated()) {
            assertEquals(b.highWater(), u.buffer(b.name()).peak(), "peak of " + b.name() + " in\n" + text);
        }
        assertEquals(null, u.workspaceUnknown(), text);
        assertEquals(r.workspaceHighWater(), u.workspace(), "workspace in\n" + text);
        assertTrue(script.check(Map.of()).stream().noneMatch(p -> p.severity().equals("error")), text);
    }

    private static void sameTensor(Tensor expected, Tensor actual, String what) {
        assertEquals(java.util.Arrays.toString(expected.dims()), java.util.Arrays.toString(actual.dims()), what);
        for (long i = 0; i < expected.length(); i++) {
            assertEquals(expected.getLinear(i), actual.getLinear(i), 1e-12, what + " at " + i);
        }
    }

    /** Runs both scripts (same seed, same data) and compares the tensor {@code name} and the workspace. */
    private static void same(String form, String plain, String name) throws ScriptException {
        RunResult a = run(form);
        RunResult b = run(plain);
        sameTensor(b.tensor(name), a.tensor(name), form);
        assertEquals(b.workspaceHighWater(), a.workspaceHighWater(), "workspace of\n" + form);
        agrees(form);
    }

    @Test
    void aBlockIsItsStatementsOneByOne() throws ScriptException {
        same(head(1) + "@tensor begin\n    C[a, b] = A[a, c] * B[b, c]\n    D[a, b] := 2 * A[a, c] * B[b, c]\n"
                + "    C[a, b] += D[a, b]\nend\n",
                head(1) + "@tensor C[a, b] = A[a, c] * B[b, c]\n@tensor D[a, b] := 2 * A[a, c] * B[b, c]\n"
                        + "@tensor C[a, b] += D[a, b]\n", "C");
        // the options are every statement's: order=(...) and @tensoropt
        String chain = "X[a, b] = A[a, c] * B[d, c] * C[e, d] * A[e, b]";
        String head = head(2) + "X = alloc!(buf, 3, 4)\n";
        same(head + "@tensor order=(e, d, c) begin\n    " + chain + "\nend\n",
                head + "@tensor order=(e, d, c) " + chain + "\n", "X");
        same(head + "@tensoropt begin\n    " + chain + "\nend\n", head + "@tensoropt " + chain + "\n", "X");
        assertNotEquals(run(head + "@tensor order=(e, d, c) " + chain + "\n").workspaceHighWater(),
                run(head + "@tensor " + chain + "\n").workspaceHighWater(), "the order changes the intermediates");
        // an empty block does nothing; := in a block defines the name after it
        assertEquals(3L * 5, run(head(3) + "@tensor begin\nend\n@tensor begin\n    D[a, b] := C[a, b]\nend\n"
                + "n = length(D)\n").get("n"));
    }

    @Test
    void conjIsTheTensorItselfWithoutACopy() throws ScriptException {
        same(head(4) + "@tensor D[a, b] := A[a, c] * conj(B[b, c])\n", head(4) + "@tensor D[a, b] := A[a, c] * B[b, c]\n",
                "D");
        same(head(5) + "@tensor D[a, b] := conj(A[a, c] * B[b, c]) - conj(C[a, b])\n",
                head(5) + "@tensor D[a, b] := A[a, c] * B[b, c] - C[a, b]\n", "D");
        // conj of a tensor read in place copies nothing: the workspace is the plain form's (same() compares it)
        same(head(6) + "@tensor C[a, b] = conj(A[a, c]) * conj(B[b, c])\n",
                head(6) + "@tensor C[a, b] = A[a, c] * B[b, c]\n", "C");
    }

    @Test
    void aFullyContractedValueIsANumberOutsideEveryBuffer() throws ScriptException {
        for (int seed = 0; seed < 10; seed++) {
            Random rnd = new Random(seed);
            int m = rnd.nextInt(4);
            int n = 1 + rnd.nextInt(4);
            String text = "buf = Buffer(100)\nA = alloc!(buf, " + m + ", " + n + ")\nB = alloc!(buf, " + n + ", "
                    + m + ")\nrand!(A); rand!(B)\ns = @tensor A[i, j] * B[j, i]\nt = @tensor 2 * A[i, j] * A[i, j]\n"
                    + "u = @tensor A[i, j] * B[j, k] * A[k, l] * B[l, i]\n";
            RunResult r = run(text);
            Tensor a = r.tensor("A");
            Tensor b = r.tensor("B");
            double s = 0;
            double t = 0;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    s += a.get(i, j) * b.get(j, i);
                    t += 2 * a.get(i, j) * a.get(i, j);
                }
            }
            assertEquals(s, (Double) r.get("s"), 1e-12, text);
            assertEquals(t, (Double) r.get("t"), 1e-12, text);
            // the buffer holds A and B only: the value's element is in the workspace
            assertEquals(2L * m * n, r.buffersCreated().get(0).highWater(), text);
            agrees(text);
        }
        // a trace, and a value from Float32 tensors is a Float32 (a Float64 factor makes it a Float64)
        RunResult r = run("buf = Buffer{Float32}(100)\nM = alloc!(buf, 3, 3)\nfill!(M, 0.5)\ns = @tensor M[i, i]\n"
                + "t = @tensor 2 * M[i, j] * M[j, i]\nu = @tensor 2.0 * M[i, i]\n");
        assertEquals(1.5f, r.get("s"));
        assertEquals(4.5f, r.get("t"));
        assertEquals(3.0, r.get("u"));
        // its one element is counted in the workspace, by run and usage alike
        String one = "buf = Buffer(100)\nA = alloc!(buf, 2, 3)\nrand!(A)\ns = @tensor A[i, j] * A[i, j]\n";
        assertEquals(1L, run(one).workspaceHighWater());
        agrees(one);
    }

    @Test
    void aValueWithSymbolicSizesIsAFormula() throws ScriptException {
        String text = "buf = Buffer(0)\nA = alloc!(buf, n, n)\nfill!(A, 1.0)\ns = @tensor A[i, j] * A[j, k] * A[k, i]\n";
        BufScript script = BufScript.fromString("t.buf", text);
        Usage free = script.usage(Map.of());
        assertTrue(free.workspaceFormula() != null && free.workspaceFormula().contains("n"), free.workspaceFormula());
        for (int n = 0; n <= 4; n++) {
            RunResult r = script.run(Map.of("n", (long) n), new PrintStream(OutputStream.nullOutputStream()), 1L);
            assertEquals((double) n * n * n, r.get("s"));
            assertEquals(r.workspaceHighWater(), script.usage(Map.of("n", (long) n)).workspace(), "n = " + n);
        }
    }

    @Test
    void primesMakeLabelsOfTheirOwn() throws ScriptException {
        same(head(8) + "@tensor D[a', b] := A[a', c] * B[b, c]\n", head(8) + "@tensor D[x, b] := A[x, c] * B[b, c]\n",
                "D");
        same(head(9) + "@tensor D[a, a'] := A[a, c''] * A[a', c'']\n",
                head(9) + "@tensor D[a, x] := A[a, y] * A[x, y]\n", "D");
        same(head(10) + "X = alloc!(buf, 3, 3)\n@tensor order=(c', d) X[a, b] = A[a, c'] * B[d, c'] * C[b, d]\n",
                head(10) + "X = alloc!(buf, 3, 3)\n@tensor order=(y, d) X[a, b] = A[a, y] * B[d, y] * C[b, d]\n", "X");
    }

    @Test
    void nconLabelsFixTheOutputAndTheOrder() throws ScriptException {
        same(head(11) + "@tensor D[:] := A[-1, 1] * B[-2, 1]\n", head(11) + "@tensor D[a, b] := A[a, c] * B[b, c]\n", "D");
        same(head(12) + "@tensor D[:] := A[-2, 1] * B[-1, 1]\n", head(12) + "@tensor D[b, a] := A[a, c] * B[b, c]\n", "D");
        // the positive labels are contracted smallest first: B with C here, then A
        String head = head(13) + "X = alloc!(buf, 3, 3)\n";
        same(head + "@tensor X[:] = A[-1, 2] * B[1, 2] * C[-2, 1]\n",
                head + "@tensor order=(d, c) X[a, b] = A[a, c] * B[d, c] * C[b, d]\n", "X");
        same(head + "@tensor X[:] = A[-1, 1] * B[2, 1] * C[-2, 2]\n",
                head + "@tensor X[a, b] = A[a, c] * B[d, c] * C[b, d]\n", "X");
        // in a sum, each product is ordered so when they all contract the same labels (as TensorOperations
        // orders each term); the plain form with the same order has the same workspace
        same(head + "@tensor X[:] = A[-1, 2] * B[1, 2] * C[-2, 1] - 2 * A[-1, 2] * B[1, 2] * C[-2, 1]\n",
                head + "@tensor order=(d, c) X[a, b] = A[a, c] * B[d, c] * C[b, d] - 2 * A[a, c] * B[d, c] * C[b, d]\n",
                "X");
        assertNotEquals(run(head + "@tensor X[:] = A[-1, 2] * B[1, 2] * C[-2, 1] + A[-1, 2] * B[1, 2] * C[-2, 1]\n")
                .workspaceHighWater(), run(head + "@tensor X[a, b] = A[a, c] * B[d, c] * C[b, d] + A[a, c] * B[d, c] * C[b, d]"
                        + "\n").workspaceHighWater(), "the sum is not contracted left to right");
        // labels mixed with names are just labels
        same(head(14) + "@tensor D[a, 1] := A[a, c] * B[1, c]\n", head(14) + "@tensor D[a, b] := A[a, c] * B[b, c]\n", "D");
    }

    private static String error(String text) {
        ScriptException e = assertThrows(ScriptException.class, () -> {
            BufScript s = BufScript.fromString("t.buf", text);
            s.run(Map.of(), new PrintStream(OutputStream.nullOutputStream()), 1L);
        });
        assertTrue(e.beforeRunning(), e.formatted());
        return e.formatted().lines().findFirst().orElseThrow();
    }

    private static void starts(String prefix, String text) {
        String line = error(text);
        assertTrue(line.startsWith(prefix), line);
    }

    @Test
    void errorsNameWhereTheyAre() {
        // the value sums every index: one left over is an error at its place, before running
        starts("t.buf:6:15: error: index a is not summed (it appears once), but a value of @tensor is a number",
                head(0) + "s = @tensor A[a, c] * B[b, c]\n");
        starts("t.buf:6:11: error: [:] on the left of @tensor takes NCON-style labels",
                head(0) + "@tensor D[:] := A[a, 1] * B[b, 1]\n");
        starts("t.buf:6:32: error: [:] stands for the output's labels",
                head(0) + "@tensor D[a, b] := A[a, c] * B[:, c]\n");
        starts("t.buf:8:5: error: inside @tensor begin ... end each statement is an assignment in index notation",
                head(0) + "@tensor begin\n    C[a, b] = A[a, c] * B[b, c]\n    println(C)\nend\n");
        starts("t.buf:8:5: error: the left of @tensor must be one indexed tensor",
                head(0) + "@tensor begin\n    C[a, b] = A[a, c] * B[b, c]\n    x = 1\nend\n");
        starts("t.buf:6:6: error: `'` (the adjoint", head(0) + "x = A'\n");
        starts("t.buf:6:19: error: a prime in @tensor marks an index label",
                head(0) + "@tensor C[a, b] = A'[a, c] * B[b, c]\n");
        starts("t.buf:7:", head(0) + "s = @tensor A[a, c] * A[a, c]\ndrop!(buf, s)\n");
    }
}
