package io.github.bufdsl.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.exec.ContractionCase;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Every form of {@code @tensor} on the native backend: the naive loops' result, the workspace
 * usage predicts for it, and EJML's result to 1e-12 relative.
 */
class BlasContractionPropertyTest {
    @Property(tries = 300)
    void sameAsNaiveLoopsAndEjml(@ForAll long seed) throws ScriptException {
        ContractionCase c = ContractionCase.random(seed);
        double[] blas = c.check("blas");
        double[] ejml = c.check("ejml");
        double scale = ContractionCase.scale(ejml);
        for (int i = 0; i < ejml.length; i++) {
            assertEquals(ejml[i], blas[i], c.tolerance() * scale, "element " + i + " of\n" + c.script());
        }
    }
}
