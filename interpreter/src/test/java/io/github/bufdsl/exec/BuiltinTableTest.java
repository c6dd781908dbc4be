package io.github.bufdsl.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.bufdsl.resolve.Builtins;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class BuiltinTableTest {
    @Test
    void everyCataloguedBuiltinIsImplementedAndNothingElse() {
        assertEquals(new TreeSet<>(Builtins.functionNames()), new TreeSet<>(Builtin.table().names()));
    }
}
