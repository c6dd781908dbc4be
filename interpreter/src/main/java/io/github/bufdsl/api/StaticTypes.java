package io.github.bufdsl.api;

import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.diag.Severity;
import io.github.bufdsl.resolve.Resolution;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Tensor;
import io.github.bufdsl.types.TypeChecker;
import io.github.bufdsl.types.TypeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The static types and shapes of a script ({@link TypeChecker}) as {@link BufScript} asks for them:
 * under bindings, the errors, which refuse the script (before {@code run}, {@code usage}, in
 * {@code check}), and the warnings, which only {@code check} reports and which never refuse it.
 */
final class StaticTypes {
    private final Resolution resolution;
    /** The types with no variable bound: the free variables' types, and what the unbound script gives. */
    private final TypeInfo unbound;

    StaticTypes(Resolution resolution) {
        this.resolution = resolution;
        this.unbound = TypeChecker.infer(resolution, TypeChecker.Options.NONE);
    }

    TypeInfo unbound() {
        return unbound;
    }

    /**
     * The errors and warnings under the bindings, in the order of the text: their values must fit
     * the free variables' types (else only those errors), and nothing may be certain to fail.
     * {@code commandLine}: only --var binds them; {@code maxMemoryBytes}: what a run's buffers may take
     * in all (0: no limit).
     */
    List<Diagnostic> diagnostics(Map<String, ?> bindings, boolean commandLine, long maxMemoryBytes) {
        List<Diagnostic> errors = new ArrayList<>();
        bindings.forEach((name, v) -> {
            TypeInfo.FreeVariable f = unbound.freeVariables().get(name);
            if (f != null && v != null && !f.admits(v)) {
                errors.add(Diagnostic.error(Pos.NONE, (commandLine ? "--var " : "the binding ") + name + "="
                        + (v instanceof Buffer ? "(a buffer)" : v instanceof Tensor ? "(a tensor)" : v) + ": " + name
                        + " is used as " + f.use() + " at line " + f.pos().line() + ", so it must be " + f.words()));
            }
        });
        if (!errors.isEmpty()) {
            return errors;
        }
        TypeInfo found = bindings.isEmpty() && maxMemoryBytes <= 0 && (!commandLine
                || unbound.freeVariables().values().stream().allMatch(TypeInfo.FreeVariable::givenByVar))
                ? unbound // what the load found holds: nothing is bound, nothing --var cannot give
                : TypeChecker.infer(resolution, new TypeChecker.Options(bindings, commandLine, maxMemoryBytes));
        List<Diagnostic> all = new ArrayList<>(found.errors());
        all.addAll(found.warnings());
        all.sort((a, b) -> a.pos().line() != b.pos().line() ? Integer.compare(a.pos().line(), b.pos().line())
                : Integer.compare(a.pos().column(), b.pos().column()));
        return all;
    }

    /** The errors among {@code diagnostics}. */
    static List<Diagnostic> errors(List<Diagnostic> diagnostics) {
        return diagnostics.stream().filter(d -> d.severity() == Severity.ERROR).toList();
    }
}
