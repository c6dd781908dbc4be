package io.github.bufdsl.exec;

import io.github.bufdsl.api.ScriptException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Every form of {@code @tensor} against naive nested loops, on random shapes, label orders and
 * layouts ({@link ContractionCase}); and the workspace usage predicts equals the one the run takes.
 */
class ContractionPropertyTest {
    @Property(tries = 400)
    void sameAsNaiveLoops(@ForAll long seed) throws ScriptException {
        ContractionCase.random(seed).check("ejml");
    }
}
