package io.github.bufdsl.analysis;

import static io.github.bufdsl.analysis.SizingTest.measured;
import static io.github.bufdsl.analysis.SizingTest.peaks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.exec.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Conditions usage cannot know before running (they read data) around allocations, break, continue and
 * return ({@link DataChoices}): the peak is the largest over the ways, which is what running measures
 * when the data takes the largest way and never less; what usage cannot size soundly is refused.
 */
class DataChoicesTest {
    private static final String SKIP = """
            buf = Buffer(0)
            A = alloc!(buf, n)
            fill!(A, VALUE)
            for i in 1:n
                x = A[i]
                if x < 0
                    continue
                end
                B = alloc!(buf, i)
                drop!(buf, B)
            end
            drop!(buf, A)
            """;

    /** The peak of buf, plus that of tbuf per buffer where the script has one. */
    private static long usage(String script, long n) {
        Map<String, Long> p = peaks(script, Map.of("n", n));
        return p.get("buf") + p.getOrDefault("tbuf", 0L);
    }

    private static long run(String script, long n, double value) {
        Map<String, Long> m = measured(script.replace("VALUE", Double.toString(value)), Map.of("n", new Value.Int(n)));
        return m.get("buf") + m.getOrDefault("tbuf", 0L);
    }

    /**
     * The script's loop as Threads.@threads: an iteration takes its memory from a ThreadsBuffer (the
     * iterations may not share buf's stack) and gives it back.
     */
    private static String threaded(String script) {
        return script.replace("for i", "Threads.@threads for i").replace("buf = Buffer(0)\n",
                "buf = Buffer(0)\ntbuf = ThreadsBuffer(0)\n").replace("B = alloc!(buf, i)\n    drop!(buf, B)",
                "B = alloc!(tbuf, i)\n    reset!(tbuf)");
    }

    @Test
    void aContinueOrBreakOnDataBeforeWhatTheIterationGivesBackIsSizedAsNeverTaken() {
        // all four forms were refused at the condition: a scalar read from the data (x = A[i]; if x < 0),
        // a condition on the data itself (if A[i] < 0), in a for loop and in Threads.@threads
        String onData = SKIP.replace("x = A[i]\n    if x < 0", "if A[i] < 0");
        for (String s : List.of(SKIP, onData, threaded(SKIP), threaded(onData), SKIP.replace("continue", "break"),
                onData.replace("continue", "break"))) {
            for (long n : new long[] {0, 1, 5}) {
                assertEquals(2 * n, usage(s, n), s);
                assertEquals(2 * n, run(s, n, 1.0), s); // the data goes on: exact
                assertTrue(run(s, n, -1.0) <= usage(s, n), s); // the data skips: an upper bound
            }
            // in closed form: the cost does not grow with the iterations
            assertEquals(2_000_000_000_000L, usage(s, 1_000_000_000_000L), s);
        }
    }

    @Test
    void aWhileTrueThatOnlyABreakOnDataEndsIsSizedAndRuns() {
        // it was refused, and then "this loop never ends" stopped run itself (exit 2)
        String script = """
                buf = Buffer(0)
                A = alloc!(buf, 10)
                fill!(A, 1.0)
                i = 0
                while true
                    i += 1
                    B = alloc!(buf, 3)
                    drop!(buf, B)
                    if A[i] > 0.5
                        break
                    end
                end
                drop!(buf, A)
                """;
        assertEquals(13L, peaks(script, Map.of()).get("buf"));
        assertEquals(13L, measured(script, Map.of()).get("buf"));
    }

    @Test
    void whatTheSkippedRestOfAnIterationAssignsIsUnknowable() {
        // k counts the iterations that went on: usage cannot know it after the loop
        String after = SKIP.replace("    B = alloc!", "    k += 1\n    B = alloc!").replace("buf = Buffer(0)",
                "buf = Buffer(0)\nk = 0").replace("drop!(buf, A)", "C = alloc!(buf, k)\ndrop!(buf, C)\ndrop!(buf, A)");
        DiagnosticException e = assertThrows(DiagnosticException.class, () -> usage(after, 5));
        assertTrue(e.getMessage().contains("depends on k"), e.getMessage());
        // nor in the next iteration: j is the i of the last iteration that went on, not of the one before
        String carried = SKIP.replace("    x = A[i]", "    T = alloc!(buf, j)\n    drop!(buf, T)\n    x = A[i]")
                .replace("    B = alloc!", "    j = i\n    B = alloc!").replace("buf = Buffer(0)", "buf = Buffer(0)\nj = 1");
        e = assertThrows(DiagnosticException.class, () -> usage(carried, 5));
        assertTrue(e.getMessage().contains("depends on j"), e.getMessage());
    }

    @Test
    void aValueAnIterationMakesUnknowableIsUnknowableInTheNext() {
        // summarized once from j = 1, the loop took every iteration's T as 1: usage 4 where run takes 18
        String script = """
                buf = Buffer(0)
                A = alloc!(buf, 3)
                fill!(A, 5.0)
                j = 1
                for i in 1:4
                    T = alloc!(buf, j)
                    drop!(buf, T)
                    j = Int(sum(A))
                end
                drop!(buf, A)
                """;
        assertEquals(18L, measured(script, Map.of()).get("buf"));
        DiagnosticException e = assertThrows(DiagnosticException.class, () -> peaks(script, Map.of()));
        assertTrue(e.getMessage().contains("depends on j") && e.getMessage().contains("line 8"), e.getMessage());
    }

    @Test
    void waysThatLeaveAVariableNamingAnotherTensorAreRefused() {
        // usage went on from the first way (X = B, D of 2): 21 where run, not taking it, takes 26
        String script = """
                buf = Buffer(0)
                A = alloc!(buf, 10)
                fill!(A, VALUE)
                B = alloc!(buf, 2)
                C = alloc!(buf, 7)
                X = C
                if A[1] > 0.5
                    X = B
                    T = alloc!(buf, 1)
                    drop!(buf, T)
                end
                D = alloc!(buf, size(X, 1))
                drop!(buf, D)
                drop!(buf, C)
                drop!(buf, B)
                drop!(buf, A)
                """;
        assertEquals(26L, run(script, 0, -1.0));
        DiagnosticException e = assertThrows(DiagnosticException.class, () -> usage(script, 0));
        assertTrue(e.getMessage().contains("usage cannot compute `A[1] > 0.5`"), e.getMessage());
    }

    @Test
    void aLeaveThatChangesWhatStaysAllocatedIsRefused() {
        // a break that skips the drop! of B leaves B allocated after the loop: C would find it there
        String skipsDrop = """
                buf = Buffer(0)
                A = alloc!(buf, 10)
                fill!(A, VALUE)
                for i in 1:n
                    B = alloc!(buf, 2)
                    if A[i] > 0.5
                        break
                    end
                    drop!(buf, B)
                end
                C = alloc!(buf, 10)
                reset!(buf)
                """;
        assertEquals(22L, run(skipsDrop, 5, 1.0)); // 10 + 2 + 10: more than any way that never breaks
        for (String s : List.of(skipsDrop, skipsDrop.replace("break", "continue"))) {
            DiagnosticException e = assertThrows(DiagnosticException.class, () -> usage(s, 5));
            assertTrue(e.getMessage().contains("whether this " + (s.contains("break") ? "break" : "continue")
                    + " is taken") && e.getMessage().contains("otherwise than the rest of the iteration"),
                    e.getMessage());
        }
        // a break before nothing, in a loop whose iterations keep B: the loop may end after any iteration
        String keeps = skipsDrop.replace("    drop!(buf, B)\n", "");
        DiagnosticException e = assertThrows(DiagnosticException.class, () -> usage(keeps.replace(
                "    B = alloc!(buf, 2)\n    if A[i] > 0.5\n        break\n    end\n",
                "    if A[i] > 0.5\n        break\n    end\n    B = alloc!(buf, 2)\n"), 5));
        assertTrue(e.getMessage().contains("otherwise than the rest of the iteration"), e.getMessage());
        e = assertThrows(DiagnosticException.class, () -> usage(keeps, 5));
        assertTrue(e.getMessage().contains("the loop may end after any iteration"), e.getMessage());
    }

    private static final String RETURNS = """
            function f!(b, A, m)
                B = alloc!(b, m)
                if sum(A) > 0
                    drop!(b, B)
                    return 1
                end
                C = alloc!(b, 2 * m)
                drop!(b, C)
                drop!(b, B)
                return 2
            end
            buf = Buffer(0)
            A = alloc!(buf, 4)
            fill!(A, VALUE)
            r = f!(buf, A, n)
            drop!(buf, A)
            """;

    @Test
    void aReturnOnDataInAFunctionThatAllocatesSizesBothWays() {
        // refused at the condition: usage sized neither way
        for (long n : new long[] {0, 1, 3}) {
            assertEquals(4 + 3 * n, usage(RETURNS, n));
            assertEquals(4 + 3 * n, run(RETURNS, n, -1.0)); // goes on: exact
            assertEquals(4 + n, run(RETURNS, n, 1.0)); // returns early: below
        }
        // the way that returns holds the most: its peak
        String earlyMore = RETURNS.replace("        drop!(b, B)\n        return 1",
                "        X = alloc!(b, 5 * m)\n        drop!(b, X)\n        drop!(b, B)\n        return 1");
        assertEquals(4 + 6 * 3L, usage(earlyMore, 3));
        assertEquals(4 + 6 * 3L, run(earlyMore, 3, 1.0));
        assertEquals(4 + 6_000_000_000_000L, usage(earlyMore, 1_000_000_000_000L));
    }

    @Test
    void anIfOnDataThatEndsAFunctionReturnsEitherWay() {
        // the last if of a function returns its value on each way (an implicit return); it was refused
        String script = """
                function f(b, A)
                    B = alloc!(b, 5)
                    drop!(b, B)
                    if sum(A) > 0
                        T = alloc!(b, 7)
                        drop!(b, T)
                        1
                    else
                        2
                    end
                end
                buf = Buffer(0)
                A = alloc!(buf, 10)
                fill!(A, VALUE)
                r = f(buf, A)
                drop!(buf, A)
                """;
        assertEquals(17L, usage(script, 0));
        assertEquals(17L, run(script, 0, 1.0));
        assertEquals(15L, run(script, 0, -1.0));
        DiagnosticException e = assertThrows(DiagnosticException.class, () -> usage(script.replace(
                "        drop!(b, T)\n", "").replace("drop!(buf, A)", "reset!(buf)"), 0));
        assertTrue(e.getMessage().contains("whether this return is taken"), e.getMessage());
    }

    /** An iteration that allocates and gives back, then breaks on data: it was refused (a buffer's taken flag). */
    @Test
    void aBreakAfterWhatTheIterationGivesBackIsSized() {
        String script = """
                buf = Buffer(0)
                for i in 1:n
                    A = alloc!(buf, i, 2)
                    fill!(A, VALUE)
                    s = sum(A)
                    drop!(buf, A)
                    if s < 0
                        break
                    end
                end
                """;
        for (long n : new long[] {0, 1, 5}) {
            assertEquals(2 * n, usage(script, n));
            assertEquals(2 * n, run(script, n, 1.0));
            assertEquals(Math.min(n, 1) * 2, run(script, n, -1.0));
        }
    }

    /**
     * A scalar assigned after a continue on data is unknowable from there on: the error is where a size reads
     * it and names its assignment (it was at the condition, naming the condition's line).
     */
    @Test
    void aValueAContinueMakesUnknowableNamesItsAssignment() {
        String script = """
                buf = Buffer(0)
                A = alloc!(buf, 4)
                rand!(A)
                k = 1
                for i in 1:n
                    T = alloc!(buf, 1)
                    drop!(buf, T)
                    if A[1] > 0.5
                        continue
                    end
                    k = k + 1
                end
                B = alloc!(buf, k)
                """;
        for (Map<String, Long> vars : List.of(Map.of("n", 3L), Map.<String, Long>of())) {
            DiagnosticException e = assertThrows(DiagnosticException.class, () -> peaks(script, vars));
            assertTrue(e.getMessage().contains("depends on k") && e.getMessage().contains("assigned at line 11"),
                    e.getMessage());
            assertEquals(13, e.diagnostics().get(0).pos().line(), e.getMessage());
        }
    }

    /** A break on data in {@code for i in 1:n, j in 1:m} leaves both loops (Julia's rule, and run's): refused before. */
    @Test
    void aBreakOnDataInTheInnerLoopOfANestIsSized() {
        String nest = """
                buf = Buffer(0)
                for i in 1:n, j in 1:3
                    A = alloc!(buf, i * j)
                    fill!(A, VALUE)
                    if sum(A) > 3
                        drop!(buf, A)
                        break
                    end
                    drop!(buf, A)
                end
                B = alloc!(buf, 1)
                drop!(buf, B)
                """;
        for (long n : new long[] {0, 1, 2, 5}) {
            assertEquals(Math.max(3 * n, 1), usage(nest, n), nest);
            assertEquals(Math.max(3 * n, 1), run(nest, n, -1.0)); // never breaks: exact
        }
        // with ones it breaks at i = 2, j = 2 and leaves both loops (the inner loop alone would go on to 6)
        assertEquals(4L, run(nest, 5, 1.0));
        assertEquals(3_000_000_000_000L, usage(nest, 1_000_000_000_000L)); // in closed form
        // a continue there goes on with the next (i, j), as in nested loops
        String skip = nest.replace("        break\n", "        continue\n");
        assertEquals(15L, usage(skip, 5));
        assertEquals(15L, run(skip, 5, -1.0));
        // three ranges: the break leaves all three
        String three = nest.replace("for i in 1:n, j in 1:3", "for i in 1:n, j in 1:3, k in 1:2")
                .replace("i * j)", "i * j * k)");
        assertEquals(30L, usage(three, 5));
        assertEquals(30L, run(three, 5, -1.0));
        // an iteration that keeps what it takes: the nest may end after any of them, from another level
        String grows = nest.replace("        drop!(buf, A)\n    end\nB", "    end\nB").replace("    drop!(buf, A)\nend",
                "end\nreset!(buf)");
        DiagnosticException e = assertThrows(DiagnosticException.class, () -> usage(grows, 3), grows);
        assertTrue(e.getMessage().contains("whether this break is taken"), e.getMessage());
    }

    @Test
    void aReturnOnDataThatKeepsTensorsIsSizedUntilTheBufferIsUsedAgain() {
        // the way that returns keeps B, which the function's end gives back: refused at the condition before;
        // the peak is the largest way's, and what the caller does next in buf would start above B or not
        String keepsB = RETURNS.replace("        drop!(b, B)\n        return 1", "        return 1")
                .replace("drop!(buf, A)", "reset!(buf)\nD = alloc!(buf, 2)");
        for (long n : new long[] {0, 1, 3}) {
            assertEquals(4 + 3 * n, usage(keepsB, n));
            assertEquals(4 + 3 * n, run(keepsB, n, -1.0)); // goes on: exact
            assertTrue(run(keepsB, n, 1.0) <= usage(keepsB, n));
        }
        String dropsAfter = RETURNS.replace("        drop!(b, B)\n        return 1", "        return 1");
        DiagnosticException e = assertThrows(DiagnosticException.class, () -> usage(dropsAfter, 3));
        assertTrue(e.getMessage().contains("the return decided by the data at line 3 may leave B allocated in"
                + " buf") && e.diagnostics().get(0).pos().line() == 15, e.getMessage());
        // and run fails there when the data takes that way: drop!(buf, A) with B above it
        assertThrows(RuntimeException.class, () -> run(dropsAfter, 3, 1.0));
    }

    @Test
    void aReturnOnDataInALoopOfAFunctionIsSizedAsTheLoopRunningFully() {
        // refused before: "usage sizes such a return only outside loops"
        String inLoop = RETURNS.replace("    if sum(A) > 0\n        drop!(b, B)\n        return 1\n    end\n",
                "    for i in 1:m\n        T = alloc!(b, i)\n        if A[1] > 0\n            drop!(b, T, B)\n"
                        + "            return 1\n        end\n        drop!(b, T)\n    end\n");
        for (long n : new long[] {0, 1, 3, 6}) {
            assertEquals(4 + 3 * n, usage(inLoop, n), inLoop);
            assertEquals(4 + 3 * n, run(inLoop, n, -1.0)); // goes on: exact
            assertEquals(4 + n + Math.min(n, 1), run(inLoop, n, 1.0)); // returns in the first iteration
        }
        assertEquals(4 + 3_000_000_000_000L, usage(inLoop, 1_000_000_000_000L)); // in closed form
        // the return keeps T (a size of the iteration's) and B: sized, until the caller uses buf again
        String keeps = inLoop.replace("drop!(b, T, B)\n", "").replace("drop!(buf, A)", "reset!(buf)");
        assertEquals(4 + 3 * 5L, usage(keeps, 5));
        assertTrue(run(keeps, 5, 1.0) <= 4 + 3 * 5L);
        // an iteration that keeps what it takes: the function may return after any of them, from another level
        String grows = inLoop.replace("        drop!(b, T)\n    end", "    end");
        DiagnosticException e = assertThrows(DiagnosticException.class, () -> usage(grows, 3));
        assertTrue(e.getMessage().contains("the function may return in any iteration"), e.getMessage());
    }

}
