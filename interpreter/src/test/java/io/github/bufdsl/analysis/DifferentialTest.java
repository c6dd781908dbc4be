package io.github.bufdsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
import io.github.bufdsl.diag.Severity;
import io.github.bufdsl.diag.Source;
import io.github.bufdsl.exec.Interpreter;
import io.github.bufdsl.exec.Value;
import io.github.bufdsl.parse.Parser;
import io.github.bufdsl.resolve.Resolution;
import io.github.bufdsl.resolve.Resolver;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.ThreadsBuffer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Random valid scripts with every kind of statement usage sizes (nested ifs on free Bools and on
 * loop variables, for loops and counted while loops that allocate and may keep what they allocate,
 * break and continue, several buffers, drops in valid stack order, resets, a user function and a
 * recursive one, {@code @buffer} blocks, {@code reshape_buf!} views, {@code Threads.@threads} loops
 * whose iterations give back what they take of a ThreadsBuffer, {@code @tensor ... :=}) and random
 * values: the peak usage computes for each buffer (a ThreadsBuffer per buffer) and for the workspace
 * of {@code @tensor} must equal what running measures. A failure prints the seed and the script;
 * keep it as a regression example.
 */
class DifferentialTest {
    /** Scripts per run: 1,500 in the build; the long run takes -Dbufdsl.differential=100000. */
    private static final int SCRIPTS = Integer.getInteger("bufdsl.differential", 1500);
    private static final String[] FLAGS = {"f1", "f2", "f3"};

    /** What the generator must write in a run of the build: every kind of statement usage sizes. */
    private static final List<String> KINDS = List.of("alloc!(", "drop!(", "reset!(buf", "if ", "else", "for k",
            "while w", "break", "continue", "scratch(", "levels(", "@buffer ", "reshape_buf!(", "; offset=",
            "Threads.@threads for", "release!(tb)", ":= ", "[k, l]", "% 2 ==", "in 1:size(D", "in eachindex(D)",
            "in axes(D, 2)", "isempty(D)", "size(D, 2) > 1", " in (");

    @Test
    void usageEqualsTheMeasuredHighWaterMark() {
        Map<String, Integer> seen = new TreeMap<>();
        for (int seed = 1; seed <= SCRIPTS; seed++) {
            String script = new Generator(new Random(seed)).script();
            for (String kind : KINDS) {
                if (script.contains(kind)) {
                    seen.merge(kind, 1, Integer::sum);
                }
            }
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
                Map<String, Long> predicted = new TreeMap<>();
                Long workspace;
                try {
                    SizingResult sized = SizingEvaluator.analyze(f, bindings);
                    sized.diagnostics().stream().filter(d -> d.severity() == Severity.ERROR).findFirst()
                            .ifPresent(d -> {
                                throw new DiagnosticException(Phase.STATIC, List.of(d));
                            });
                    for (String b : f.buffers()) {
                        predicted.put(b, sized.peak(b));
                    }
                    workspace = sized.workspace();
                } catch (DiagnosticException e) {
                    throw new AssertionError("seed " + seed + ", " + bindings + ": usage refused a valid script: "
                            + e.diagnostics() + "\n" + script);
                }
                Interpreter in = new Interpreter(r, new Interpreter.Options(
                        new PrintStream(new ByteArrayOutputStream()), vars, 1L, null));
                in.run();
                // every Buffer and @buffer (the most one entry of a block held), each ThreadsBuffer per buffer
                Map<String, Long> measured = new TreeMap<>();
                for (String b : predicted.keySet()) {
                    measured.put(b, 0L); // a buffer run never made (a branch not taken) held nothing
                }
                for (Buffer.Stats b : in.bufferStats()) {
                    measured.merge(b.name(), b.highWater(), Math::max);
                }
                for (ThreadsBuffer.Stats t : in.threadsBufferStats()) {
                    measured.merge(t.name(), t.highWaterPerBuffer(), Math::max);
                }
                predicted.put("workspace of @tensor", workspace);
                measured.put("workspace of @tensor", in.workspaceHighWater());
                assertEquals(predicted, measured, "seed " + seed + ", " + bindings + ", usage (expected) against run"
                        + " (actual):\n" + script);
            }
        }
        if (SCRIPTS >= 1000) {
            for (String kind : KINDS) {
                assertTrue(seen.getOrDefault(kind, 0) >= SCRIPTS / 100, "the generator wrote " + kind + " in "
                        + seen.getOrDefault(kind, 0) + " of " + SCRIPTS + " scripts");
            }
        }
    }

    /** Writes one random script whose drops are valid on every path. */
    private static final class Generator {
        private final Random rnd;
        private final StringBuilder out = new StringBuilder();
        /** The buffers statements here may use: buf0, buf1, ... and the @buffer blocks around them. */
        private final List<String> active = new ArrayList<>();
        private int names;
        /** @buffer blocks written so far (they are s0, s1, ...). */
        private int scopes;

        Generator(Random rnd) {
            this.rnd = rnd;
            int buffers = 1 + rnd.nextInt(3);
            for (int b = 0; b < buffers; b++) {
                active.add("buf" + b);
            }
        }

        /** Live tensors per buffer, top last; a null stack means "unknown after a leak: only reset! helps". */
        private final class Stacks {
            final List<Deque<String>> stacks = new ArrayList<>();

            Stacks() {
                for (int b = 0; b < active.size(); b++) {
                    stacks.add(new ArrayDeque<>());
                }
            }
        }

        String script() {
            out.append("function scratch(b, n)\n    T = alloc!(b, n, 2)\n    drop!(b, T)\nend\n");
            out.append("function levels(b, n)\n    if n > 0\n        R = alloc!(b, n)\n        levels(b, n - 1)\n"
                    + "        drop!(b, R)\n    end\nend\n");
            for (String b : active) {
                out.append(b).append(" = Buffer(").append(rnd.nextInt(20)).append(")\n");
            }
            out.append("rb = Buffer(0)\n"); // for reshape_buf! views only
            out.append("tb = ThreadsBuffer(0, 2)\n"); // for threaded loops only
            // a tensor whose dimensions loop bounds and conditions read (0 included: empty loops)
            out.append("sb = Buffer(0)\nD = alloc!(sb, ").append(rnd.nextInt(3)).append(", ").append(rnd.nextInt(4))
                    .append(")\n");
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
                int b = rnd.nextInt(active.size());
                String buf = active.get(b);
                Deque<String> stack = s.stacks.get(b);
                int kind = rnd.nextInt(17);
                if (kind < 4) {
                    String name = "T" + (names++);
                    int rank = 1 + rnd.nextInt(2);
                    StringBuilder dims = new StringBuilder();
                    for (int k = 0; k < rank; k++) {
                        dims.append(", ").append(dim(loopVar));
                    }
                    line(indent, name + " = alloc!(" + buf + dims + ")");
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
                    line(indent, "drop!(" + buf + ", " + String.join(", ", drop) + ")");
                } else if (kind == 6 && depth < 3) {
                    String flag = switch (rnd.nextInt(8)) {
                        case 0 -> "isempty(D)";
                        case 1 -> "size(D, 2) > 1";
                        default -> FLAGS[rnd.nextInt(FLAGS.length)];
                    };
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
                    String range = switch (rnd.nextInt(6)) {
                        case 0 -> "1:size(D, " + (1 + rnd.nextInt(2)) + ")";
                        case 1 -> "eachindex(D)";
                        case 2 -> "axes(D, 2)";
                        case 3 -> "(" + rnd.nextInt(4) + ", " + rnd.nextInt(4) + (rnd.nextBoolean() ? ", 1" : "") + ")";
                        default -> "1:" + rnd.nextInt(4);
                    };
                    line(indent, "for " + currentLoopVar + " in " + range);
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
                } else if (kind == 9 && depth < 3) { // a @buffer block: a fixed buffer of its own
                    String name = "s" + (scopes++);
                    line(indent, "@buffer " + name + "(100000) begin");
                    active.add(name);
                    s.stacks.add(new ArrayDeque<>());
                    nested(s, copy(s), depth, indent, false);
                    active.remove(active.size() - 1);
                    s.stacks.remove(s.stacks.size() - 1);
                    line(indent, "end");
                } else if (kind == 12) { // a view; the buffer stays in reshape mode until reset!
                    String name = "V" + (names++);
                    String dims = dim(loopVar) + (rnd.nextBoolean() ? ", " + dim(loopVar) : "");
                    line(indent, name + " = reshape_buf!(rb, " + dims
                            + (rnd.nextBoolean() ? "; offset=" + dim(loopVar) : "") + ")");
                    if (rnd.nextBoolean()) {
                        line(indent, "reset!(rb)");
                        String t = "T" + (names++);
                        line(indent, t + " = alloc!(rb, " + dim(loopVar) + ")");
                        line(indent, "drop!(rb, " + t + ")");
                    }
                } else if (kind == 13) { // := allocates its output from the first tensor's buffer
                    String d1 = dim(loopVar);
                    String d2 = dim(loopVar);
                    String d3 = dim(loopVar);
                    String a = "T" + (names++);
                    String bt = "T" + (names++);
                    String c = "T" + (names++);
                    line(indent, a + " = alloc!(" + buf + ", " + d1 + ", " + d2 + ")");
                    line(indent, bt + " = alloc!(" + buf + ", " + d2 + ", " + d3 + ")");
                    if (rnd.nextBoolean()) {
                        line(indent, "@tensor " + c + "[i, k] := " + a + "[i, j] * " + bt + "[j, k]");
                    } else { // three factors: an intermediate in the workspace
                        String e = "T" + (names++);
                        line(indent, e + " = alloc!(" + buf + ", " + d3 + ", " + d1 + ")");
                        line(indent, "@tensor " + c + "[i, l] := " + a + "[i, j] * " + bt + "[j, k] * " + e + "[k, l]");
                        if (stack != null) {
                            stack.addLast(a);
                            stack.addLast(bt);
                            a = e;
                            bt = null;
                        }
                    }
                    if (stack != null) {
                        stack.addLast(a);
                        if (bt != null) {
                            stack.addLast(bt);
                        }
                        stack.addLast(c);
                    }
                } else if (kind == 14 && depth < 3) { // its body uses the ThreadsBuffer tb only
                    threadedLoop(depth, indent);
                } else if (kind == 11) {
                    line(indent, "levels(" + buf + ", " + rnd.nextInt(4) + ")");
                } else if (kind == 8 && !inLoop) {
                    line(indent, "reset!(" + buf + ")");
                    s.stacks.set(b, new ArrayDeque<>());
                } else {
                    line(indent, "scratch(" + buf + ", " + dim(loopVar) + ")");
                }
            }
        }

        /**
         * A Threads.@threads loop whose iterations take tensors of the ThreadsBuffer tb, some under
         * conditions on the loop variable, and give back the buffer they take (reset! or release!,
         * after drop! in order or not).
         */
        private void threadedLoop(int depth, String indent) {
            String v = "t" + depth;
            String in = indent + "    ";
            line(indent, "Threads.@threads for " + v + " in 1:" + rnd.nextInt(5));
            if (rnd.nextInt(4) == 0) {
                line(in, "if " + v + " % 2 == 0");
                line(in + "    ", "continue");
                line(in, "end");
            }
            List<String> taken = new ArrayList<>();
            int n = 1 + rnd.nextInt(3);
            for (int k = 0; k < n; k++) {
                String name = "T" + (names++);
                if (rnd.nextInt(3) == 0) {
                    line(in, "if " + v + " > " + rnd.nextInt(3));
                    line(in + "    ", name + " = alloc!(tb, " + dim(v) + ")");
                    line(in + "    ", "drop!(tb, " + name + ")");
                    line(in, "end");
                } else {
                    line(in, name + " = alloc!(tb, " + dim(v) + ", " + dim(v) + ")");
                    taken.add(name);
                }
                if (rnd.nextInt(4) == 0) {
                    line(in, "scratch(tb, " + dim(v) + ")");
                }
            }
            if (rnd.nextBoolean()) { // drop! gives back the tensors, not the iteration's buffer
                java.util.Collections.reverse(taken);
                for (String name : taken) {
                    line(in, "drop!(tb, " + name + ")");
                }
            }
            line(in, rnd.nextBoolean() ? "reset!(tb)" : "release!(tb)");
            line(indent, "end");
        }

        private String currentLoopVar;

        private boolean inLoop;

        private Stacks copy(Stacks s) {
            Stacks c = new Stacks();
            for (int b = 0; b < active.size(); b++) {
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
                for (int b = 0; b < active.size(); b++) {
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
            for (int b = 0; b < active.size(); b++) {
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
                        line(indent + "    ", "drop!(" + active.get(b) + ", " + in.removeLast() + ")");
                    }
                }
                if (!new ArrayList<>(in).equals(startList)) {
                    outer.stacks.set(b, null);
                }
            }
        }
    }
}
