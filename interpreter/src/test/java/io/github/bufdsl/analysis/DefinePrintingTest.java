package io.github.bufdsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The printed sizing function writes a {@code :=} with the sizes of its tensors' {@code alloc!}
 * only where they are the sizes it runs with; elsewhere it stops with an error rather than print
 * a size that may be wrong (the peaks usage prints count it either way).
 */
class DefinePrintingTest {
    private static String printed(String script) {
        List<SizingFunction> fs = Analyzer.sizingFunctions(SizingTest.resolve(script));
        StringBuilder sb = new StringBuilder();
        fs.forEach(f -> sb.append(JuliaPrinter.print(f)));
        return sb.toString();
    }

    private static final String HEAD = "buf = Buffer(0)\n";

    @Test
    void aTensorAllocatedOnceAroundTheDefineGivesItsSizes() {
        String out = printed(HEAD + """
                A = alloc!(buf, n, 2)
                for k in 1:m
                    B = alloc!(buf, 2, k)
                    @tensor C[i, l] := A[i, j] * B[j, l]
                    drop!(buf, C, B)
                end
                """);
        assertTrue(out.contains("C = pseudo_alloc!(lenbuf, peakbuf, n * k)"), out);
        assertEquals(-1, out.indexOf("error("), out);
    }

    @Test
    void aTensorAllocatedInTwoBranchesIsNotPrintedWithOneOfThem() {
        String script = HEAD + """
                if big
                    B = alloc!(buf, 2, 8)
                else
                    B = alloc!(buf, 2, 4)
                end
                @tensor C[j, i] := B[i, j]
                drop!(buf, C, B)
                """;
        String out = printed(script);
        assertTrue(out.contains("C = error(\"bufdsl: the size of C (@tensor C := ... at line 7)"), out);
        // the peaks still count it, as running does
        assertEquals(32L, SizingTest.peaks(script, Map.of("big", true)).get("buf"));
        assertEquals(16L, SizingTest.peaks(script, Map.of("big", false)).get("buf"));
    }

    @Test
    void aSizeVariableAssignedAgainOrATensorTheFunctionIsGivenIsNotPrinted() {
        String reassigned = printed(HEAD + """
                n = 3
                A = alloc!(buf, n, 2)
                n = 10
                @tensor T[j, i] := A[i, j]
                """);
        assertTrue(reassigned.contains("T = error("), reassigned);
        String given = printed(HEAD + """
                function f(buf, X)
                    @tensor Y[j, i] := X[i, j]
                    drop!(buf, Y)
                    return 0
                end
                A = alloc!(buf, 3, 2)
                f(buf, A)
                """);
        assertTrue(given.contains("Y = error("), given);
        String afterLoop = printed(HEAD + """
                for k in 1:3
                    A = alloc!(buf, k)
                    drop!(buf, A)
                end
                A = alloc!(buf, 4)
                @tensor B[i] := A[i]
                """);
        assertTrue(afterLoop.contains("B = error("), afterLoop); // A is assigned twice
    }

    @Test
    void theJavaAndBufFormsRefuseWhatTheyCannotState() {
        String script = HEAD + """
                n = 3
                A = alloc!(buf, n, 2)
                n = 10
                @tensor T[j, i] := A[i, j]
                """;
        SizingFunction f = Analyzer.sizingFunctions(SizingTest.resolve(script)).get(0);
        IllegalArgumentException java = assertThrows(IllegalArgumentException.class,
                () -> JavaEmitter.emit(f, "Sizes"));
        assertTrue(java.getMessage().startsWith("--emit java: the size of T"), java.getMessage());
        IllegalArgumentException buf = assertThrows(IllegalArgumentException.class,
                () -> JuliaPrinter.printBuf(f, "sizes"));
        assertTrue(buf.getMessage().startsWith("--emit buf: the size of T"), buf.getMessage());
    }

    /** size(A, k) is printed in A's sizes by the same rule as a := (AssignmentSites#stated). */
    @Test
    void aSizeReadFollowsTheSameRule() {
        String inBlock = printed(HEAD + """
                A = alloc!(buf, n, 2)
                B = alloc!(buf, size(A, 1))
                """);
        assertTrue(inBlock.contains("B = pseudo_alloc!(lenbuf, peakbuf, n)"), inBlock);
        String inBranch = printed(HEAD + """
                if big
                    A = alloc!(buf, n, 2)
                end
                B = alloc!(buf, size(A, 1))
                """);
        // A is allocated in a branch the read is not in: as for a :=, not printed as n
        assertTrue(inBranch.contains("error(\"bufdsl: size(A, 1) is known only where it runs"), inBranch);
    }

    /** A condition on the data is sized each way in the printed function too, not evaluated on lengths. */
    @Test
    void aConditionOnTheDataIsPrintedAsEachWayFromTheSameLengths() {
        String out = printed(HEAD + """
                A = alloc!(buf, 4)
                rand!(A)
                if A[1] > 2.0
                    B = alloc!(buf, 100)
                    drop!(buf, B)
                else
                    C = alloc!(buf, 50)
                    drop!(buf, C)
                end
                """);
        assertTrue(out.contains("    # if A[1] > 2.0: decided by the data"), out);
        assertEquals(-1, out.indexOf("\n    if A[1]"), out);
        int save = out.indexOf("lenbuf_1 = lenbuf[]");
        int first = out.indexOf("B = pseudo_alloc!(lenbuf, peakbuf, 100)");
        int restore = out.indexOf("lenbuf[] = lenbuf_1");
        int second = out.indexOf("C = pseudo_alloc!(lenbuf, peakbuf, 50)");
        assertTrue(save > 0 && save < first && first < restore && restore < second, out);
    }

    /** A way on the data that breaks is printed without its break: the pasted loop goes on, as usage sizes it. */
    @Test
    void aWayThatBreaksIsPrintedWithoutItsBreak() {
        String out = printed(HEAD + """
                for i in 1:n
                    A = alloc!(buf, i)
                    rand!(A)
                    if sum(A) > 3
                        drop!(buf, A)
                        break
                    end
                    drop!(buf, A)
                end
                """);
        assertTrue(out.contains("# if sum(A) > 3: decided by the data"), out);
        assertEquals(-1, out.indexOf("break"), out); // it printed break: the loop stopped at its first iteration
        int save = out.indexOf("lenbuf_2 = lenbuf[]");
        int restore = out.indexOf("lenbuf[] = lenbuf_2");
        assertTrue(save > 0 && out.indexOf("pseudo_drop!(lenbuf, A)", save) < restore, out);
    }

    /** A size variable set in branches before the tensor (chi = big ? 32 : 8) keeps its value until the :=. */
    @Test
    void aSizeVariableSetInBranchesBeforeTheTensorIsPrinted() {
        String out = printed(HEAD + """
                chi = big ? 32 : 8
                for s in 1:n
                    S = alloc!(buf, chi, 2, chi)
                    @tensor T[c, p, a] := S[a, p, c]
                    drop!(buf, T, S)
                end
                """);
        assertTrue(out.contains("T = pseudo_alloc!(lenbuf, peakbuf, chi * 2 * chi)"), out);
        String after = printed(HEAD + """
                chi = 8
                S = alloc!(buf, chi, 2)
                if big
                    chi = 32
                end
                @tensor T[p, a] := S[a, p]
                """);
        assertTrue(after.contains("T = error("), after); // chi may change between the alloc! and the :=
    }
}
