package io.github.bufdsl.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules as a pure decision over a stack of names, and Buffer saying exactly their messages. */
class BufferRulesTest {
    /** A stack of names (top last); a name ending in "!" was given back; "x.other" belongs to other. */
    private record Names(List<String> stack, String reshape, long capacity, boolean extendable, long used)
            implements BufferRules.StackView<String> {
        public String name() {
            return "buf";
        }

        public int depth() {
            return stack.size();
        }

        public String describeFromTop(int k) {
            return stack.get(stack.size() - 1 - k);
        }

        public int fromTop(String t) {
            int i = stack.lastIndexOf(t);
            return i < 0 ? -1 : stack.size() - 1 - i;
        }

        public String owner(String t) {
            return t.endsWith(".other") ? "other" : "buf";
        }

        public boolean owns(String t) {
            return owner(t).equals("buf");
        }

        public String endedBy(String t) {
            return t.endsWith("!") ? "reset!(buf)" : null;
        }

        public String describe(String t) {
            return t;
        }

        public String reshapeMode() {
            return reshape;
        }
    }

    private static Names stack(String... names) {
        return new Names(new ArrayList<>(List.of(names)), null, 10, false, 6);
    }

    @Test
    void dropsDecideEachViolationOnce() {
        Names s = stack("A", "B", "C");
        assertNull(BufferRules.drop(s, List.of("C")));
        assertNull(BufferRules.drop(s, List.of("B", "C")));
        assertNull(BufferRules.drop(s, List.of("C", "B", "A")));
        assertEquals("A is not the last tensor allocated in buf; C is", BufferRules.drop(s, List.of("A")).message());
        assertInstanceOf(BufferRules.Violation.GivenTwice.class, BufferRules.drop(s, List.of("C", "C")));
        assertEquals("X.other belongs to other, not buf", BufferRules.drop(s, List.of("X.other")).message());
        assertEquals("D! was already dropped by reset!(buf)", BufferRules.drop(s, List.of("D!")).message());
        assertEquals("A is not the last tensor allocated in buf; nothing is allocated",
                BufferRules.drop(stack(), List.of("A")).message());
        Names reshaped = new Names(List.of(), "reshape_buf!(buf, 4) at line 2", 10, true, 0);
        assertInstanceOf(BufferRules.Violation.InReshapeMode.class, BufferRules.drop(reshaped, List.of("A")));
        assertInstanceOf(BufferRules.Violation.InReshapeMode.class, BufferRules.alloc(reshaped, 1));
    }

    @Test
    void allocsAndViewsMustFitAFixedBufferAndNotMix() {
        Names s = stack("A");
        assertNull(BufferRules.alloc(s, 4));
        assertEquals("buffer overflow: buf has 10 elements, 6 in use, 4 free; the request needs 5",
                BufferRules.alloc(s, 5).message());
        assertNull(BufferRules.alloc(new Names(List.of("A"), null, 10, true, 6), 500), "extendable");
        assertInstanceOf(BufferRules.Violation.TensorsAllocated.class, BufferRules.reshape(s, 0, 1));
        assertInstanceOf(BufferRules.Violation.NegativeOffset.class, BufferRules.reshape(stack(), -1, 1));
        assertInstanceOf(BufferRules.Violation.Overflow.class, BufferRules.reshape(stack(), 8, 3));
        assertEquals("negative dimension -2 (dimension 3)", BufferRules.dimension(-2, 3).message());
        assertNull(BufferRules.dimension(0, 1));
        assertEquals("buf: negative length -1", BufferRules.length("buf", -1).message());
        assertEquals("buf holds 10 elements but its peak is 12 (reached at line 3); make it at least 12",
                BufferRules.peak("buf", 10, false, 12, "line 3", true).message());
        assertNull(BufferRules.peak("buf", 10, true, 12, "line 3", false));
        assertNull(BufferRules.iterationEnd("the loop", "tbuf", false));
        assertEquals("an iteration of the loop kept a buffer of tbuf; give it back with reset!(tbuf) or release!(tbuf)"
                + " before the iteration ends", BufferRules.iterationEnd("the loop", "tbuf", true).message());
    }

    @Test
    void bufferThrowsTheRulesViolations() {
        Buffer buf = new Buffer(10, false).setName("buf");
        Tensor a = buf.alloc("A", 2);
        Tensor b = buf.alloc("B", 3);
        BufferException e = assertThrows(BufferException.class, () -> buf.drop(a));
        assertInstanceOf(BufferRules.Violation.NotOnTop.class, e.violation());
        assertEquals("A is not the last tensor allocated in buf; B is", e.getMessage());
        e = assertThrows(BufferException.class, () -> buf.alloc("C", 6));
        assertEquals(new BufferRules.Violation.Overflow("buf", 10, 5, 6), e.violation());
        buf.drop(b);
        e = assertThrows(BufferException.class, b::checkLive);
        assertInstanceOf(BufferRules.Violation.UsedAfterGivenBack.class, e.violation());
        e = assertThrows(BufferException.class, () -> buf.drop(b));
        assertEquals("B was already dropped by drop", e.getMessage());
        buf.reset();
        buf.reshape("reshape_buf!(buf, 4) at line 9", "V", 0, 4);
        e = assertThrows(BufferException.class, () -> buf.alloc("D", 1));
        assertEquals(new BufferRules.Violation.InReshapeMode("buf", "reshape_buf!(buf, 4) at line 9"), e.violation());
    }
}
