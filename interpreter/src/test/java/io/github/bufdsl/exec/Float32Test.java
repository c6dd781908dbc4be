package io.github.bufdsl.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.api.ScriptOutput;
import io.github.bufdsl.ast.Expr.BinOp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Float32 scalars as Julia has them: their promotion, their arithmetic in single precision, their
 * printing by print and by show. Each expected text is what Julia prints for the same line.
 */
class Float32Test {
    private static String run(String text) throws ScriptException {
        return ScriptOutput.stripped(text);
    }

    @Test
    void promotionIsJuliasPromoteType() {
        NumType f32 = NumType.FLOAT32;
        NumType f64 = NumType.FLOAT64;
        assertEquals(f32, NumType.arithmetic(BinOp.ADD, f32, f32));
        assertEquals(f32, NumType.arithmetic(BinOp.MUL, f32, NumType.INT64));
        assertEquals(f32, NumType.arithmetic(BinOp.SUB, NumType.BOOL, f32));
        assertEquals(f32, NumType.arithmetic(BinOp.DIV, f32, NumType.INT64));
        assertEquals(f32, NumType.arithmetic(BinOp.POW, NumType.INT64, f32));
        assertEquals(f64, NumType.arithmetic(BinOp.ADD, f32, f64));
        assertEquals(f64, NumType.arithmetic(BinOp.DIV, NumType.INT64, NumType.INT64));
        assertEquals(NumType.INT64, NumType.arithmetic(BinOp.ADD, NumType.BOOL, NumType.BOOL));
        assertEquals(f32, f32.toFloat());
        assertEquals(f64, NumType.INT64.toFloat());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // print (println, string, "$x") writes a Float32 without its type and with Julia's e
        "println(0.1f0)                         | 0.1",
        "println(1.0f10, \" \", 1f-5)            | 1.0e10 1.0e-5",
        "println(string(1.0f10), \"$(2.5f0)\")   | 1.0e102.5",
        "println(0.0001f0, \" \", 100000f0, \" \", 1f6) | 0.0001 100000.0 1.0e6",
        "println(Inf32, \" \", NaN32, \" \", -0.0f0) | Inf NaN -0.0",
        // show (@show, and inside tuples) writes its type: f0, f as the exponent, NaN32
        "x = 1.0f10; @show x                      | x = 1.0f10",
        "println((0.1f0, 1, Inf32, NaN32))        | (0.1f0, 1, Inf32, NaN32)",
        "println(typeof(1.5f0), \" \", typeof(1f0 + 1), \" \", typeof(1f0 + 1.0)) | Float32 Float32 Float64",
        // arithmetic rounds each result to Float32
        "println(0.1f0 + 0.2f0, \" \", 0.1f0 + 0.2f0 == 0.3f0) | 0.3 true",
        "println(2f0 / 3, \" \", 1 / 3f0, \" \", 0.1f0 * 3)  | 0.6666667 0.33333334 0.3",
        "s = 0f0; for i in 1:10; s += 0.1f0; end; println(s) | 1.0000001",
        // an Int converts to the nearest Float32 before the operation
        "println(16777216f0 + 1, \" \", Float32(16777217)) | 1.6777216e7 1.6777216e7",
        // with a Float64 the result is a Float64 of the Float32's exact value
        "println(0.1f0 + 0.0, \" \", Float64(0.1f0))  | 0.10000000149011612 0.10000000149011612",
        // comparisons across types are exact
        "println(0.1f0 == 0.1, \" \", 0.5f0 == 0.5, \" \", 0.1f0 < 0.1, \" \", 2^53 + 1 > 2.0^53) | false true false true",
        // functions of a Float32 give a Float32
        "println(sqrt(2f0), \" \", exp(1f0), \" \", abs(-2.5f0), \" \", round(2.5f0)) | 1.4142135 2.7182817 2.5 2.0",
        "println(typeof(sqrt(4f0)), \" \", typeof(floor(2.5f0)), \" \", typeof(max(1f0, 2))) | Float32 Float32 Float32",
        "println(max(1f0, 2), \" \", min(0.1f0, 0.1), \" \", Int(3f0)) | 2.0 0.1 3",
        // x^3 is x*x*x in Julia (two roundings), not the nearest value to the cube; the same for Float64
        "println(1.9956448f0^3, \" \", 1.476353208699335^3, \" \", 1.476353208699335^3.0) | 7.9478517 3.2178872044514257 3.2178872044514257",
        // isapprox's default rtol for a Float32 is sqrt(eps(Float32))
        "println(1f0 ≈ 1.0001f0, \" \", 1f0 ≈ 1.001f0, \" \", 1.0 ≈ 1.0001) | true false false",
    })
    void scalarsMatchJulia(String script, String julia) throws ScriptException {
        assertEquals(julia, run(script.replace("; ", "\n")));
    }

    @Test
    void tensorsOfFloat32BuffersGiveFloat32Elements() throws ScriptException {
        String out = run("buf = Buffer{Float32}(20)\nA = alloc!(buf, 3)\nA[1] = 0.1\nA[2] = 0.2f0\nA[3] = 1e10\n"
                + "println(A)\nprintln(A[1], \" \", typeof(A[1]), \" \", A[1] * 2)\n"
                + "println(sum(A), \" \", typeof(sum(A)), \" \", maximum(A), \" \", typeof(minimum(A)))\n"
                + "B = alloc!(buf, 3)\nB .= A .* 2\nprintln(B)\nB .= A .+ 0.1\nprintln(B)\n"
                + "d = Buffer(3)\nD = alloc!(d, 3)\nD .= A\nprintln(D)\n");
        assertEquals("Float32[0.1, 0.2, 1.0f10]\n0.1 Float32 0.2\n1.0e10 Float32 1.0e10 Float32\n"
                + "Float32[0.2, 0.4, 2.0f10]\nFloat32[0.2, 0.3, 1.0f10]\n"
                + "[0.10000000149011612, 0.20000000298023224, 1.0e10]", out);
    }

    @Test
    void aBroadcastWithAFloat32ComputesInSinglePrecision() throws ScriptException {
        // (x + 1e-8) - x is 0 in Float32 (1e-8 is below half an ulp of 1), 1e-8 in Float64
        String out = run("buf = Buffer{Float32}(4)\nA = alloc!(buf, 2)\nfill!(A, 1)\nB = alloc!(buf, 2)\n"
                + "B .= (A .+ 1f-8) .- A\nprintln(B)\nB .= (A .+ 1e-8) .- A\nprintln(B)\n");
        assertEquals("Float32[0.0, 0.0]\nFloat32[1.0f-8, 1.0f-8]", out);
    }

    @Test
    void showAndPrintOfFloat32() {
        assertEquals("0.1f0", ValueFormat.showFloat32(0.1f));
        assertEquals("1.0f10", ValueFormat.showFloat32(1e10f));
        assertEquals("-1.5f-7", ValueFormat.showFloat32(-1.5e-7f));
        assertEquals("-Inf32", ValueFormat.showFloat32(Float.NEGATIVE_INFINITY));
        assertEquals("0.1", ValueFormat.print(new Value.Float32(0.1f)));
        assertEquals("(0.1f0,)", ValueFormat.show(new Value.Tuple(java.util.List.of(new Value.Float32(0.1f)))));
        // the Float32 nearest 1e-4 is below it, and still prints plain, as its digits are 0.0001
        assertEquals("0.0001", ValueFormat.print(new Value.Float32(1e-4f)));
        assertEquals("3.4028235e38", ValueFormat.print(new Value.Float32(Float.MAX_VALUE)));
        assertEquals("1.0e-45", ValueFormat.print(new Value.Float32(Float.MIN_VALUE)));
    }

    @Test
    void usageComparesAFloat32AsRunDoes() throws ScriptException {
        // Float32(0.7) is below 0.7: the else branch, 20 elements; a Float64 0.7 would take 10
        String text = "buf = Buffer(100)\nx = 0.7f0\n@print_buffer_usage buf begin\n    if x >= 0.7\n"
                + "        A = alloc!(buf, 10)\n    else\n        A = alloc!(buf, 20)\n    end\n    drop!(buf, A)\nend\n";
        BufScript script = BufScript.fromString("t.buf", text);
        assertEquals(20L, script.usage(Map.of()).buffer("buf").peak());
        assertTrue(script.usage(Map.of()).blocks().get(0).sizingFunction().contains("x = 0.7f0"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(20L, script.run(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8)).buffersCreated()
                .get(0).highWater());
    }

    @Test
    void aJavaFloatIsAFloat32BothWays() throws ScriptException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var result = BufScript.fromString("t.buf", "println(typeof(y), \" \", y / 3)\nx = y * 2\nz = y + 0.5\n")
                .run(Map.of("y", 2.5f), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals("Float32 0.8333333", out.toString(StandardCharsets.UTF_8).strip());
        assertEquals(5.0f, result.get("x"));
        assertEquals(3.0, result.get("z"));
    }

    @Test
    void float32ValuesAreNotSizes() {
        ScriptException e = org.junit.jupiter.api.Assertions.assertThrows(ScriptException.class,
                () -> run("buf = Buffer(10)\nA = alloc!(buf, 2f0)\n"));
        assertTrue(e.getMessage().contains("must be an integer, not Float32 2.0f0"), e.getMessage());
    }
}
