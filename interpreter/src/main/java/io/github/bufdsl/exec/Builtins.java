package io.github.bufdsl.exec;

import io.github.bufdsl.builtins.ArgType;
import io.github.bufdsl.builtins.Role;
import io.github.bufdsl.builtins.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The builtin registry, read by the resolver (names, argument counts, keywords), the type checker
 * (argument and result types), the interpreter (implementations) and the analyzer (roles in
 * sizing; pure functions evaluated by their implementation). The table itself is
 * {@code Builtin.TABLE}, one entry per builtin.
 */
public final class Builtins {
    private static final Map<String, ArgType> CONSTANTS = Map.of("nothing", ArgType.NOTHING, "pi", ArgType.FLOAT,
            "Inf", ArgType.FLOAT, "NaN", ArgType.FLOAT, "Inf32", ArgType.FLOAT32, "NaN32", ArgType.FLOAT32,
            "Float64", ArgType.TYPE, "Float32", ArgType.TYPE);

    private Builtins() {
    }

    /** The signature of a builtin function, or null if there is none of that name. */
    public static Signature signature(String name) {
        Builtin.Entry e = Builtin.TABLE.get(name);
        return e == null ? null : e.signature();
    }

    /** A builtin's role in sizing, or null if there is no builtin of that name. */
    public static Role role(String name) {
        Builtin.Entry e = Builtin.TABLE.get(name);
        return e == null ? null : e.role();
    }

    /** Every builtin function name, in the table's order. */
    public static Set<String> functionNames() {
        return Builtin.TABLE.keySet();
    }

    /** True for the builtin constants ({@code pi}, {@code nothing}, {@code Float32}, ...). */
    public static boolean isConstant(String name) {
        return CONSTANTS.containsKey(name);
    }

    /** The type of a builtin constant, or null. */
    public static ArgType constantType(String name) {
        return CONSTANTS.get(name);
    }

    /**
     * Runs a pure builtin (role {@link Role.Pure}) on concrete arguments with the interpreter's own
     * implementation, as the analyzer does.
     *
     * @throws ScriptError with the interpreter's message when the call fails (division by zero, ...)
     * @throws IllegalArgumentException when {@code name} is not a pure builtin
     */
    public static Value callPure(String name, List<Value> args) {
        Builtin.Entry e = Builtin.TABLE.get(name);
        if (e == null || !(e.role() instanceof Role.Pure)) {
            throw new IllegalArgumentException(name + " is not a pure builtin");
        }
        if (!e.signature().accepts(args.size())) {
            throw new ScriptError(name + " takes other arguments: " + e.signature().usage());
        }
        return e.impl().call(new Builtin.Call(null, null, new ArrayList<>(args), Map.of(), List.of()));
    }
}
