package io.github.bufdsl.resolve;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The catalogue of builtin functions and constants: names, how many arguments each takes and which
 * keyword arguments. The executor implements exactly these (a test keeps the two in step); the
 * resolver checks calls against them before anything runs.
 */
public final class Builtins {
    /** A builtin's signature: {@code max} is -1 for any number of arguments. */
    public record Signature(String name, int min, int max, Set<String> keywords, String usage) {
        public boolean accepts(int n) {
            return n >= min && (max < 0 || n <= max);
        }
    }

    private static final Map<String, Signature> FUNCTIONS = new LinkedHashMap<>();
    private static final Set<String> CONSTANTS = Set.of("nothing", "pi", "Inf", "NaN", "Float64", "Float32");

    private static void add(String name, int min, int max, String usage, String... keywords) {
        FUNCTIONS.put(name, new Signature(name, min, max, Set.of(keywords), usage));
    }

    static {
        add("Buffer", 1, 1, "Buffer(len; extend=true)", "extend");
        add("alloc!", 1, -1, "alloc!(buf, dims...)");
        add("drop!", 2, -1, "drop!(buf, tensors...)");
        add("reset!", 1, 1, "reset!(buf)");
        add("save", 2, 2, "save(\"file.npy\", A)");
        add("load", 2, 2, "load(buf, \"file.npy\")");
        add("reshape_buf!", 1, -1, "reshape_buf!(buf, dims...; offset=0)", "offset");
        add("used", 1, 1, "used(buf)");
        add("ThreadsBuffer", 1, 2, "ThreadsBuffer(len[, n])");
        add("nbuffers", 1, 1, "nbuffers(tbuf)");
        add("release!", 1, 1, "release!(tbuf)");
        add("isextendable", 1, 1, "isextendable(buf)");
        add("set_extendable!", 2, 2, "set_extendable!(buf, flag)");
        add("length", 1, 1, "length(x)");
        add("size", 1, 2, "size(A) or size(A, k)");
        add("ndims", 1, 1, "ndims(A)");
        add("neuralyze", 1, 1, "neuralyze(A)");
        add("rand!", 1, 1, "rand!(A)");
        add("fill!", 2, 2, "fill!(A, value)");
        add("sum", 1, 1, "sum(A)");
        add("maximum", 1, 1, "maximum(A)");
        add("minimum", 1, 1, "minimum(A)");
        add("println", 0, -1, "println(values...)");
        add("print", 0, -1, "print(values...)");
        add("string", 0, -1, "string(values...)");
        add("Ref", 1, 1, "Ref(value)");
        add("pseudo_alloc!", 3, 3, "pseudo_alloc!(len, peak, n)");
        add("pseudo_drop!", 1, -1, "pseudo_drop!(len, lens...)");
        add("pseudo_reset!", 1, 1, "pseudo_reset!(len)");
        add("pseudo_reshape!", 4, 4, "pseudo_reshape!(len, peak, offset, n)");
        add("min", 1, -1, "min(values...)");
        add("max", 1, -1, "max(values...)");
        add("abs", 1, 1, "abs(x)");
        add("sqrt", 1, 1, "sqrt(x)");
        add("exp", 1, 1, "exp(x)");
        add("log", 1, 1, "log(x)");
        add("div", 2, 2, "div(a, b)");
        add("mod", 2, 2, "mod(a, b)");
        add("cld", 2, 2, "cld(a, b)");
        add("prod", 1, 1, "prod(tuple)");
        add("Int", 1, 1, "Int(x)");
        add("Float64", 1, 1, "Float64(x)");
        add("isapprox", 2, 2, "isapprox(a, b; rtol=1e-8)", "rtol", "atol");
    }

    private Builtins() {
    }

    /** The signature of a builtin function, or null. */
    public static Signature function(String name) {
        return FUNCTIONS.get(name);
    }

    public static boolean isConstant(String name) {
        return CONSTANTS.contains(name);
    }

    /** Every builtin function name, for suggestions and for the executor's consistency test. */
    public static Set<String> functionNames() {
        return FUNCTIONS.keySet();
    }
}
