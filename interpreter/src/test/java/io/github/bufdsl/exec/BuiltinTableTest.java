package io.github.bufdsl.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.builtins.ArgType;
import io.github.bufdsl.builtins.Role;
import io.github.bufdsl.builtins.Signature;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuiltinTableTest {
    @Test
    void everyEntryNamesItselfAndHasARoleAndAnImplementation() {
        for (String name : Builtins.functionNames()) {
            Signature s = Builtins.signature(name);
            assertEquals(name, s.name());
            assertTrue(s.usage().startsWith(name + "("), s.usage());
            assertNotNull(s.returns(), name);
            assertNotNull(Builtins.role(name), name);
            assertNotNull(Builtin.TABLE.get(name).impl(), name);
            for (int i = 0; i < s.min(); i++) {
                assertNotNull(s.param(i).type(), name);
            }
        }
    }

    @Test
    void signaturesSayCountsTypesAndKeywords() {
        Signature alloc = Builtins.signature("alloc!");
        assertEquals(1, alloc.min());
        assertEquals(-1, alloc.max());
        assertEquals(ArgType.SOME_BUFFER, alloc.param(0).type());
        assertEquals(ArgType.INT, alloc.param(5).type());
        assertEquals(ArgType.TENSOR, alloc.returns());
        Signature tb = Builtins.signature("ThreadsBuffer");
        assertTrue(tb.accepts(1) && tb.accepts(2) && !tb.accepts(3));
        assertEquals(ArgType.BOOL, Builtins.signature("Buffer").keywords().get("extend"));
        assertTrue(ArgType.INT.admits(ArgType.BOOL), "a Bool is an integer, as in Julia");
        assertTrue(ArgType.NUMBER.admits(ArgType.INT));
        assertTrue(!ArgType.INT.admits(ArgType.FLOAT));
        assertTrue(ArgType.SOME_BUFFER.admits(ArgType.THREADS_BUFFER));
    }

    @Test
    void rolesInSizing() {
        assertEquals(Role.ALLOC, Builtins.role("alloc!"));
        assertEquals(Role.DROP, Builtins.role("drop!"));
        assertEquals(Role.RESET, Builtins.role("release!"));
        assertEquals(Role.RESHAPE, Builtins.role("reshape_buf!"));
        assertEquals(Role.ALIASES, Builtins.role("neuralyze"));
        assertTrue(Builtins.role("load") instanceof Role.Unsupported u && u.reason().contains("file"));
        assertEquals(Role.PURE_SYMBOLIC, Builtins.role("cld"));
        assertEquals(Role.PURE, Builtins.role("sqrt"));
    }

    @Test
    void pureBuiltinsRunTheirImplementation() {
        assertEquals(new Value.Int(-3), Builtins.callPure("div", List.of(new Value.Int(-7), new Value.Int(2))));
        assertEquals(new Value.Int(4), Builtins.callPure("cld", List.of(new Value.Int(7), new Value.Int(2))));
        assertEquals(new Value.Float(3.0), Builtins.callPure("max", List.of(new Value.Int(2), new Value.Float(3.0))));
        assertEquals(new Value.Int(3), Builtins.callPure("abs", List.of(new Value.Int(-3))));
        ScriptError e = assertThrows(ScriptError.class,
                () -> Builtins.callPure("mod", List.of(new Value.Int(1), new Value.Int(0))));
        assertTrue(e.getMessage().contains("division by zero"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Builtins.callPure("alloc!", List.of()));
    }
}
