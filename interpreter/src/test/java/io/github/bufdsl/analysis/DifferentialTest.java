package io.github.bufdsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Source;
import io.github.bufdsl.exec.Interpreter;
import io.github.bufdsl.exec.Value;
import io.github.bufdsl.parse.Parser;
import io.github.bufdsl.resolve.Resolution;
import io.github.bufdsl.resolve.Resolver;
import io.github.bufdsl.runtime.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random valid scripts (nested ifs on free Bools and on loop variables, for loops and counted while
 * loops that allocate and may keep what they allocate, break and continue, several buffers, drops in
 * valid stack order, resets, a user function and a recursive one) and random
 * values: the peak usage computes must equal the high-water mark that running measures. A failure
 * prints the seed and the script; keep it as a regression example.
 */
class DifferentialTest {
    /** Scripts per run: 1,500 in the build; the long run takes -Dbufdsl.differential=100000. */
    private static final int SCRIPTS = Integer.getInteger("bufdsl.differential", 1500);
    private static final String[] FLAGS = {"f1", "f2", "f3"};

    @Test
    void usageEqualsTheMeasuredHighWaterMark() {
        for (int seed = 1; seed <= SCRIPTS; seed++) {
            String script = new Generator(new Random(seed)).script();
            Resolution r;
            try {
                r = Resolver.resolve(Parser.parse(new Source("gen.buf", script)));
            } catch (DiagnosticException e) {
                throw new AssertionError("seed " + seed + ": generated an invalid script: "
                        + e.diagnostics() + "\n" + script);
            }
            SizingFunction f = Analyzer.wholeScript(r);
            Random values = new Random(seed * 31L);
            for (int round = 0; round < 2; round++) {
                Map<String, Object> bindings = new HashMap<>();
                Map<String, Value> vars = new HashMap<>();
                for (String flag : r.freeVariables().keySet()) {
                    boolean v = values.nextBoolean();
                    bindings.put(flag, v);
                    vars.put(flag, Value.Bool.of(v));
                }
                Map<String, Long> predicted;
                try {
                    predicted = SizingEvaluator.peaks(f, bindings);
                } catch (DiagnosticException e) {
                    throw new AssertionError("seed " + seed + ", " + bindings + ": usage refused a valid script: "
                            + e.diagnostics() + "\n" + script);
                }
                Interpreter in = new Interpreter(r, new Interpreter.Options(
                        new PrintStream(new ByteArrayOutputStream()), vars, 1L, null));
                in.run();
                for (Buffer b : in.buffers()) {
                    assertEquals(b.highWater(), predicted.get(b.name()),
                            "seed " + seed + ", " + bindings + ", buffer " + b.name() + ":\n" + script);
                }
            }
        }
    }

    /** Writes one random script whose drops are valid on every path. */
    private static final class Generator {
        private final Random rnd;
        private final StringBuilder out = new StringBuilder();
        private final int buffers;
        private int names;

        Generator(Random rnd) {
            this.rnd = rnd;
            this.buffers = 1 + rnd.nextInt(3);
        }

        /** Live tensors per buffer, top last; a null stack means "unknown after a leak: only reset! helps". */
        private final class Stacks {
            final List<Deque<String>> stacks = new ArrayList<>();

            Stacks() {
                for (int b = 0; b < buffers; b++) {
                    stacks.add(new ArrayDeque<>());
                }
            }
        }

        String script() {
            out.append("function scratch(b, n)\n    T = alloc!(b, n, 2)\n    drop!(b, T)\nend\n");
            out.append("function levels(b, n)\n    if n > 0\n        R = alloc!(b, n)\n        levels(b, n - 1)\n"
                    + "        drop!(b, R)\n    end\nend\n");
            for (int b = 0; b < buffers; b++) {
                out.append("buf").append(b).append(" = Buffer(").append(rnd.nextInt(20)).append(")\n");
            }
            Stacks s = new Stacks();
            block(s, 0, 4 + rnd.nextInt(8), "");
            return out.toString();
        }

        private void line(String indent, String text) {
            out.append(indent).append(text).append('\n');
        }

        private String dim(String loopVar) {
            if (loopVar != null && rnd.nextInt(3) == 0) {
                return loopVar;
            }
            return Integer.toString(rnd.nextInt(6));
        }

        /** Statements at a nesting depth; allocations made here are dropped here unless leaked. */
        private void block(Stacks s, int depth, int count, String indent) {
            String loopVar = depth > 0 && indent.length() > 0 ? currentLoopVar : null;
            for (int i = 0; i < count; i++) {
                int b = rnd.nextInt(buffers);
                Deque<String> stack = s.stacks.get(b);
                int kind = rnd.nextInt(13);
                if (kind < 4) {
                    String name = "T" + (names++);
                    int rank = 1 + rnd.nextInt(2);
                    StringBuilder dims = new StringBuilder();
                    for (int k = 0; k < rank; k++) {
                        dims.append(", ").append(dim(loopVar));
                    }
                    line(indent, name + " = alloc!(buf" + b + dims + ")");
                    if (stack != null) {
                        stack.addLast(name);
                    }
                } else if (kind < 6 && stack != null && !stack.isEmpty()) {
                    int n = 1 + rnd.nextInt(Math.min(2, stack.size()));
                    List<String> drop = new ArrayList<>();
                    for (int k = 0; k < n; k++) {
                        drop.add(stack.removeLast());
                    }
                    java.util.Collections.shuffle(drop, rnd);
                    line(indent, "drop!(buf" + b + ", " + String.join(", ", drop) + ")");
                } else if (kind == 6 && depth < 3) {
                    String flag = FLAGS[rnd.nextInt(FLAGS.length)];
                    if (loopVar != null && rnd.nextBoolean()) { // a condition on the loop variable
                        flag = switch (rnd.nextInt(3)) {
                            case 0 -> loopVar + " % 2 == 0";
                            case 1 -> loopVar + " > " + rnd.nextInt(3);
                            default -> loopVar + " == " + (1 + rnd.nextInt(3));
                        };
                    }
                    line(indent, "if " + (rnd.nextBoolean() ? "" : "!") + (flag.contains(" ") ? "(" + flag + ")" : flag));
                    Stacks before = copy(s);
                    nested(s, before, depth, indent, false);
                    if (rnd.nextBoolean()) {
                        line(indent, "else");
                        nested(s, before, depth, indent, false);
                    }
                    line(indent, "end");
                } else if (kind == 7 && depth < 3) {
                    String saved = currentLoopVar;
                    currentLoopVar = "k" + depth;
                    line(indent, "for " + currentLoopVar + " in 1:" + rnd.nextInt(4));
                    nested(s, copy(s), depth, indent, true);
                    line(indent, "end");
                    currentLoopVar = saved;
                } else if (kind == 10 && depth < 3) { // a counted while loop
                    String saved = currentLoopVar;
                    String w = "w" + depth;
                    currentLoopVar = w;
                    line(indent, w + " = 0");
                    line(indent, "while " + w + " < " + rnd.nextInt(4));
                    line(indent + "    ", w + " += 1");
                    nested(s, copy(s), depth, indent, true);
                    line(indent, "end");
                    currentLoopVar = saved;
                } else if (kind == 11) {
                    line(indent, "levels(buf" + b + ", " + rnd.nextInt(4) + ")");
                } else if (kind == 8 && !inLoop) {
                    line(indent, "reset!(buf" + b + ")");
                    s.stacks.set(b, new ArrayDeque<>());
                } else {
                    line(indent, "scratch(buf" + b + ", " + dim(loopVar) + ")");
                }
            }
        }

        private String currentLoopVar;

        private boolean inLoop;

        private Stacks copy(Stacks s) {
            Stacks c = new Stacks();
            for (int b = 0; b < buffers; b++) {
                Deque<String> o = s.stacks.get(b);
                c.stacks.set(b, o == null ? null : new ArrayDeque<>(o));
            }
            return c;
        }

        /**
         * A nested block, starting from {@code before} (an if's branches both start from the state
         * before the if). A loop body sees none of the outer tensors (it runs several times, so it must
         * not drop them). Afterwards, a buffer whose stack is not as before is unknown until reset.
         */
        private void nested(Stacks outer, Stacks before, int depth, String indent, boolean loop) {
            Stacks inner = copy(before);
            if (loop) {
                for (int b = 0; b < buffers; b++) {
                    inner.stacks.set(b, new ArrayDeque<>());
                }
            }
            boolean leak = rnd.nextInt(3) == 0;
            if (loop && rnd.nextInt(3) == 0) {
                String v = currentLoopVar;
                line(indent + "    ", "if " + (rnd.nextBoolean() ? v + " > " + (1 + rnd.nextInt(2)) : v + " % 2 == 1"));
                line(indent + "        ", rnd.nextBoolean() ? "break" : "continue");
                line(indent + "    ", "end");
            }
            boolean savedLoop = inLoop;
            inLoop |= loop;
            block(inner, depth + 1, 1 + rnd.nextInt(4), indent + "    ");
            inLoop = savedLoop;
            for (int b = 0; b < buffers; b++) {
                Deque<String> in = inner.stacks.get(b);
                Deque<String> start = loop ? new ArrayDeque<>() : before.stacks.get(b);
                if (in == null || start == null) {
                    outer.stacks.set(b, null);
                    continue;
                }
                List<String> inList = new ArrayList<>(in);
                List<String> startList = new ArrayList<>(start);
                boolean extendsStart = inList.size() >= startList.size()
                        && inList.subList(0, startList.size()).equals(startList);
                if (!leak && extendsStart) {
                    while (in.size() > start.size()) {
                        line(indent + "    ", "drop!(buf" + b + ", " + in.removeLast() + ")");
                    }
                }
                if (!new ArrayList<>(in).equals(startList)) {
                    outer.stacks.set(b, null);
                }
            }
        }
    }
}
