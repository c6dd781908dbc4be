package io.github.bufdsl.api;

import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.exec.Value;
import io.github.bufdsl.resolve.Resolution;
import io.github.bufdsl.resolve.Resolver;
import io.github.bufdsl.resolve.Suggestions;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The values a caller gives a script's free variables, checked against them. */
final class Bindings {
    private final Resolution resolution;

    Bindings(Resolution resolution) {
        this.resolution = resolution;
    }

    void requireAll(Map<String, Value> values) {
        List<Diagnostic> errors = new ArrayList<>();
        java.util.Set<String> names = Resolver.namesInScope(resolution);
        resolution.freeVariables().forEach((name, pos) -> {
            if (!values.containsKey(name)) {
                String near = name.length() < 3 ? null : Suggestions.closest(name, names);
                errors.add(Diagnostic.error(pos, name + " is not defined" + (near != null ? "; did you mean `" + near
                        + "`? (if " + name + " is a parameter of the script, give it with --var " + name + "=...)"
                        : "; if it is a parameter of the script, give it with --var " + name + "=...")));
            }
        });
        if (!errors.isEmpty()) {
            throw new DiagnosticException(Phase.STATIC, errors);
        }
    }


    /** Bindings as the interpreter's values, checked against the free variables. */
    Map<String, Value> values(Map<String, ?> bindings) {
        Map<String, Value> out = new LinkedHashMap<>();
        List<Diagnostic> errors = new ArrayList<>();
        bindings.forEach((name, v) -> {
            if (!resolution.freeVariables().containsKey(name)) {
                errors.add(Diagnostic.error(Pos.NONE, "the script has no free variable " + name
                        + Suggestions.hint(name, resolution.freeVariables().keySet())));
                return;
            }
            Value value = JavaValues.fromJava(v);
            if (value == null) {
                errors.add(Diagnostic.error(Pos.NONE, "the value of " + name + " must be a Boolean, an integer, a"
                        + " number, a String, a Buffer or a Tensor, not " + (v == null ? "null" : v.getClass().getName())));
                return;
            }
            out.put(name, value);
        });
        if (!errors.isEmpty()) {
            throw new DiagnosticException(Phase.STATIC, errors);
        }
        return out;
    }


    /** The bindings the sizing function can use: numbers and Bools (Long, Double, Boolean). */
    Map<String, Object> sizingValues(Map<String, ?> bindings) {
        Map<String, Object> out = new LinkedHashMap<>();
        values(bindings).forEach((k, v) -> {
            Object plain = Value.plain(v);
            if (plain != null) {
                out.put(k, plain);
            }
        });
        return out;
    }
}
