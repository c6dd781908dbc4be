package io.github.bufdsl.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.api.ScriptOutput;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code round}, {@code floor}, {@code ceil} and {@code trunc} with {@code digits=} and {@code sigdigits=},
 * unary minus and integer powers, as Julia computes them. Each expected text is what Julia prints for the line.
 */
class ArithAsJuliaTest {
    private static String run(String text) throws ScriptException {
        return ScriptOutput.stripped(text);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "println(round(pi, digits=3), \" \", round(pi; digits=2))            | 3.142 3.14",
        // the float's exact value decides: 1.005 and 2.675 are a little below the written decimals
        "println(round(1.005, digits=2), \" \", round(2.675, digits=2))      | 1.0 2.67",
        // an exact tie goes to the even digit; 0.135 is a little above its decimal
        "println(round(0.125, digits=2), \" \", round(0.135, digits=2))      | 0.12 0.14",
        "println(round(-0.001, digits=2), \" \", ceil(-0.04, digits=1))      | -0.0 -0.0",
        "println(round(12345.678, digits=-2), \" \", round(15.0, digits=-1)) | 12300.0 20.0",
        "println(floor(2.789, digits=1), \" \", ceil(2.711, digits=1), \" \", trunc(-2.789, digits=1)) | 2.7 2.8 -2.7",
        "println(round(123456.0, sigdigits=2), \" \", round(0.00123456, sigdigits=3)) | 120000.0 0.00123",
        "println(round(-987.654, sigdigits=4), \" \", round(0.0, sigdigits=3))        | -987.7 0.0",
        // of an integer, a Float64 (Julia rounds float(x)); Inf and NaN stay
        "println(round(5, digits=2), \" \", round(Inf, digits=2), \" \", round(NaN, sigdigits=2)) | 5.0 Inf NaN",
        // a step beyond the largest float: 0, or Inf away from zero
        "println(round(1e300, digits=-400), \" \", ceil(1e300, digits=-400), \" \", floor(-1e300, digits=-400)) | 0.0 Inf -Inf",
        // more digits than a float has: itself
        "println(round(0.1, digits=2000) == 0.1, \" \", round(1e-300, digits=400))  | true 1.0e-300",
        // a Float32 stays one, rounded to the nearest Float32
        "println(round(3.14159f0, digits=2), \" \", typeof(round(3.14159f0, digits=2))) | 3.14 Float32",
        // unary minus: a Bool is an integer
        "println(-true, \" \", -false, \" \", +true, \" \", 3 + -true)       | -1 0 true 2",
        // sum adds in column-major order from Julia's start: -0.0 alone stays -0.0, none is 0.0
        "buf = Buffer(200); A = alloc!(buf, 1); A[1] = -0.0; E = alloc!(buf, 0); println(sum(A), \" \", sum(E)) | -0.0 0.0",
        "buf = Buffer(200); A = alloc!(buf, 100); fill!(A, 0.1); println(sum(A))   | 9.99999999999998",
        // LinearAlgebra's norm and dot of tensors (Julia's generic_norm2: scaled where the squares overflow)
        "buf = Buffer(100); A = alloc!(buf, 2, 3); for i in 1:6; A[i] = i - 3.5; end; B = alloc!(buf, 3, 2); fill!(B, 2.0); println(norm(A), \" \", norm(A, 1), \" \", norm(A, Inf), \" \", dot(A, B)) | 4.183300132670378 9.0 2.5 0.0",
        "buf = Buffer(100); A = alloc!(buf, 2); A[1] = 1e200; A[2] = 1e200; Z = alloc!(buf, 0); println(norm(A), \" \", norm(Z)) | 1.414213562373095e200 0.0",
        "b = Buffer{Float32}(10); F = alloc!(b, 3); fill!(F, 0.1); println(norm(F), \" \", typeof(norm(F))) | 0.17320508 Float32",
        // integer powers: exact, at once for any exponent of 0, 1 and -1 (this hung for (-1)^(10^18))
        "println(0^0, \" \", 0^5, \" \", 1^(10^18), \" \", (-1)^(10^18), \" \", (-1)^(10^18 + 1)) | 1 0 1 1 -1",
        "println((-2)^63, \" \", 2^62, \" \", 3^39)                         | -9223372036854775808 4611686018427387904 4052555153018976267",
        // Julia's functions of a range: Int results, sum by Julia's formula (0 for an empty range), prod exact
        "n = 4; println(sum(1:n), \" \", sum(1:2:9), \" \", sum(1:0), \" \", sum(10:-3:1), \" \", sum(-10^9:10^9), \" \", typeof(sum(1:n))) | 10 25 0 22 0 Int64",
        "n = 4; println(length(1:n), \" \", maximum(1:n), \" \", minimum(10:-3:1), \" \", maximum(10:-3:1), \" \", prod(1:n), \" \", prod(1:0), \" \", prod(-3:2:3), \" \", prod(-3:3)) | 4 4 1 10 24 1 9 0",
        "println(first(5:3), \" \", last(5:3), \" \", step(1:2:10), \" \", last(1:2:10), \" \", last(1:2:0), \" \", prod(1:20), \" \", sum(1:2^31)) | 5 4 2 9 -1 2432902008176640000 2305843010287435776",
        // a literal exponent is Base.literal_pow: an integer to a negative one is a Float64 (x^-n == inv(x)^n)
        "x = 2; a = 1; println(2^-1, \" \", x^-2, \" \", 2^-3, \" \", (a + 2)^-2, \" \", 2^(-1)) | 0.5 0.25 0.125 0.1111111111111111 0.5",
        "println(3^-3, \" \", true^-1, \" \", 0^-1, \" \", (-2)^-1, \" \", typeof(2^-1), \" \", 2 .^ -1) | 0.037037037037037035 1.0 Inf -0.5 Float64 0.5",
        "y = 4; y ^= -1; println(y, \" \", 2f0^-2, \" \", typeof(2f0^-1), \" \", -2^-2, \" \", 2^3) | 0.25 0.25 Float32 -0.25 8",
    })
    void asJulia(String line, String expected) throws ScriptException {
        assertEquals(expected, run(line));
    }

    @Test
    void digitsAndSigdigitsTogetherIsAnError() {
        ScriptException e = org.junit.jupiter.api.Assertions.assertThrows(ScriptException.class,
                () -> run("println(round(1.5, digits=1, sigdigits=2))"));
        assertTrue(e.getMessage().contains("digits and sigdigits cannot both be given"), e.getMessage());
    }

    @Test
    void aNegativeExponentNotWrittenAsALiteralIsJuliasDomainError() {
        for (String script : new String[] {"n = -1\nprintln(2^n)", "println(2^-(1))", "k = 1\nprintln(2^-k)"}) {
            ScriptException e = org.junit.jupiter.api.Assertions.assertThrows(ScriptException.class, () -> run(script));
            assertTrue(e.getMessage().contains("cannot raise the integer 2 to a negative power -1 (Julia's DomainError"),
                    e.getMessage());
        }
    }

    @Test
    void usageComputesALiteralPowerAsRunDoes() throws ScriptException {
        String script = "buf = Buffer(10)\n@print_buffer_usage buf begin\nif 2^-1 * n^-1 < 0.2\nA = alloc!(buf, 8)\n"
                + "drop!(buf, A)\nend\nB = alloc!(buf, 3)\ndrop!(buf, B)\nend\n";
        BufScript s = BufScript.fromString("t.buf", script);
        assertEquals(8L, s.usage(Map.of("n", 3L)).buffer("buf").peak());
        assertEquals(3L, s.usage(Map.of("n", 2L)).buffer("buf").peak());
    }

    @Test
    void rangeFunctionsStopWhereJuliaThrowsOrWraps() {
        String[][] cases = {
            {"println(maximum(1:0))", "maximum of the empty range 1:0 (Julia's ArgumentError: range must be non-empty)"},
            {"n = 0; println(minimum(5:n))", "minimum of the empty range 5:0"},
            {"println(prod(1:21))", "integer overflow: prod(1:21) does not fit in 64 bits"},
            {"println(sum(1:2^62))", "integer overflow: sum(1:4611686018427387904) does not fit in 64 bits"},
            {"buf = Buffer(10); A = alloc!(buf, 2); println(last(A))", "last takes a range, not a tensor of size 2; index"
                    + " a tensor: A[end]"},
        };
        for (String[] c : cases) {
            ScriptException e = org.junit.jupiter.api.Assertions.assertThrows(ScriptException.class, () -> run(c[0]));
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
    }

    @Test
    void usageSizesRangeFunctionsInClosedFormAsRunComputesThem() throws ScriptException {
        String script = "buf = Buffer(10)\n@print_buffer_usage buf begin\nA = alloc!(buf, sum(1:n), length(1:2:n))\n"
                + "B = alloc!(buf, maximum(2:3:n) + minimum(n:-1:1) + first(3:n) + last(1:2:n) + step(1:4:n))\n"
                + "drop!(buf, A, B)\nend\n";
        BufScript s = BufScript.fromString("t.buf", script);
        for (long n = 0; n <= 12; n++) {
            long sum = n * (n + 1) / 2;
            long odd = (n + 1) / 2;
            long last = n % 2 == 1 ? n : n - 1;
            long b = n < 2 ? 0 : 2 + 3 * ((n - 2) / 3) + 1 + 3 + last + 4;
            if (n >= 2) {
                assertEquals(sum * odd + b, s.usage(Map.of("n", n)).buffer("buf").peak(), "n = " + n);
            }
        }
        String formula = s.usage(Map.of()).buffer("buf").formula(); // a closed form of n, no call left to run
        assertTrue(formula.contains("n^2") && !formula.contains("sum(") && !formula.contains("maximum("), formula);
    }

    @Test
    void overflowSaysJuliaWouldWrap() {
        ScriptException e = org.junit.jupiter.api.Assertions.assertThrows(ScriptException.class,
                () -> run("x = 1\nprintln(-(-9223372036854775807 - x))"));
        assertTrue(e.getMessage().contains("integer overflow: -(-9223372036854775808) does not fit in 64 bits"
                + " (Julia's Int64 would wrap around; bufdsl stops instead)"), e.getMessage());
    }

    @Test
    void dotOfTensorsOfDifferentLengthsIsAnError() {
        ScriptException e = org.junit.jupiter.api.Assertions.assertThrows(ScriptException.class,
                () -> run("buf = Buffer(10); A = alloc!(buf, 2); B = alloc!(buf, 3); println(dot(A, B))"));
        assertTrue(e.getMessage().contains("A has 2 elements and B 3"), e.getMessage());
    }

    @Test
    void rangesAreNamedAsJuliaNamesThem() {
        ScriptException unit = org.junit.jupiter.api.Assertions.assertThrows(ScriptException.class,
                () -> run("function f(x)\n    return 1 + x\nend\nprintln(f(1:3))"));
        assertTrue(unit.getMessage().contains("and UnitRange 1:3"), unit.getMessage());
        ScriptException step = org.junit.jupiter.api.Assertions.assertThrows(ScriptException.class,
                () -> run("println(first(3 - 1))"));
        assertTrue(step.getMessage().contains("first takes a range, not Int64 2"), step.getMessage());
        ScriptException stepRange = org.junit.jupiter.api.Assertions.assertThrows(ScriptException.class,
                () -> run("function f(x)\n    return 1 + x\nend\nprintln(f(1:2:5))"));
        assertTrue(stepRange.getMessage().contains("and StepRange 1:2:5"), stepRange.getMessage());
    }

    @Test
    void usageNegatesABoolAsRunDoes() throws ScriptException {
        String script = "buf = Buffer(10)\n@print_buffer_usage buf begin\nA = alloc!(buf, 3 + -true)\n"
                + "drop!(buf, A)\nend\n";
        BufScript s = BufScript.fromString("t.buf", script);
        assertEquals(2L, s.usage(Map.of()).buffer("buf").peak());
    }
}
