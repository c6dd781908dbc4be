package io.github.bufdsl.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Julia's Printf, case by case: the examples of its documentation (doctests), C's conversions
 * where Julia writes what C writes, and where Julia differs from C (its rounding of %g's style,
 * negative numbers in hexadecimal, Inf and NaN).
 */
class PrintfFormatTest {
    private static PrintfFormat.Arg arg(Object v) {
        if (v instanceof Long n) {
            return new PrintfFormat.Arg(n, false, false, n.toString());
        }
        if (v instanceof Double d) {
            return new PrintfFormat.Arg(d, false, false, String.valueOf(d));
        }
        if (v instanceof Boolean b) {
            return new PrintfFormat.Arg(null, true, false, b.toString());
        }
        return new PrintfFormat.Arg(null, false, true, (String) v);
    }

    private static String format(String f, Object... values) {
        List<PrintfFormat.Arg> args = new ArrayList<>();
        for (Object v : values) {
            args.add(arg(v));
        }
        return PrintfFormat.parse(f).format(args);
    }

    @Test
    void juliasDocumentedExamples() {
        assertEquals("Hello world", format("Hello %s", "world"));
        assertEquals("Scientific notation 1.234000e+00", format("Scientific notation %e", 1.234));
        assertEquals("Scientific notation three digits 1.235e+00", format("Scientific notation three digits %.3e",
                1.23456));
        assertEquals("Decimal two digits 1.23", format("Decimal two digits %.2f", 1.23456));
        assertEquals("Padded to length 5   123", format("Padded to length 5 %5i", 123L));
        assertEquals("Padded with zeros to length 6 000123", format("Padded with zeros to length 6 %06i", 123L));
        assertEquals("Use shorter of decimal or scientific 1.23 1.23e+07",
                format("Use shorter of decimal or scientific %g %g", 1.23, 12300000.0));
        assertEquals("Use dynamic width and precision        0.12",
                format("Use dynamic width and precision  %*.*f", 10L, 2L, 0.12345));
        assertEquals("Inf Inf NaN NaN", format("%f %F %f %F", Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
                Double.NaN, Double.NaN));
        assertEquals("0 0.0 -0.007812", format("%.0f %.1f %f", 0.5, 0.025, -0.0078125));
        assertEquals("this is a test            34.6", format("this is a %s %15.1f", "test", 34.567));
    }

    @Test
    void integerConversions() {
        assertEquals("+42 -42", format("%+d %+d", 42L, -42L));
        assertEquals(" 42|42   |00042", format("% d|%-5d|%05d", 42L, 42L, 42L));
        assertEquals("007|   007|   007", format("%.3d|%6.3d|%06.3d", 7L, 7L, 7L));
        assertEquals("ff FF 10 0xff 0XFF 010", format("%x %X %o %#x %#X %#o", 255L, 255L, 8L, 255L, 255L, 8L));
        // Julia writes a negative number in another base as a minus sign and its magnitude (C: two's complement)
        assertEquals("-ff -17", format("%x %o", -255L, -15L));
        assertEquals("-9223372036854775808 -8000000000000000", format("%d %x", Long.MIN_VALUE, Long.MIN_VALUE));
        assertEquals("1 0", format("%d %d", true, false));
        // a float given to an integer conversion is written as %.0f (ties to even)
        assertEquals("3 2 4", format("%d %d %d", 3.0, 2.5, 3.5));
    }

    @Test
    void floatsRoundTheExactBinaryValueHalfToEven() {
        assertEquals("0 2 2 4", format("%.0f %.0f %.0f %.0f", 0.5, 1.5, 2.5, 3.5));
        assertEquals("1.00 2.67", format("%.2f %.2f", 1.005, 2.675)); // both just below the tie in binary
        assertEquals("-0.0 -0.000000 -0", format("%.1f %f %g", -0.01, -0.0, -0.0));
        assertEquals("1.e+00 1. 1.00000", format("%#.0e %#.0f %#g", 1.0, 1.0, 1.0));
        assertEquals("1.234568e+04 1.230000E-04 2e+00", format("%e %E %.0e", 12345.678, 0.000123, 2.5));
        assertEquals("1e+100 1e-300", format("%.0e %.0e", 1e100, 1e-300));
        assertEquals("179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878"
                + "171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075"
                + "868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026"
                + "184124858368.000000", format("%f", Double.MAX_VALUE));
    }

    @Test
    void generalFormatAsJuliasPrintf() {
        assertEquals("1.23 1.23e+07 100000 1e+06 0.0001 1e-05", format("%g %g %g %g %g %g", 1.23, 12300000.0,
                100000.0, 1e6, 0.0001, 0.00001));
        assertEquals("3.14 1E-10 0", format("%.3g %G %g", 3.14159, 1e-10, 0.0));
        // Julia picks the style from the value rounded to one digit more than the precision (C: to the
        // precision), so 999999.5 stays fixed and rounds up to 1000000, where C writes 1e+06
        assertEquals("1000000 10 99999.9", format("%g %g %g", 999999.5, 9.9999995, 99999.95));
        assertEquals("Inf -Inf NaN", format("%g %g %g", Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.NaN));
    }

    @Test
    void paddingFollowsJuliasRules() {
        assertEquals("-003.142", format("%08.3f", -3.14159));
        assertEquals("+03.14|  2.2|1.25e+01|", format("%+06.2f|%5.1f|%-8.2e|", 3.14159, 2.25, 12.5));
        // Julia puts the zeros after a sign only for a negative value or + or space: so before -0's sign,
        // and before NaN, where C pads with spaces
        assertEquals("000-0 0000NaN +0NaN", format("%05.0f %07f %+05e", -0.0, Double.NaN, Double.NaN));
        assertEquals("-00Inf", format("%06f", Double.NEGATIVE_INFINITY));
    }

    @Test
    void stringsAndCharacters() {
        assertEquals("     right|left    |tru|\"q\"", format("%10s|%-8s|%.3s|%#s", "right", "left", "truncated", "q"));
        assertEquals("1.5 true", format("%s %s", 1.5, true));
        assertEquals("AB", format("%c%c", 65L, "Bee"));
        assertThrows(IllegalArgumentException.class, () -> format("%c", -1L));
        assertThrows(IllegalArgumentException.class, () -> format("%c", ""));
    }

    @Test
    void dynamicWidthAndPrecision() {
        assertEquals("[   42] [7   ] [3.14]", format("[%*d] [%-*d] [%.*f]", 5L, 42L, 4L, 7L, 2L, Math.PI));
        assertThrows(IllegalArgumentException.class, () -> format("%*d", "five", 3L));
        assertEquals(List.of("integer", "number"), PrintfFormat.parse("%*d %s").demands().stream()
                .filter(d -> d != null).map(d -> d[0]).toList());
    }

    @Test
    void badFormatsAreRefusedWithWhere() {
        assertEquals(2, assertThrows(PrintfFormat.FormatError.class, () -> PrintfFormat.parse("a%k")).index());
        assertEquals(0, assertThrows(PrintfFormat.FormatError.class, () -> PrintfFormat.parse("")).index());
        assertTrue(assertThrows(PrintfFormat.FormatError.class, () -> PrintfFormat.parse("x %"))
                .getMessage().contains("incomplete"));
        assertTrue(assertThrows(PrintfFormat.FormatError.class, () -> PrintfFormat.parse("%5."))
                .getMessage().contains("precision"));
        assertTrue(assertThrows(PrintfFormat.FormatError.class, () -> PrintfFormat.parse("%a"))
                .getMessage().contains("not supported"));
        assertTrue(assertThrows(PrintfFormat.FormatError.class, () -> PrintfFormat.parse("%20000d"))
                .getMessage().contains("10000"));
        assertEquals(3, PrintfFormat.parse("%d %% %*f").arguments());
        assertEquals("100%", format("100%%"));
        assertEquals(2, PrintfFormat.parse("%ld %hhd").arguments()); // length modifiers change nothing
        assertThrows(IllegalArgumentException.class, () -> format("%d %d", 1L));
        assertThrows(IllegalArgumentException.class, () -> format("%f", "x"));
    }
}
