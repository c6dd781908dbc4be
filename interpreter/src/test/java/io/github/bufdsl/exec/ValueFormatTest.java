package io.github.bufdsl.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.bufdsl.runtime.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ValueFormatTest {
    @ParameterizedTest
    @CsvSource({
        "10.0, 10.0",
        "0.30000000000000004, 0.30000000000000004",
        "1.0e10, 1.0e10",
        "100000.0, 100000.0",
        "1000000.0, 1.0e6",
        "1234567.0, 1.234567e6",
        "0.0001, 0.0001",
        "0.00001, 1.0e-5",
        "-2.5, -2.5",
        "0.1, 0.1",
        "123.456, 123.456",
        "2.5e-7, 2.5e-7",
        "1.7976931348623157e308, 1.7976931348623157e308",
    })
    void floatsPrintAsJuliaPrintsThem(double value, String julia) {
        assertEquals(julia, ValueFormat.formatFloat(value));
    }

    @Test
    void specialFloats() {
        assertEquals("NaN", ValueFormat.formatFloat(Double.NaN));
        assertEquals("-Inf", ValueFormat.formatFloat(Double.NEGATIVE_INFINITY));
        assertEquals("-0.0", ValueFormat.formatFloat(-0.0));
    }

    @Test
    void tensorsPrintAsJuliaShowsArrays() {
        assertEquals("[1.0, 2.0, 3.0]", ValueFormat.tensor(Tensor.of(new double[] {1, 2, 3}, 3)));
        assertEquals("[1.0 3.0; 2.0 4.0]", ValueFormat.tensor(Tensor.of(new double[] {1, 2, 3, 4}, 2, 2)));
        assertEquals("[1.0 3.0; 2.0 4.0;;; 5.0 7.0; 6.0 8.0]",
                ValueFormat.tensor(Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2)));
        assertEquals("[1.0;;; 2.0;;;; 3.0;;; 4.0]",
                ValueFormat.tensor(Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2)));
    }

    @Test
    void tuplesAndStrings() {
        assertEquals("(1, \"a\", true)", ValueFormat.show(new Value.Tuple(java.util.List.of(
                new Value.Int(1), new Value.Str("a"), Value.Bool.TRUE))));
        assertEquals("a", ValueFormat.print(new Value.Str("a")));
        assertEquals("(3,)", ValueFormat.show(new Value.Tuple(java.util.List.of(new Value.Int(3)))));
    }
}
