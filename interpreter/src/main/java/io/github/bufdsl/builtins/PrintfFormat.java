package io.github.bufdsl.builtins;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * A format string of Julia's {@code Printf} ({@code @printf}, {@code @sprintf}), read once and
 * applied to values: C's conversions as Julia's Printf writes them. The parser reads the format
 * when it reads the macro (a bad format or a wrong count of values is an error before running, as
 * Julia's macro expansion reports the first); the interpreter applies it.
 *
 * <p>What Julia's Printf does and this does too: {@code %d %i %u %o %x %X} (a float given to them is
 * written as {@code %.0f} with the same flags and width; a negative number in hexadecimal or octal
 * is a minus sign and the magnitude), {@code %e %E %f %F %g %G} from the exact binary value,
 * rounded half to even ({@code @sprintf("%.0f", 0.5)} is {@code 0}), {@code Inf} and {@code NaN}
 * as Julia writes them, {@code %g} choosing its style from the exponent of the value rounded to
 * one digit more than the precision, {@code %s} (the value as {@code print} writes it), {@code %c}
 * (a character from an integer or the first of a string), the flags {@code - + space 0 #}, widths
 * and precisions, {@code *} for either, the length modifiers {@code h l ll L j q t z} (ignored),
 * and {@code %%}. Not supported, with a plain error: {@code %a %A} (hexadecimal floats), {@code %p},
 * {@code %n}, and widths or precisions above {@link #MAX_FIELD}. Widths count characters (Julia
 * counts display columns, so an East Asian wide character or an emoji pads differently).
 */
public final class PrintfFormat {
    /** The largest width or precision accepted (Julia has none; beyond it text is refused). */
    public static final int MAX_FIELD = 10_000;

    /** A format string that cannot be read; {@code index} is the offset in it where the problem is. */
    public static final class FormatError extends RuntimeException {
        private final int index;

        FormatError(String message, int index) {
            super(message);
            this.index = index;
        }

        public int index() {
            return index;
        }
    }

    /** A value as the format sees it: its number (Long, Double or Float; null for none) and its text. */
    public record Arg(Number number, boolean bool, boolean string, String text) {
    }

    private record Spec(char type, boolean left, boolean plus, boolean space, boolean zero, boolean hash, int width,
            int precision, boolean dynWidth, boolean dynPrecision, int at) {
    }

    private final List<String> literals;
    private final List<Spec> specs;
    private final int arguments;

    private PrintfFormat(List<String> literals, List<Spec> specs, int arguments) {
        this.literals = literals;
        this.specs = specs;
        this.arguments = arguments;
    }

    /** The number of values the format takes ({@code *} widths and precisions included). */
    public int arguments() {
        return arguments;
    }

    /**
     * What each value must be, in order: {@code "integer"} for a {@code *} width or precision,
     * {@code "number"} for a numeric conversion, {@code null} for {@code %s} and {@code %c} (any
     * value; {@code %c} checks its own when it runs). With the conversion written, for messages.
     */
    public List<String[]> demands() {
        List<String[]> out = new ArrayList<>();
        for (Spec s : specs) {
            if (s.dynWidth) {
                out.add(new String[] {"integer", "a * width"});
            }
            if (s.dynPrecision) {
                out.add(new String[] {"integer", "a * precision"});
            }
            out.add("cCsS".indexOf(s.type) >= 0 ? null : new String[] {"number", "%" + s.type});
        }
        return out;
    }

    /** Reads a format string, or throws {@link FormatError}. */
    public static PrintfFormat parse(String f) {
        if (f.isEmpty()) {
            throw new FormatError("the format string must not be empty", 0);
        }
        List<String> literals = new ArrayList<>();
        List<Spec> specs = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int args = 0;
        int i = 0;
        int n = f.length();
        while (i < n) {
            char c = f.charAt(i);
            if (c != '%') {
                lit.append(c);
                i++;
                continue;
            }
            int at = i;
            if (i + 1 >= n) {
                throw new FormatError("the format specifier is incomplete", at);
            }
            if (f.charAt(i + 1) == '%') {
                lit.append('%');
                i += 2;
                continue;
            }
            i++;
            boolean left = false;
            boolean plus = false;
            boolean space = false;
            boolean zero = false;
            boolean hash = false;
            for (;; i++) {
                if (i >= n) {
                    throw new FormatError("the format specifier is incomplete", at);
                }
                char fl = f.charAt(i);
                if (fl == '-') {
                    left = true;
                } else if (fl == '+') {
                    plus = true;
                } else if (fl == ' ') {
                    space = true;
                } else if (fl == '0') {
                    zero = true;
                } else if (fl == '#') {
                    hash = true;
                } else {
                    break;
                }
            }
            if (left) {
                zero = false;
            }
            int[] w = number(f, i, "width");
            i = w[1];
            boolean dynWidth = w[0] == DYNAMIC;
            int width = dynWidth ? 0 : w[0];
            int precision = -1;
            boolean dynPrecision = false;
            if (i < n && f.charAt(i) == '.') {
                i++;
                if (i >= n) {
                    throw new FormatError("the precision is missing after `.`", at);
                }
                int[] p = number(f, i, "precision");
                i = p[1];
                dynPrecision = p[0] == DYNAMIC;
                precision = dynPrecision ? -1 : p[0];
            }
            args += (dynWidth ? 1 : 0) + (dynPrecision ? 1 : 0);
            int modifier = i;
            if (i < n && (f.charAt(i) == 'h' || f.charAt(i) == 'l')) {
                char prev = f.charAt(i++);
                if (i < n && f.charAt(i) == prev) {
                    i++;
                }
            } else if (i < n && "Ljqtz".indexOf(f.charAt(i)) >= 0) {
                i++;
            }
            if (i >= n) {
                throw new FormatError("the format specifier is incomplete: it has no type (d, f, e, g, s, ...)", at);
            }
            char type = f.charAt(i);
            switch (type) {
                case 'a', 'A' -> throw new FormatError("%" + type + " (hexadecimal floats) is not supported in bufdsl",
                        i);
                case 'p', 'n' -> throw new FormatError("%" + type + " is not supported in bufdsl", i);
                case 'D', 'O', 'U' -> throw new FormatError("%" + type + " is not supported (Julia's Printf has no"
                        + " method for it); write %" + Character.toLowerCase(type), i);
                default -> {
                    if ("diouxXeEfFgGcCsS".indexOf(type) < 0) {
                        throw new FormatError("'" + printable(type) + "' is not a valid type specifier"
                                + (modifier < i ? " (after the length modifier " + f.substring(modifier, i)
                                + ", which changes nothing)" : ""), i);
                    }
                }
            }
            i++;
            boolean integer = "diouxX".indexOf(type) >= 0;
            if (integer && precision > 0) {
                zero = false;
            }
            if (precision < 0 && !dynPrecision && "eEfFgG".indexOf(type) >= 0) {
                precision = 6;
            }
            args++;
            literals.add(lit.toString());
            lit.setLength(0);
            specs.add(new Spec(type, left, plus, space, zero, hash, width, precision, dynWidth, dynPrecision, at));
        }
        literals.add(lit.toString());
        return new PrintfFormat(literals, specs, args);
    }

    private static String printable(char c) {
        return c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : Character.isISOControl(c)
                ? String.format("\\x%02x", (int) c) : String.valueOf(c);
    }

    /** A width or precision written at {@code i}: its value ({@link #DYNAMIC} for {@code *}) and where it ends. */
    private static int[] number(String f, int i, String what) {
        if (i < f.length() && f.charAt(i) == '*') {
            return new int[] {DYNAMIC, i + 1};
        }
        int start = i;
        while (i < f.length() && Character.isDigit(f.charAt(i))) {
            i++;
        }
        return new int[] {field(f, start, i, what), i};
    }

    private static final int DYNAMIC = -2;

    private static int field(String f, int start, int end, String what) {
        if (start == end) {
            return 0;
        }
        if (end - start > 5 || Integer.parseInt(f.substring(start, end)) > MAX_FIELD) {
            throw new FormatError("a " + what + " above " + MAX_FIELD + " is not supported in bufdsl", start);
        }
        return Integer.parseInt(f.substring(start, end));
    }

    /** The text of the values formatted; a value a conversion cannot take is an IllegalArgumentException. */
    public String format(List<Arg> args) {
        if (args.size() != arguments) {
            throw new IllegalArgumentException(countMessage(arguments, args.size()));
        }
        StringBuilder out = new StringBuilder(literals.get(0));
        int k = 0;
        for (int s = 0; s < specs.size(); s++) {
            Spec spec = specs.get(s);
            int width = spec.width;
            int precision = spec.precision;
            boolean zero = spec.zero;
            if (spec.dynWidth) {
                width = dynamic(args.get(k++), "width");
            }
            if (spec.dynPrecision) {
                precision = dynamic(args.get(k++), "precision");
                if ("diouxX".indexOf(spec.type) >= 0 && precision > 0) {
                    zero = false;
                }
                if (precision < 0 && "eEfFgG".indexOf(spec.type) >= 0) {
                    precision = 6;
                }
            }
            Spec actual = new Spec(spec.type, spec.left, spec.plus, spec.space, zero, spec.hash, Math.max(width, 0),
                    precision, false, false, spec.at);
            write(out, actual, args.get(k++));
            out.append(literals.get(s + 1));
        }
        return out.toString();
    }

    /**
     * At most how many characters {@link #format} writes for these values (so that a caller can
     * refuse a text too long before it is built).
     */
    public long maxLength(List<Arg> args) {
        long n = 0;
        for (String l : literals) {
            n += l.length();
        }
        for (Arg a : args) {
            // a value's own text, or a number's digits: a double's %f has at most 309 digits before
            // the point; the widths and precisions, each at most MAX_FIELD, come on top
            n += Math.max(a.text.length() + 2, 330) + 2L * MAX_FIELD;
        }
        return n;
    }

    /** The message for a format of {@code specs} values given {@code given}. */
    public static String countMessage(int specs, int given) {
        return "the format takes " + specs + (specs == 1 ? " value" : " values") + " but " + given
                + (given == 1 ? " is" : " are") + " given";
    }

    private static int dynamic(Arg a, String what) {
        if (!(a.number instanceof Long v) || a.bool) {
            throw new IllegalArgumentException("a * " + what + " needs an integer, not " + a.text);
        }
        if (Math.abs(v) > MAX_FIELD) {
            throw new IllegalArgumentException("a " + what + " above " + MAX_FIELD + " is not supported in bufdsl");
        }
        return v.intValue();
    }

    private static void write(StringBuilder out, Spec s, Arg a) {
        switch (s.type) {
            case 'c', 'C' -> character(out, s, a);
            case 's', 'S' -> string(out, s, a);
            case 'd', 'i', 'u', 'o', 'x', 'X' -> {
                if (a.number instanceof Long || a.bool) {
                    integer(out, s, a.bool ? (a.text.equals("true") ? 1 : 0) : (Long) a.number);
                } else if (a.number != null) {
                    floating(out, new Spec('f', s.left, s.plus, s.space, s.zero, s.hash, s.width, 0, false, false,
                            s.at), a);
                } else {
                    throw new IllegalArgumentException("%" + s.type + " needs a number, not " + describe(a));
                }
            }
            default -> {
                if (a.number == null && !a.bool) {
                    throw new IllegalArgumentException("%" + s.type + " needs a number, not " + describe(a));
                }
                floating(out, s, a);
            }
        }
    }

    private static String describe(Arg a) {
        return a.string ? "the string \"" + a.text + "\"" : a.text;
    }

    private static void pad(StringBuilder out, int count, char c) {
        for (int i = 0; i < count; i++) {
            out.append(c);
        }
    }

    private static void character(StringBuilder out, Spec s, Arg a) {
        int cp;
        if (a.string && !a.text.isEmpty()) {
            cp = a.text.codePointAt(0);
        } else if (a.number instanceof Long v && !a.bool && v >= 0 && v <= Character.MAX_CODE_POINT
                && !(v >= 0xD800 && v <= 0xDFFF)) {
            cp = v.intValue();
        } else {
            throw new IllegalArgumentException("%c needs a character code or a non-empty string, not " + describe(a));
        }
        if (!s.left) {
            pad(out, s.width - 1, ' ');
        }
        out.appendCodePoint(cp);
        if (s.left) {
            pad(out, s.width - 1, ' ');
        }
    }

    /** Julia's %s: the text as print writes it, {@code #} quoting a string, precision cutting it. */
    private static void string(StringBuilder out, Spec s, Arg a) {
        String str = a.text;
        int slen = str.codePointCount(0, str.length()) + (s.hash ? (a.string ? 2 : 1) : 0);
        int p = s.precision < 0 ? slen : Math.min(slen, s.precision);
        int op = p;
        if (!s.left && s.width > p) {
            pad(out, s.width - p, ' ');
        }
        if (s.hash && a.string) {
            out.append('"');
            p--;
        }
        for (int i = 0; i < str.length(); ) {
            int cp = str.codePointAt(i);
            p--;
            if (p < 0) {
                break;
            }
            out.appendCodePoint(cp);
            i += Character.charCount(cp);
        }
        if (s.hash && a.string && p > 0) {
            out.append('"');
        }
        if (s.left && s.width > op) {
            pad(out, s.width - op, ' ');
        }
    }

    private static void integer(StringBuilder out, Spec s, long v) {
        int base = s.type == 'o' ? 8 : (s.type == 'x' || s.type == 'X') ? 16 : 10;
        boolean neg = v < 0;
        String digits = Long.toUnsignedString(neg ? -v : v, base); // -Long.MIN_VALUE is itself, unsigned 2^63
        if (s.type == 'X') {
            digits = digits.toUpperCase(java.util.Locale.ROOT);
        }
        int nd = digits.length();
        int prefix = s.hash ? (s.type == 'o' ? 1 : (s.type == 'x' || s.type == 'X') ? 2 : 0) : 0;
        int arglen = nd + (neg || s.plus || s.space ? 1 : 0) + prefix;
        int prec = s.precision;
        int arglen2 = arglen < s.width && prec > 0 ? arglen + Math.min(Math.max(0, prec - nd), s.width - arglen)
                : arglen;
        if (!s.left && !s.zero && arglen2 < s.width) {
            pad(out, s.width - arglen2, ' ');
        }
        if (neg) {
            out.append('-');
        } else if (s.plus) {
            out.append('+');
        } else if (s.space) {
            out.append(' ');
        }
        if (prefix == 1) {
            out.append('0');
        } else if (prefix == 2) {
            out.append(s.type == 'x' ? "0x" : "0X");
        }
        if (s.zero && arglen2 < s.width) {
            pad(out, s.width - arglen2, '0');
        } else if (nd < prec) {
            pad(out, prec - nd, '0');
        } else if (arglen < arglen2) {
            pad(out, arglen2 - arglen, '0');
        }
        out.append(digits);
        if (s.left && arglen2 < s.width) {
            pad(out, s.width - arglen2, ' ');
        }
    }

    private static void floating(StringBuilder out, Spec s, Arg a) {
        double x = a.bool ? (a.text.equals("true") ? 1.0 : 0.0) : a.number.doubleValue();
        int start = out.length();
        boolean upper = Character.isUpperCase(s.type);
        char type = Character.toLowerCase(s.type);
        boolean neg = x < 0 || (x == 0 && 1 / x < 0);
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            if (Double.isInfinite(x)) {
                out.append(x < 0 ? "-" : s.plus ? "+" : s.space ? " " : "");
                out.append("Inf");
            } else {
                // Julia's %e writes a sign before NaN as before a number; %f and %g write none
                out.append(type != 'e' ? "" : s.plus ? "+" : s.space ? " " : "").append("NaN");
            }
        } else {
            out.append(neg ? "-" : s.plus ? "+" : s.space ? " " : "");
            BigDecimal v = new BigDecimal(Math.abs(x));
            int prec = s.precision;
            switch (type) {
                case 'f' -> out.append(fixed(v, prec, s.hash, false));
                case 'e' -> out.append(exponential(v, prec, s.hash, false, upper ? 'E' : 'e'));
                default -> {
                    int p = prec == 0 ? 1 : prec;
                    int exp = v.signum() == 0 ? 0 : decimalExponent(v, p + 1);
                    if (-4 <= exp && exp < p) {
                        out.append(fixed(v, p - (exp + 1), s.hash, !s.hash));
                    } else {
                        out.append(exponential(v, p - 1, s.hash, !s.hash, upper ? 'E' : 'e'));
                    }
                }
            }
        }
        int len = out.length() - start;
        if (len < s.width) {
            int n = s.width - len;
            if (s.left) {
                pad(out, n, ' ');
            } else {
                // Julia's rule: the zeros go after a sign written for a negative value or by + or space
                int at = start + (s.zero && (x < 0 || s.plus || s.space) ? 1 : 0);
                out.insert(at, String.valueOf(s.zero ? '0' : ' ').repeat(n));
            }
        }
    }

    /** The exponent of v (positive) in scientific notation once rounded to {@code digits} significant digits. */
    private static int decimalExponent(BigDecimal v, int digits) {
        BigDecimal r = v.round(new MathContext(digits, RoundingMode.HALF_EVEN));
        return r.precision() - r.scale() - 1;
    }

    private static String fixed(BigDecimal v, int prec, boolean hash, boolean trim) {
        String t = v.setScale(prec, RoundingMode.HALF_EVEN).toPlainString();
        if (trim && t.indexOf('.') >= 0) {
            t = stripZeros(t);
        }
        if (hash && t.indexOf('.') < 0) {
            t = t + ".";
        }
        return t;
    }

    private static String exponential(BigDecimal v, int prec, boolean hash, boolean trim, char e) {
        String digits;
        int exp;
        if (v.signum() == 0) {
            digits = "0".repeat(prec + 1);
            exp = 0;
        } else {
            BigDecimal r = v.round(new MathContext(prec + 1, RoundingMode.HALF_EVEN));
            digits = r.unscaledValue().toString();
            exp = r.precision() - r.scale() - 1;
            if (digits.length() < prec + 1) {
                digits = digits + "0".repeat(prec + 1 - digits.length());
            } else if (digits.length() > prec + 1) {
                digits = digits.substring(0, prec + 1); // only zeros are cut: the value was rounded already
            }
        }
        String mantissa = digits.length() > 1 || hash ? digits.charAt(0) + "." + digits.substring(1)
                : digits;
        if (trim && mantissa.indexOf('.') >= 0) {
            mantissa = stripZeros(mantissa);
        }
        int a = Math.abs(exp);
        return mantissa + e + (exp < 0 ? "-" : "+") + (a < 10 ? "0" : "") + a;
    }

    private static String stripZeros(String t) {
        int end = t.length();
        while (t.charAt(end - 1) == '0') {
            end--;
        }
        if (t.charAt(end - 1) == '.') {
            end--;
        }
        return t.substring(0, end);
    }
}
