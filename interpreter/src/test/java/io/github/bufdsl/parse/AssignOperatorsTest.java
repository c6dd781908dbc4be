package io.github.bufdsl.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.ScriptException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every assignment operator of the grammar in every place one may stand: a statement, and the
 * assignment of {@code @tensor}. Those a place does not take are diagnostics there, never another
 * exception (the fuzz test found {@code @tensor A[i] %= ...} failing with IllegalArgumentException).
 */
class AssignOperatorsTest {
    private static final String HEAD = "buf = Buffer(100)\nA = alloc!(buf, 2)\nB = alloc!(buf, 2)\n";

    @ParameterizedTest
    @ValueSource(strings = {"*=", "/=", ".=", ".+=", ".-=", ".*=", "./=", "\u00F7=", "^=", "%="})
    void tensorRefusesOtherOperatorsWithADiagnostic(String op) {
        ScriptException e = assertThrows(ScriptException.class,
                () -> BufScript.fromString("t.buf", HEAD + "@tensor A[i] " + op + " B[i]\n"));
        assertTrue(e.beforeRunning(), e.formatted());
        assertEquals(List.of("t.buf:4:14: error: @tensor assigns with =, +=, -= or :=, not " + op),
                List.of(e.formatted().lines().findFirst().orElseThrow()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"=", "+=", "-="})
    void tensorTakesItsOperators(String op) throws ScriptException {
        BufScript s = BufScript.fromString("t.buf", HEAD + "fill!(B, 2.0)\nfill!(A, 1.0)\n@tensor A[i] " + op
                + " B[i]\nprintln(A[1])\n");
        assertTrue(s.freeVariables().isEmpty());
    }
}
