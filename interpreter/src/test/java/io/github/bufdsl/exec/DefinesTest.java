package io.github.bufdsl.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.diag.Source;
import io.github.bufdsl.parse.Parser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which buffer a := takes its new tensor from: the rule, and the run following it. */
class DefinesTest {
    private static Stmt.Tensor statement(String rhs) {
        return (Stmt.Tensor) Parser.parse(new Source("t.buf", "@tensor C[i] := " + rhs + "\n")).body().get(0);
    }

    @Test
    void theFirstTensorOfTheFirstTermGivesTheBuffer() throws ScriptException {
        String[][] cases = {
            {"A[i]", "A"},
            {"B[i] + A[i]", "B"},
            {"2 * M[i, j] * A[j]", "M"},
            {"-(M[i, j] * A[j])", "M"},
            {"(1 + 2) * B[i] + A[i]", "B"},
            {"A[i] / 2 - B[i]", "A"},
            {"M[j, j] * A[i]", "M"},
            {"(2 + 1) * (A[i] + B[i])", "A"},
        };
        for (String[] c : cases) {
            Expr.Name from = (Expr.Name) Defines.source(statement(c[0]).rhs()).tensor();
            assertEquals(c[1], from.name(), c[0]);
            // the run takes C from that tensor's buffer: drop! from it gives C back, as the last tensor there
            String script = "ba = Buffer(100)\nbb = Buffer(100)\nbm = Buffer(100)\nA = alloc!(ba, 2)\n"
                    + "B = alloc!(bb, 2)\nM = alloc!(bm, 2, 2)\nfill!(A, 1.0)\nfill!(B, 1.0)\nfill!(M, 1.0)\n"
                    + "@tensor C[i] := " + c[0] + "\ndrop!(b" + c[1].toLowerCase() + ", C)\n";
            BufScript.fromString("t.buf", script).run(Map.of(), new PrintStream(new ByteArrayOutputStream(), true,
                    StandardCharsets.UTF_8), 1L);
        }
        assertNull(Defines.source(statement("2 + A[i]").rhs()), "a first term without a tensor");
    }
}
