package io.github.bufdsl.cli;

import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.exec.Value;
import io.github.bufdsl.resolve.Resolution;
import io.github.bufdsl.resolve.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code --var name=value}: Bool, Int or Float, for a free variable of the script. */
final class VarParser {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z_0-9]*");
    private static final Pattern INT = Pattern.compile("[+-]?[0-9](_?[0-9])*");

    private VarParser() {
    }

    static Map<String, Value> parse(List<String> specs, Set<String> freeVariables) {
        Map<String, Value> out = new LinkedHashMap<>();
        List<Diagnostic> errors = new ArrayList<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            String name = eq < 0 ? spec : spec.substring(0, eq).trim();
            if (eq < 0 || !NAME.matcher(name).matches()) {
                errors.add(Diagnostic.error(Pos.NONE, "--var " + spec + ": expected NAME=VALUE, as --var small=true"));
                continue;
            }
            if (!freeVariables.contains(name)) {
                String hint = Suggestions.hint(name, freeVariables);
                errors.add(Diagnostic.error(Pos.NONE, "--var " + spec + ": the script has no free variable " + name
                        + (hint.isEmpty() ? (freeVariables.isEmpty() ? " (it has none)"
                                : " (it has " + String.join(", ", freeVariables) + ")") : hint)));
                continue;
            }
            Value v = value(spec.substring(eq + 1).trim());
            if (v == null) {
                errors.add(Diagnostic.error(Pos.NONE, "--var " + spec + ": the value must be true, false, an integer"
                        + " or a number"));
                continue;
            }
            if (out.put(name, v) != null) {
                errors.add(Diagnostic.error(Pos.NONE, "--var " + name + " is given twice"));
            }
        }
        if (!errors.isEmpty()) {
            throw new DiagnosticException(Phase.STATIC, errors);
        }
        return out;
    }

    private static Value value(String text) {
        if (text.equals("true") || text.equals("false")) {
            return Value.Bool.of(text.equals("true"));
        }
        if (INT.matcher(text).matches()) {
            try {
                return new Value.Int(Long.parseLong(text.replace("_", "")));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        try {
            double d = Double.parseDouble(text);
            if (Double.isFinite(d) && !text.endsWith("d") && !text.endsWith("f") && !text.endsWith("D")
                    && !text.endsWith("F")) {
                return new Value.Float(d);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    /** Every free variable needs a value before running; one diagnostic per missing one, where it is read. */
    static void requireAll(Resolution r, Map<String, Value> values) {
        List<Diagnostic> errors = new ArrayList<>();
        r.freeVariables().forEach((name, pos) -> {
            if (!values.containsKey(name)) {
                errors.add(Diagnostic.error(pos, name + " is not defined; if it is a parameter of the script, give"
                        + " it with --var " + name + "=..."));
            }
        });
        if (!errors.isEmpty()) {
            throw new DiagnosticException(Phase.STATIC, errors);
        }
    }

    /** The values as Long, Double or Boolean, for the sizing evaluator. */
    static Map<String, Object> plain(Map<String, Value> values) {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (v instanceof Value.Int i) {
                out.put(k, i.value());
            } else if (v instanceof Value.Float f) {
                out.put(k, f.value());
            } else if (v instanceof Value.Bool b) {
                out.put(k, b.value());
            }
        });
        return out;
    }
}
