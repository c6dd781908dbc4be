package io.github.bufdsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Source;
import io.github.bufdsl.exec.Interpreter;
import io.github.bufdsl.exec.Value;
import io.github.bufdsl.parse.Parser;
import io.github.bufdsl.resolve.Resolution;
import io.github.bufdsl.resolve.Resolver;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.ThreadsBuffer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sizing function's value, and that it equals what running the script measures. */
class SizingTest {
    private static final String SEED = """
            buf = Buffer(100000)
            @print_buffer_usage buf begin
              if small
                A = alloc!(buf, 10, 10, 20)
              else
                A = alloc!(buf, 10, 10, 30)
              end
              B = alloc!(buf, 10, 10, 10)
              if small
                C = alloc!(buf, 10, 20)
              else
                C = alloc!(buf, 10, 30)
              end
              rand!(B)
              rand!(C)
              An = neuralyze(A)
              @tensor An[i,j,k] = B[i,j,l] * C[l,k]
              drop!(buf, B, C)
              reset!(buf)
            end
            """;

    static Resolution resolve(String text) {
        return Resolver.resolve(Parser.parse(new Source("test.buf", text)));
    }

    static Map<String, Long> peaks(String text, Map<String, ?> vars) {
        List<SizingFunction> fs = Analyzer.sizingFunctions(resolve(text));
        Map<String, Long> all = new HashMap<>();
        for (SizingFunction f : fs) {
            SizingEvaluator.peaks(f, vars).forEach((k, v) -> all.merge(k, v, Math::max));
        }
        return all;
    }

    static Map<String, Long> measured(String text, Map<String, Value> vars) {
        Interpreter in = new Interpreter(resolve(text), new Interpreter.Options(
                new PrintStream(new ByteArrayOutputStream()), vars, 1L, null));
        in.run();
        Map<String, Long> m = new HashMap<>();
        for (Buffer b : in.buffers()) {
            m.put(b.name(), b.highWater());
        }
        for (ThreadsBuffer.Stats t : in.threadsBufferStats()) { // per buffer of the pool, as usage sizes it
            m.merge(t.name(), t.highWaterPerBuffer(), Math::max);
        }
        return m;
    }

    @Test
    void theSeedsExampleIs3200Or4300() {
        assertEquals(3200L, peaks(SEED, Map.of("small", true)).get("buf"));
        assertEquals(4300L, peaks(SEED, Map.of("small", false)).get("buf"));
        assertEquals(3200L, measured(SEED, Map.of("small", Value.Bool.TRUE)).get("buf"));
        assertEquals(4300L, measured(SEED, Map.of("small", Value.Bool.FALSE)).get("buf"));
    }

    @Test
    void tensorsOfABufferTheBlockDoesNotSizeKeepTheirDimensions() {
        // X and D (made by := from X) are in data, which the block does not size: a loop bound and a
        // size read their dimensions; D is not on buf's stack (run: buf's high-water is 20 too)
        String script = """
                buf = Buffer(0)
                data = Buffer(0)
                X = alloc!(data, 3, 4)
                @print_buffer_usage buf begin
                    B = alloc!(buf, 4, 2)
                    @tensor D[i, j] := X[i, k] * B[k, j]
                    for r in 1:size(D, 1)
                        E = alloc!(buf, size(X, 2), r)
                        drop!(buf, E)
                    end
                    drop!(buf, B)
                end
                """;
        assertEquals(20L, peaks(script, Map.of()).get("buf"));
        assertEquals(20L, measured(script, Map.of()).get("buf"));
    }

    @Test
    void loopsAreCountedPerIterationAndComputedSizesAreKept() {
        String script = """
                buf = Buffer(10)
                n = 2 * m
                @print_buffer_usage buf begin
                    for k in 1:n
                        T = alloc!(buf, k, 3)
                    end
                    reset!(buf)
                end
                """;
        // sum over k = 1..6 of 3k = 63
        assertEquals(63L, peaks(script, Map.of("m", 3L)).get("buf"));
        assertEquals(63L, measured(script, Map.of("m", new Value.Int(3))).get("buf"));
        String printed = JuliaPrinter.print(Analyzer.sizingFunctions(resolve(script)).get(0));
        assertTrue(printed.contains("    n = 2 * m\n"), printed);
        assertTrue(printed.contains("    for k = 1:n\n        T = pseudo_alloc!(lenbuf, peakbuf, k * 3)\n"), printed);
    }

    @Test
    void dropsLowerTheLevelAndTheWholeScriptIsSizedWithoutABlock() {
        String script = """
                buf = Buffer(10)
                A = alloc!(buf, 5)
                B = alloc!(buf, 7)
                drop!(buf, B)
                C = alloc!(buf, 3)
                D = alloc!(buf, 6)
                """;
        assertEquals(14L, peaks(script, Map.of()).get("buf"));
        assertEquals(14L, measured(script, Map.of()).get("buf"));
    }

    @Test
    void aScalarComputedFromDataIsAnErrorOnlyWhereASizeOrConditionReadsIt() {
        // s comes from the tensor's contents; s + 1 (in a loop, in a branch, after it) is as unknowable
        // as s, and was refused at its own assignment although no size reads it
        String script = """
                buf = Buffer(10)
                A = alloc!(buf, 2)
                s = sum(A)
                for i in 1:n
                    s = s + 1
                    if flag
                        s = 2 * s
                    end
                    B = alloc!(buf, i)
                    drop!(buf, B)
                end
                t = s / 2
                drop!(buf, A)
                """;
        assertEquals(6L, peaks(script, Map.of("n", 4L, "flag", true)).get("buf"));
        assertEquals(6L, measured(script, Map.of("n", new Value.Int(4), "flag", Value.Bool.TRUE)).get("buf"));
        // a size that reads it is still refused, at the size, naming the assignment it comes from
        String sized = script.replace("t = s / 2", "t = s / 2\nif t > 0\n    C = alloc!(buf, 1)\nend");
        DiagnosticException e = assertThrows(DiagnosticException.class,
                () -> peaks(sized, Map.of("n", 4L, "flag", true)));
        assertTrue(e.getMessage().contains("depends on t") && e.getMessage().contains("assigned at line 12"),
                e.getMessage());
    }

    @Test
    void aFunctionMayBeGivenAValueComputedFromData() {
        // the argument is unknowable inside the call too, and only sizes that read it are errors
        String script = """
                function f(b, x, k)
                    T = alloc!(b, k)
                    y = x * 2
                    drop!(b, T)
                    return y
                end
                buf = Buffer(10)
                A = alloc!(buf, 2)
                s = sum(A)
                z = f(buf, s + 1, 3)
                drop!(buf, A)
                """;
        assertEquals(5L, peaks(script, Map.of()).get("buf"));
        assertEquals(5L, measured(script, Map.of()).get("buf"));
        String sized = script.replace("T = alloc!(b, k)", "T = alloc!(b, k)\n    if x > 0\n        drop!(b, T)\n"
                + "        T = alloc!(b, k)\n    end");
        DiagnosticException e = assertThrows(DiagnosticException.class, () -> peaks(sized, Map.of()));
        assertTrue(e.getMessage().contains("depends on x"), e.getMessage());
    }

    @Test
    void aValueALoopWithoutAllocationsAssignsIsUnknowableAfterIt() {
        // the while and tuple loops change no size, so they were left out with the assignments in them:
        // k kept its value from before the loop and usage said 1 where run takes 9 (and 7)
        String whileLoop = """
                buf = Buffer(1000)
                k = 1
                j = 0
                while j < n
                    j += 1
                    if flag
                        k += 2
                    end
                end
                B = alloc!(buf, k)
                drop!(buf, B)
                """;
        String tupleLoop = """
                buf = Buffer(1000)
                k = 1
                for t in (1, 2, 3)
                    k += t
                end
                B = alloc!(buf, k)
                drop!(buf, B)
                """;
        // the while loop's condition is arithmetic: it is followed (iterated with n known), so k is known
        assertEquals(9L, measured(whileLoop, Map.of("n", new Value.Int(4), "flag", Value.Bool.TRUE)).get("buf"));
        assertEquals(9L, peaks(whileLoop, Map.of("n", 4L, "flag", true)).get("buf"));
        // k is a sum over the counted while (Accumulators): a formula of n
        SizingFunction wf = Analyzer.sizingFunctions(resolve(whileLoop)).get(0);
        assertEquals("(n >= 1) ? (flag ? 2*n + 1 : 1) : 1", SizingEvaluator.analyze(wf, Map.of()).formula("buf"));
        DiagnosticException e;
        assertEquals(7L, measured(tupleLoop, Map.of()).get("buf"));
        e = assertThrows(DiagnosticException.class, () -> peaks(tupleLoop, Map.of()));
        assertTrue(e.getMessage().contains("depends on k") && e.getMessage().contains("assigned at line 4"),
                e.getMessage());
    }

    @Test
    void aCounterAWhileLoopStepsIsKnownAfterIt() {
        // k += 2 in a counted while, then alloc!(buf, k): with an alloc! in the loop usage took k as the last
        // iteration started (9 where run takes 11); without one the loop was not followed and the alloc!
        // refused; the counter after the loop is now as the body leaves it, in closed form
        String script = """
                buf = Buffer(0)
                k = 1
                while k < n
                    T = alloc!(buf, 1)
                    drop!(buf, T)
                    k += 2
                end
                B = alloc!(buf, k)
                drop!(buf, B)
                """;
        String noAlloc = script.replace("    T = alloc!(buf, 1)\n    drop!(buf, T)\n", "");
        for (String s : List.of(script, noAlloc)) {
            for (long n : new long[] {0, 1, 2, 9, 10, 11}) {
                long run = measured(s, Map.of("n", new Value.Int(n))).get("buf");
                assertEquals(run, peaks(s, Map.of("n", n)).get("buf"), s + " n=" + n);
            }
            // the formula in n, without iterating: at n = 10^12 it is the value, at once
            assertEquals(1_000_000_000_001L, peaks(s, Map.of("n", 1_000_000_000_000L)).get("buf"));
        }
        // a while loop around no allocation whose condition usage knows is iterated (k *= 2 is not counted)
        String doubling = noAlloc.replace("k += 2", "k *= 2");
        assertEquals(measured(doubling, Map.of("n", new Value.Int(100))).get("buf"),
                peaks(doubling, Map.of("n", 100L)).get("buf"));
        // without n that loop cannot be followed: k is unknowable after it, the error at the alloc!
        DiagnosticException e = assertThrows(DiagnosticException.class, () -> peaks(doubling, Map.of()));
        assertTrue(e.getMessage().contains("depends on k"), e.getMessage());
        // past a limit of iterations (the analysis's cost) it is not followed: the same error, not a time-out
        String longLoop = noAlloc.replace("k += 2", "k += 1\n    k += 1");
        e = assertThrows(DiagnosticException.class,
                () -> peaks(longLoop, Map.of("n", 10 * LoopIteration.UNSIZED_ITERATIONS)));
        assertTrue(e.getMessage().contains("depends on k"), e.getMessage());
    }

    @Test
    void aLoopWithoutAllocationsNeedsNoRangeUsageCanCompute() {
        // for j in 1:size(A, 2) around no allocation: how often it runs decides no size; it was refused
        String script = """
                buf = Buffer(1000)
                A = alloc!(buf, n, 3)
                fill!(A, 1.0)
                total = 0.0
                for j in 1:size(A, 2)
                    col = A[:, j]
                    total += sum(col)
                end
                B = alloc!(buf, n)
                drop!(buf, B)
                drop!(buf, A)
                """;
        assertEquals(16L, peaks(script, Map.of("n", 4L)).get("buf"));
        assertEquals(16L, measured(script, Map.of("n", new Value.Int(4))).get("buf"));
    }

    @Test
    void aConditionUsageCannotKnowMayChooseBetweenBranchesThatChangeNoSize() {
        // A[i] > 0.5 (not arithmetic) and s > 2 (s from the contents) decide no size here; both were
        // refused at the condition; what the branches assign is unknowable after them
        String script = """
                buf = Buffer(1000)
                A = alloc!(buf, n)
                fill!(A, 1.0)
                pos = 0
                for i in 1:n
                    B = alloc!(buf, i)
                    if flag
                        C = alloc!(buf, 1)
                        drop!(buf, C)
                    elseif A[i] > 0.5
                        pos += 1
                    else
                        pos -= 1
                    end
                    drop!(buf, B)
                end
                s = sum(A)
                m = 2
                if s > 2
                    m = 3
                end
                D = alloc!(buf, n)
                drop!(buf, D)
                drop!(buf, A)
                """;
        for (boolean flag : new boolean[] {true, false}) {
            long expected = flag ? 9L : 8L;
            assertEquals(expected, peaks(script, Map.of("n", 4L, "flag", flag)).get("buf"));
            assertEquals(expected, measured(script, Map.of("n", new Value.Int(4), "flag", Value.Bool.of(flag)))
                    .get("buf"));
        }
        // still an error where the branch decides a size: a value it assigns read by a size, or an alloc! in it
        String sized = script.replace("D = alloc!(buf, n)", "D = alloc!(buf, m)");
        DiagnosticException e = assertThrows(DiagnosticException.class,
                () -> peaks(sized, Map.of("n", 4L, "flag", true)));
        assertTrue(e.getMessage().contains("depends on m") && e.getMessage().contains("assigned at line 20"),
                e.getMessage());
        // around an allocation both ways are sized (the larger peak) when they leave the buffers alike
        String allocates = script.replace("m = 3", "m = 3\n    E = alloc!(buf, 6)\n    drop!(buf, E)");
        assertEquals(10L, peaks(allocates, Map.of("n", 4L, "flag", true)).get("buf"));
        assertEquals(10L, measured(allocates, Map.of("n", new Value.Int(4), "flag", Value.Bool.TRUE)).get("buf"));
        // else what comes later depends on the way taken: the error at the condition
        String keeps = script.replace("m = 3", "m = 3\n    E = alloc!(buf, 6)");
        e = assertThrows(DiagnosticException.class, () -> peaks(keeps, Map.of("n", 4L, "flag", true)));
        assertTrue(e.getMessage().contains("depends on s"), e.getMessage());
        // a continue that skips the drop! of B: the iterations that take it keep B
        String leaves = script.replace("pos += 1", "pos += 1\n        continue");
        e = assertThrows(DiagnosticException.class, () -> peaks(leaves, Map.of("n", 4L, "flag", false)));
        assertTrue(e.getMessage().contains("whether this continue is taken")
                && e.getMessage().contains("leaves buf otherwise than the rest of the iteration"), e.getMessage());
    }

    @Test
    void aConditionUsageCannotComputeMayEndTheIterationsOfALoopAroundNoAllocation() {
        // if A[i] > 0.5 break / continue in loops that change no size: which iterations ran decides no
        // size; both were refused at the condition; what the loop assigns is unknowable after it
        String script = """
                buf = Buffer(1000)
                A = alloc!(buf, n)
                fill!(A, 1.0)
                i = 0
                while true
                    i += 1
                    if A[i] > 0.5 && i >= 2
                        break
                    end
                end
                k = 1
                for j in 1:n
                    if A[j] < 0
                        continue
                    end
                    k += 1
                end
                B = alloc!(buf, n)
                drop!(buf, B)
                drop!(buf, A)
                """;
        assertEquals(8L, peaks(script, Map.of("n", 4L)).get("buf"));
        assertEquals(8L, measured(script, Map.of("n", new Value.Int(4))).get("buf"));
        DiagnosticException e = assertThrows(DiagnosticException.class,
                () -> peaks(script.replace("alloc!(buf, n)\ndrop!(buf, B)", "alloc!(buf, k)\ndrop!(buf, B)"),
                        Map.of("n", 4L)));
        assertTrue(e.getMessage().contains("depends on k") && e.getMessage().contains("assigned at line 16"),
                e.getMessage());
        // in a loop that allocates what it gives back after the continue, an iteration that skips allocates
        // no more than a full one: the loop is sized as never skipping (exact for data that allocates)
        String allocates = script.replace("k += 1", "k += 1\n    C = alloc!(buf, j + 5)\n    drop!(buf, C)");
        assertEquals(13L, peaks(allocates, Map.of("n", 4L)).get("buf"));
        assertEquals(13L, measured(allocates, Map.of("n", new Value.Int(4))).get("buf"));
    }

    @Test
    void aLoopAroundNoAllocationThatMayReturnIsFollowed() {
        // the while loop returns before the alloc!; left out as a loop around no allocation, its return
        // was lost and usage counted the alloc! after it: 104 where run takes 4
        String script = """
                function f!(b, k)
                    i = 0
                    while true
                        i += 1
                        if i >= k
                            return i
                        end
                    end
                    T = alloc!(b, 100)
                    drop!(b, T)
                    return 0
                end
                buf = Buffer(1000)
                A = alloc!(buf, n)
                x = f!(buf, 3)
                drop!(buf, A)
                """;
        assertEquals(4L, measured(script, Map.of("n", new Value.Int(4))).get("buf"));
        assertEquals(4L, peaks(script, Map.of("n", 4L)).get("buf"));
    }

    @Test
    void aMissingVariableIsNamed() {
        DiagnosticException e = assertThrows(DiagnosticException.class, () -> peaks(SEED, Map.of()));
        assertTrue(e.getMessage().contains("small"), e.getMessage());
    }
}
