package io.github.bufdsl.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.api.ScriptOutput;
import io.github.bufdsl.grammar.BufDslLexer;
import io.github.bufdsl.grammar.BufDslParser;
import java.util.Map;
import java.util.stream.Collectors;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.RuleContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Julia's numeric literal coefficient: a number right before a name or a parenthesis multiplies it
 * ({@code 2n}, {@code 2(n+1)}), binding tighter than {@code *} and {@code /} and looser than
 * {@code ^}: {@code 2x^2} is {@code 2 * x^2}, {@code 2^2x} is {@code 2^(2x)}, {@code 1/2x} is
 * {@code 1/(2x)}. bufdsl refused it ("write 2 * n"). It is a rule of the parser, so every pass
 * (run, check, usage) reads the same tree.
 */
class NumericCoefficientTest {
    private static String run(String text) throws ScriptException {
        return ScriptOutput.stripped(text);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2n | 2 * n",
        "2(n+1) | 2 * (n + 1)",
        "3x^2 | 3 * x^2",
        "2^2n | 2^(2 * n)",
        "1/2x | 1 / (2 * x)",
        "-2n | -(2 * n)",
        "1.5x | 1.5 * x",
        "2n*3 | (2 * n) * 3",
        "2n + 1 | (2 * n) + 1",
        "n:2n | n:(2 * n)",
        "1_000n | 1000 * n",
        "2abs(n - 5) | 2 * abs(n - 5)",
    })
    void aCoefficientMultipliesWithJuliasPrecedence(String juxtaposed, String written) throws ScriptException {
        String head = "n = 3\nx = 2.0\n";
        assertEquals(run(head + "println(" + written + ")\n"), run(head + "println(" + juxtaposed + ")\n"), juxtaposed);
    }

    @Test
    void theValuesAreJuliasAndUsageSizesThem() throws ScriptException {
        assertEquals("6 8 12.0 64 0.25 3.0", run("n = 3\nx = 2.0\nprintln(2n, \" \", 2(n+1), \" \", 3x^2, \" \", 2^2n,"
                + " \" \", 1/2x, \" \", 1.5x)\n"));
        BufScript script = BufScript.fromString("u.buf", """
                buf = Buffer(0)
                @print_buffer_usage buf begin
                    A = alloc!(buf, 2n, 3n^2)
                    B = alloc!(buf, 2(n+1))
                    drop!(buf, B, A)
                end
                """);
        assertEquals("6*n^3 + 2*n + 2", script.usage(Map.of()).buffer("buf").formula());
        assertEquals(6 * 8 + 2 * 2 + 2, script.usage(Map.of("n", 2L)).buffer("buf").peak());
    }

    @Test
    void whatStaysAnError() throws ScriptException {
        // a space between: an error in Julia too
        ScriptException e = assertThrows(ScriptException.class, () -> BufScript.fromString("s.buf", "n = 3\nx = 2 n\n"));
        assertTrue(e.formatted().startsWith("s.buf:2:7: error: unexpected `n` after the number 2 and a space: as in"
                + " Julia, a number multiplies what follows it only with no space between (2n); write 2n or 2 * n"),
                e.formatted());
        // hexadecimal stays refused, 1e5 stays a Float64, 2e... is an exponent in Julia (no coefficient)
        e = assertThrows(ScriptException.class, () -> BufScript.fromString("h.buf", "x = 0x10\n"));
        assertTrue(e.formatted().contains("hexadecimal literals (`0x10`) are not supported"), e.formatted());
        assertEquals("100000.0 Float64", run("x = 1e5\nprintln(x, \" \", typeof(x))\n"));
        e = assertThrows(ScriptException.class, () -> BufScript.fromString("e.buf", "ex = 2\nx = 2ex\n"));
        assertTrue(e.formatted().contains("right after the number 2"), e.formatted());
        // a Float32 literal stays one
        assertEquals("Float32", run("println(typeof(1.5f0))\n"));
    }

    /**
     * The lexer tells a coefficient from a plain number as it emits the token, not with a predicate
     * in a rule: the lexer caches no step through a predicate, so every digit of every number was
     * matched the slow way (with a cold cache, 1.4x to 2x the time to lex a short script).
     */
    @Test
    void theLexerTellsACoefficientWithoutAPredicate() {
        int[] predicates = {0};
        BufDslLexer lexer = new BufDslLexer(CharStreams.fromString("a = 12 + 2n - 1.5x * 2(a) + 2.(a) + 1e5 + 2 n + 0x1 + 3e\n")) {
            @Override
            public boolean sempred(RuleContext ctx, int ruleIndex, int predIndex) {
                predicates[0]++;
                return super.sempred(ctx, ruleIndex, predIndex);
            }
        };
        String numbers = lexer.getAllTokens().stream()
                .filter(t -> Character.isDigit(t.getText().charAt(0)))
                .map(t -> t.getText() + ":" + BufDslParser.VOCABULARY.getSymbolicName(t.getType()))
                .collect(Collectors.joining(" "));
        assertEquals("12:INT 2:INT_COEFFICIENT 1.5:FLOAT_COEFFICIENT 2:INT_COEFFICIENT 2.:FLOAT 1e5:FLOAT 2:INT 0:INT"
                + " 3:INT", numbers);
        assertEquals(0, predicates[0], "predicates evaluated while lexing numbers");
    }
}
