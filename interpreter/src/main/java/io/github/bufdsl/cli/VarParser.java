package io.github.bufdsl.cli;

import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.resolve.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --var name=value}: Bool, Int or Float, for a free variable of the script. */
final class VarParser {
    private VarParser() {
    }

    static Map<String, Object> parse(List<String> specs, Set<String> freeVariables) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Diagnostic> errors = new ArrayList<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            String name = eq < 0 ? spec : spec.substring(0, eq).trim();
            if (eq < 0 || !isName(name)) {
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
            Object v = value(spec.substring(eq + 1).trim());
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

    /** Boolean, Long or Double; null if the text is none of them. */
    private static Object value(String text) {
        if (text.equals("true") || text.equals("false")) {
            return text.equals("true");
        }
        if (isInteger(text)) {
            try {
                return Long.parseLong(text.replace("_", ""));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        try {
            double d = Double.parseDouble(text);
            if (Double.isFinite(d) && !text.endsWith("d") && !text.endsWith("f") && !text.endsWith("D")
                    && !text.endsWith("F")) {
                return d;
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    /** {@code [A-Za-z_][A-Za-z_0-9]*} (written out: a regex costs a short command's start-up a few ms). */
    static boolean isName(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
            if (!letter && (i == 0 || c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    /** {@code [+-]?[0-9](_?[0-9])*}: digits with single underscores between them, as Julia writes 1_000. */
    static boolean isInteger(String s) {
        int i = s.startsWith("+") || s.startsWith("-") ? 1 : 0;
        if (i == s.length()) {
            return false;
        }
        boolean digit = false;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c == '_' && digit) {
                digit = false;
            } else {
                return false;
            }
        }
        return digit;
    }
}
