package io.github.bufdsl.exec;

import io.github.bufdsl.runtime.ElementType;
import io.github.bufdsl.runtime.Tensor;
import java.math.BigDecimal;
import java.util.List;

/** Values as Julia prints them: {@code print} (strings raw) and {@code show} (strings quoted). */
public final class ValueFormat {
    private ValueFormat() {
    }

    /**
     * As Julia's {@code print}/{@code println} (and {@code string}, {@code "$x"}): strings raw, a
     * Float32 without its type ({@code 0.1}, {@code 1.0e10}); inside a tuple, values as {@code show}.
     */
    public static String print(Value v) {
        return v instanceof Value.Str s ? s.value() : v instanceof Value.Float32 f ? formatFloat(f.value(), true)
                : show(v);
    }

    /** As Julia's {@code show}, used by {@code @show} and inside tuples. */
    public static String show(Value v) {
        Text out = new Text("the text");
        show(v, out);
        return out.toString();
    }

    /** Appends what {@code print} prints of {@code v}, within the text's limit. */
    static void print(Value v, Text out) {
        if (v instanceof Value.Str s) {
            out.add(s.value());
        } else if (v instanceof Value.Float32 f) {
            out.add(formatFloat(f.value(), true));
        } else {
            show(v, out);
        }
    }

    /** Appends what {@code show} prints of {@code v}, within the text's limit. */
    static void show(Value v, Text out) {
        if (v instanceof Value.Str s) {
            out.room(s.value().length() + 2);
            out.add(quote(s.value()));
            return;
        }
        if (v instanceof Value.Tuple t) {
            List<Value> items = t.items();
            out.add("(");
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    out.add(", ");
                }
                show(items.get(i), out);
            }
            out.add(items.size() == 1 ? ",)" : ")");
            return;
        }
        if (v instanceof Value.Ref r) {
            out.add("Base.RefValue{" + r.get().typeName() + "}(");
            show(r.get(), out);
            out.add(")");
            return;
        }
        if (v instanceof Value.TensorValue t) {
            tensor(t.tensor(), out);
            return;
        }
        out.add(scalar(v));
    }

    private static String scalar(Value v) {
        if (v instanceof Value.Int i) {
            return Long.toString(i.value());
        }
        if (v instanceof Value.Float f) {
            return formatFloat(f.value());
        }
        if (v instanceof Value.Float32 f) {
            return showFloat32(f.value());
        }
        if (v instanceof Value.Bool b) {
            return Boolean.toString(b.value());
        }
        if (v instanceof Value.Range r) {
            return r.step() == 1 ? r.start() + ":" + r.stop() : r.start() + ":" + r.step() + ":" + r.stop();
        }
        if (v instanceof Value.BufferValue b) {
            return b.buffer().toString();
        }
        if (v instanceof Value.ThreadsBufferValue t) {
            return t.pool().toString();
        }
        if (v instanceof Value.Type t) {
            return t.name();
        }
        return "nothing";
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '$' -> sb.append("\\$");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /**
     * A Float64 as Julia shows it: the shortest digits that read back to the same number, plain
     * between 1e-4 and 1e6 ({@code 10.0}, {@code 0.30000000000000004}), else in scientific notation
     * ({@code 1.0e10}, {@code 1.0e-5}).
     */
    public static String formatFloat(double x) {
        return formatFloat(x, false);
    }

    /**
     * As {@link #formatFloat(double)}; with {@code single}, the shortest digits that read back to the
     * same Float32, as Julia prints a Float32 ({@code 0.1}, not {@code 0.10000000149011612}).
     */
    static String formatFloat(double x, boolean single) {
        if (Double.isNaN(x)) {
            return "NaN";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "Inf" : "-Inf";
        }
        if (x == 0) {
            return (1 / x < 0) ? "-0.0" : "0.0";
        }
        BigDecimal d = shortest(x, single);
        String sign = d.signum() < 0 ? "-" : "";
        d = d.abs();
        String digits = d.unscaledValue().toString();
        // strip trailing zeros of the digit string, adjusting the scale
        int scale = d.scale();
        while (digits.length() > 1 && digits.endsWith("0")) {
            digits = digits.substring(0, digits.length() - 1);
            scale--;
        }
        int exponent = digits.length() - 1 - scale; // x = d.ddd * 10^exponent
        if (exponent >= -4 && exponent <= 5) { // Julia's Ryu: plain when -4 < exponent + 1 <= 6
            return sign + plain(digits, exponent);
        }
        String mantissa = digits.substring(0, 1) + "." + (digits.length() > 1 ? digits.substring(1) : "0");
        return sign + mantissa + "e" + exponent;
    }

    /** A Float32 as Julia's {@code show} writes it: {@code 0.1f0}, {@code 1.0f10}, {@code NaN32}, {@code -Inf32}. */
    public static String showFloat32(float x) {
        if (Float.isNaN(x) || Float.isInfinite(x)) {
            return formatFloat(x, true) + "32";
        }
        String s = formatFloat(x, true);
        return s.contains("e") ? s.replace('e', 'f') : s + "f0";
    }

    /** An element of a Float32 array as Julia shows it inside {@code Float32[...]}: untyped, an exponent as f. */
    private static String float32Element(double x) {
        return formatFloat(x, true).replace('e', 'f');
    }

    private static String plain(String digits, int exponent) {
        if (exponent < 0) {
            return "0." + "0".repeat(-exponent - 1) + digits;
        }
        if (digits.length() <= exponent + 1) {
            return digits + "0".repeat(exponent + 1 - digits.length()) + ".0";
        }
        return digits.substring(0, exponent + 1) + "." + digits.substring(exponent + 1);
    }

    /**
     * The fewest significant digits that read back to {@code x} (as a Float32 when single), the
     * closest to {@code x} of those (Ryu's choice, which Julia prints): at each length both
     * neighbours of {@code x} are tried, since next to a power of two the nearer one may fall outside
     * while the farther one reads back.
     */
    private static BigDecimal shortest(double x, boolean single) {
        BigDecimal exact = new BigDecimal(x);
        for (int p = 1; p <= 17; p++) {
            BigDecimal best = null;
            for (java.math.RoundingMode mode : new java.math.RoundingMode[] {java.math.RoundingMode.FLOOR,
                    java.math.RoundingMode.CEILING}) {
                BigDecimal d = exact.round(new java.math.MathContext(p, mode));
                if ((single ? d.floatValue() == (float) x : d.doubleValue() == x) && (best == null
                        || d.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
                    best = d;
                }
            }
            if (best != null) {
                return best;
            }
        }
        return exact;
    }

    /** A tensor as Julia shows an array: {@code [1.0, 2.0]}, {@code [1.0 3.0; 2.0 4.0]}, 3-D with {@code ;;;}. */
    public static String tensor(Tensor t) {
        Text out = new Text("the text");
        tensor(t, out);
        return out.toString();
    }

    /**
     * Appends a tensor, element by element (no copy of its values); a tensor whose text cannot fit
     * (at least four characters an element) is refused before any is formatted.
     */
    static void tensor(Tensor t, Text out) {
        t.checkLive();
        int[] dims = t.dims();
        long n = t.length();
        boolean single = t.buffer().elementType() == ElementType.FLOAT32;
        String type = single ? "Float32" : "Float64";
        if (dims.length == 0) { // Julia's zero-dimensional array
            double x = t.getLinear(0);
            out.add("fill(" + (single ? showFloat32((float) x) : formatFloat(x)) + ")");
            return;
        }
        if (n == 0) { // Float64[], Matrix{Float64}(undef, 0, 3), Array{Float64, 3}(undef, 2, 0, 4)
            StringBuilder sizes = new StringBuilder();
            for (int d : dims) {
                sizes.append(", ").append(d);
            }
            out.add(dims.length == 1 ? type + "[]" : (dims.length == 2 ? "Matrix{" + type + "}" : "Array{" + type
                    + ", " + dims.length + "}") + "(undef" + sizes + ")");
            return;
        }
        out.room(4 * n);
        if (single) {
            out.add(type); // Float32[0.1, 0.2], as Julia shows an array of another element type than Float64
        }
        if (dims.length == 1) {
            out.add("[");
            for (long i = 0; i < n; i++) {
                if (i > 0) {
                    out.add(", ");
                }
                out.add(single ? float32Element(t.getLinear(i)) : formatFloat(t.getLinear(i)));
            }
            out.add("]");
            return;
        }
        out.add("[");
        int rows = dims[0];
        int cols = dims[1];
        long slice = (long) rows * cols;
        long slices = n / slice;
        for (long s = 0; s < slices; s++) {
            if (s > 0) {
                // k+1 semicolons, where k is the highest dimension (0-based) whose index changes
                int k = 2;
                long prod = dims[2];
                while (k + 1 < dims.length && s % prod == 0) {
                    k++;
                    prod *= dims[k];
                }
                out.add(";".repeat(k + 1)).add(" ");
            }
            for (int i = 0; i < rows; i++) {
                if (i > 0) {
                    out.add("; ");
                }
                for (int j = 0; j < cols; j++) {
                    if (j > 0) {
                        out.add(" ");
                    }
                    double x = t.getLinear(s * slice + (long) j * rows + i);
                    out.add(single ? float32Element(x) : formatFloat(x));
                }
            }
        }
        out.add("]");
    }
}
