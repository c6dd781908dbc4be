package io.github.bufdsl.analysis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The sizing function as Java source: a class with a static method of the free variables that
 * returns the peak of every buffer in elements, for a Java program that sizes its buffers itself.
 * Numbers are {@code long}; a free variable used as a condition is a {@code boolean}.
 */
public final class JavaEmitter {
    private final StringBuilder out = new StringBuilder();
    private final Set<String> booleans = new LinkedHashSet<>();
    /** Variables declared at the top of the method being written. */
    private final Set<String> declared = new LinkedHashSet<>();
    /** The pseudo_ functions, for their calls' results; and the one being emitted (null at the top). */
    private java.util.Map<String, SizingFunction.PseudoFunction> functions = java.util.Map.of();
    private SizingFunction.PseudoFunction current;
    /** Per pseudo_ function: the script's free variables it reads, itself or in what it calls (Java has no globals). */
    private java.util.Map<String, List<String>> globals = java.util.Map.of();

    /**
     * The free variables of the script each function reads (not its parameters), with those of the
     * functions it calls, to a fixed point. Refused where a function would pass on one of them while
     * a parameter of its own has that name (the Java would pass the parameter).
     */
    private static java.util.Map<String, List<String>> globalsRead(
            java.util.Map<String, SizingFunction.PseudoFunction> functions) {
        java.util.Map<String, java.util.Set<String>> read = new java.util.LinkedHashMap<>();
        functions.forEach((name, pf) -> {
            java.util.Set<String> g = new java.util.TreeSet<>(Pruner.freeVariables(pf.body()));
            g.removeAll(pf.params());
            read.put(name, g);
        });
        for (boolean changed = true; changed;) {
            changed = false;
            for (SizingFunction.PseudoFunction pf : functions.values()) {
                for (String callee : calls(pf.body())) {
                    for (String g : read.getOrDefault(callee, java.util.Set.of())) {
                        if (pf.params().contains(g)) {
                            throw SizeExprs.unsupported(io.github.bufdsl.diag.Pos.NONE, "--emit java cannot pass the"
                                    + " script's " + g + " on to " + callee + " from " + pf.name() + ", whose parameter"
                                    + " " + g + " hides it");
                        }
                        changed |= read.get(pf.name()).add(g);
                    }
                }
            }
        }
        java.util.Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        read.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }

    /** The pseudo_ functions {@code body} calls. */
    private static java.util.Set<String> calls(List<SizeStmt> body) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        SizeStmts.any(body, st -> {
            if (st instanceof SizeStmt.Call c) {
                out.add(c.function());
            }
            return false;
        });
        return out;
    }

    /** The free variables of the script that the functions {@code body} calls read. */
    private java.util.Set<String> called(List<SizeStmt> body) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (String f : calls(body)) {
            out.addAll(globals.getOrDefault(f, List.of()));
        }
        return out;
    }

    /**
     * Script names may end in '!' (contract_pair!), which Java names cannot: the '!' after a name's
     * letters becomes '$', which no script name holds, so two names never meet (a '!' of "not" or
     * of "!=" stays).
     */
    static String javaNames(String java) {
        return java.replaceAll("(?<=[\\p{L}\\p{N}_])!(?!=)", "\\$");
    }

    /** The := allocations whose size the emitted class cannot state ({@link DefinePrinting}). */
    private java.util.Set<SizeStmt.Alloc> unprintable = java.util.Set.of();

    private JavaEmitter() {
    }

    /**
     * Java source of a class {@code className} with {@code public static long[] peaks(...)}, the
     * peaks in the order of {@link SizingFunction#buffers()}.
     *
     * @throws IllegalArgumentException for what Java cannot express the same way (division giving a
     *     fraction, a floating-point value, a condition usage cannot know before running)
     */
    public static String emit(SizingFunction f, String className) {
        JuliaPrinter.refuseDataConditions(f, "--emit java");
        JavaEmitter e = new JavaEmitter();
        e.functions = f.functions();
        e.unprintable = DefinePrinting.unprintable(f);
        List<SizeStmt> body = Pruner.prune(f.body());
        e.findBooleans(body);
        f.functions().values().forEach(pf -> e.findBooleans(pf.body()));
        e.globals = globalsRead(f.functions());
        List<String> params = new ArrayList<>(Pruner.freeVariables(f.body()));
        for (String g : e.called(f.body())) { // a free variable only a function reads is a parameter too
            if (!params.contains(g)) {
                params.add(g);
            }
        }
        e.out.append("/** The sizing function of buffer(s) ").append(String.join(" ", f.buffers()))
                .append(", generated by bufdsl usage --emit java. */\n");
        e.out.append("public final class ").append(className).append(" {\n");
        e.out.append("    private ").append(className).append("() {\n    }\n\n");
        e.out.append("    /** Peaks in elements of ").append(String.join(", ", f.buffers())).append(", in that order. */\n");
        e.out.append("    public static long[] peaks(").append(e.paramList(params)).append(") {\n");
        for (String b : f.buffers()) {
            e.line(2, "long[] len" + b + " = {0};");
            e.line(2, "long[] peak" + b + " = {0};");
        }
        e.declarations(body, 2, new LinkedHashSet<>(params));
        e.statements(body, 2);
        StringBuilder ret = new StringBuilder("return new long[] {");
        for (int i = 0; i < f.buffers().size(); i++) {
            ret.append(i > 0 ? ", " : "").append("peak").append(f.buffers().get(i)).append("[0]");
        }
        e.line(2, ret.append("};").toString());
        e.out.append("    }\n");
        for (SizingFunction.PseudoFunction pf : f.functions().values()) {
            List<String> ps = new ArrayList<>();
            for (int i = 0; i < pf.params().size(); i++) {
                String p = pf.params().get(i);
                ps.add(pf.isBuffer().get(i) ? "long[] len" + p + ", long[] peak" + p
                        : (e.booleans.contains(p) ? "boolean " : "long ") + p);
            }
            for (String g : e.globals.get(pf.name())) { // the script's free variables it reads, passed on
                ps.add((e.booleans.contains(g) ? "boolean " : "long ") + g);
            }
            List<SizeStmt> pb = Pruner.prune(pf.body());
            // the length of the tensor it returns (0 for anything else), of each a tuple's item in an array
            int arity = ReturnedTensor.arity(pf);
            e.out.append("\n    private static long").append(arity > 1 ? "[]" : "").append(" pseudo_").append(pf.name())
                    .append('(').append(String.join(", ", ps)).append(") {\n");
            e.current = pf;
            e.declarations(pb, 2, new LinkedHashSet<>(pf.params()));
            e.statements(pb, 2);
            if (completes(pb)) {
                e.line(2, arity > 1 ? "return new long[" + arity + "];" : "return 0;");
            }
            e.current = null;
            e.out.append("    }\n");
        }
        e.out.append("""

                    private static long pseudoAlloc(long[] len, long[] peak, long n) {
                        len[0] += n;
                        peak[0] = Math.max(peak[0], len[0]);
                        return n;
                    }

                    private static void pseudoDrop(long[] len, long... lengths) {
                        for (long n : lengths) {
                            len[0] -= n;
                        }
                    }

                    private static long pow(long x, long y) {
                        long r = 1;
                        for (long i = 0; i < y; i++) {
                            r = Math.multiplyExact(r, x);
                        }
                        return r;
                    }
                }
                """);
        return javaNames(e.out.toString());
    }

    private String paramList(List<String> params) {
        List<String> ps = new ArrayList<>();
        for (String p : params) {
            ps.add((booleans.contains(p) ? "boolean " : "long ") + p);
        }
        return String.join(", ", ps);
    }

    private void line(int depth, String text) {
        out.append("    ".repeat(depth)).append(text).append('\n');
    }

    /** Every variable assigned at this level is declared once at its top, as Julia's function scope. */
    private void declarations(List<SizeStmt> body, int depth, Set<String> known) {
        Set<String> names = new LinkedHashSet<>();
        assigned(body, names);
        names.removeAll(known);
        declared.clear();
        declared.addAll(names);
        declared.addAll(known);
        for (String n : names) {
            line(depth, (booleans.contains(n) ? "boolean " : "long ") + n + " = 0;");
        }
    }

    /**
     * Whether Java can complete these statements normally (a return after them is reachable): they do
     * not end in a return, an if whose every branch and else ends so, or a loop that cannot end.
     */
    private static boolean completes(List<SizeStmt> body) {
        if (body.isEmpty()) {
            return true;
        }
        SizeStmt last = body.get(body.size() - 1);
        if (last instanceof SizeStmt.Return) {
            return false;
        }
        if (last instanceof SizeStmt.While w) { // a block of one iteration, or while (true) left by a break only
            return w.condition() == null ? completes(w.body()) : !(w.condition() instanceof SizeExpr.Flag t
                    && t.value()) || SizeStmts.any(w.body(), x -> x instanceof SizeStmt.Break);
        }
        return !(last instanceof SizeStmt.If f && f.elseBody() != null && !completes(f.elseBody())
                && f.branches().stream().noneMatch(b -> completes(b.body())));
    }

    /** The names the emitted statements assign (an alloc!'s target, a let, an alias, a call's), at any depth. */
    private static void assigned(List<SizeStmt> body, Set<String> into) {
        for (SizeStmt s : body) {
            if (s instanceof SizeStmt.Alloc || s instanceof SizeStmt.Call) {
                into.addAll(SizeStmts.targets(s));
            } else if (s instanceof SizeStmt.Let l) {
                into.add(l.name());
            } else if (s instanceof SizeStmt.Alias a) {
                into.add(a.name());
            }
            SizeStmts.bodies(s).forEach(b -> assigned(b, into));
        }
    }

    private void findBooleans(List<SizeStmt> body) {
        for (SizeStmt s : body) {
            if (s instanceof SizeStmt.If f) {
                f.branches().forEach(b -> conditionVars(b.condition()));
            } else if (s instanceof SizeStmt.Let l && isCondition(l.value())) {
                booleans.add(l.name());
            }
            SizeStmts.bodies(s).forEach(this::findBooleans);
        }
    }

    private static boolean isCondition(SizeExpr e) {
        return e instanceof SizeExpr.Flag || e instanceof SizeExpr.Logic
                || e instanceof SizeExpr.Unary u && u.op().equals("!")
                || e instanceof SizeExpr.Bin b && Set.of("==", "!=", "<", "<=", ">", ">=").contains(b.op());
    }

    private void conditionVars(SizeExpr e) {
        if (e instanceof SizeExpr.Var v) {
            booleans.add(v.name());
        } else if (e instanceof SizeExpr.Logic l) {
            conditionVars(l.left());
            conditionVars(l.right());
        } else if (e instanceof SizeExpr.Unary u && u.op().equals("!")) {
            conditionVars(u.operand());
        }
    }

    private void statements(List<SizeStmt> body, int depth) {
        for (SizeStmt s : body) {
            statement(s, depth);
        }
    }

    private void statement(SizeStmt s, int depth) {
        s.accept(new Emitter(depth));
    }

    /** Emits one statement at its depth. */
    /** The label a break leaves by, innermost loop first: "" for its own loop, a nest's for the inner loops of one. */
    private final java.util.Deque<String> breakTargets = new java.util.ArrayDeque<>();

    private final class Emitter implements SizeStmt.Visitor<Void> {
        private final int depth;

        Emitter(int depth) {
            this.depth = depth;
        }

        public Void visitAlloc(SizeStmt.Alloc a) {
            if (a.define() != null && (a.buffer() == null || unprintable.contains(a))) {
                throw new IllegalArgumentException("--emit java: " + DefinePrinting.why(a));
            }
            String call = "pseudoAlloc(len" + a.buffer() + ", peak" + a.buffer() + ", " + product(a.dims()) + ")";
            line(depth, (a.target() == null ? "" : a.target() + " = ") + call + ";");
            return null;
        }

        public Void visitBefore(SizeStmt.Before b) {
            return null; // from before the block: not the block's
        }

        public Void visitReshape(SizeStmt.Reshape r) {
            line(depth, "peak" + r.buffer() + "[0] = Math.max(peak" + r.buffer() + "[0], " + expr(r.offset()) + " + "
                    + product(r.dims()) + ");");
            return null;
        }

        public Void visitDrop(SizeStmt.Drop d) {
            line(depth, "pseudoDrop(len" + d.buffer() + (d.tensors().isEmpty() ? "" : ", ")
                    + String.join(", ", d.tensors()) + ");");
            return null;
        }

        public Void visitReset(SizeStmt.Reset r) {
            line(depth, "len" + r.buffer() + "[0] = 0;");
            return null;
        }

        public Void visitScopeEnd(SizeStmt.ScopeEnd e) {
            e.buffers().forEach(b -> line(depth, "len" + b + "[0] = 0;"));
            return null;
        }

        public Void visitLet(SizeStmt.Let l) {
            line(depth, l.name() + " = " + expr(l.value()) + ";");
            return null;
        }

        public Void visitAlias(SizeStmt.Alias a) {
            line(depth, a.name() + " = " + a.of() + ";");
            return null;
        }

        public Void visitReturn(SizeStmt.Return s) {
            List<String> items = ReturnedTensor.printed(s, current);
            int arity = ReturnedTensor.arity(current);
            List<String> shown = new ArrayList<>(); // the lengths of the tensors returned, 0 for anything else
            for (int i = 0; i < arity; i++) {
                shown.add(items == null || i >= items.size() || items.get(i) == null ? "0" : items.get(i));
            }
            line(depth, "return " + (arity == 1 ? shown.get(0) : "new long[] {" + String.join(", ", shown) + "}")
                    + ";");
            return null;
        }

        public Void visitBreak(SizeStmt.Break s) {
            String nest = breakTargets.isEmpty() ? null : breakTargets.peek();
            line(depth, nest == null || nest.isEmpty() ? "break;" : "break " + nest + ";");
            return null;
        }

        public Void visitContinue(SizeStmt.Continue s) {
            line(depth, "continue;");
            return null;
        }

        public Void visitCall(SizeStmt.Call c) {
            List<String> args = new ArrayList<>();
            for (SizeStmt.Arg a : c.args()) {
                args.add(a.buffer() != null ? "len" + a.buffer() + ", peak" + a.buffer()
                        : a.written() == null ? "0" : expr(a.written()));
            }
            args.addAll(globals.getOrDefault(c.function(), List.of()));
            String call = "pseudo_" + c.function() + "(" + String.join(", ", args) + ");";
            List<String> targets = c.targets();
            int arity = ReturnedTensor.arity(functions.get(c.function()));
            if (targets.size() > 1 && arity > 1) { // A, W = f(...): the items of the array it returns
                line(depth, "{");
                line(depth + 1, "long[] tuple$ = " + call);
                for (int i = 0; i < targets.size(); i++) {
                    line(depth + 1, targets.get(i) + " = tuple$[" + i + "];");
                }
                line(depth, "}");
            } else if (targets.size() == 1 && arity == 1) {
                line(depth, targets.get(0) + " = " + call);
            } else {
                line(depth, call); // a value usage does not follow: 0
                targets.forEach(t -> line(depth, t + " = 0;"));
            }
            return null;
        }

        public Void visitIf(SizeStmt.If f) {
            for (int i = 0; i < f.branches().size(); i++) {
                SizeStmt.Branch b = f.branches().get(i);
                line(depth, (i == 0 ? "if (" : "} else if (") + expr(b.condition()) + ") {");
                statements(b.body(), depth + 1);
            }
            if (f.elseBody() != null) {
                line(depth, "} else {");
                statements(f.elseBody(), depth + 1);
            }
            line(depth, "}");
            return null;
        }

        public Void visitFor(SizeStmt.For f) {
            String step = f.step() == null ? "1L" : expr(f.step());
            String v = f.var();
            String stop = expr(f.stop());
            String test = f.step() == null || f.step() instanceof SizeExpr.Num n && n.value() > 0 ? v + " <= " + stop
                    : f.step() instanceof SizeExpr.Num ? v + " >= " + stop
                    : "(" + step + " > 0 ? " + v + " <= " + stop + " : " + v + " >= " + stop + ")";
            boolean outer = declared.contains(v); // as in Julia, the loop's variable is its own: the outer one is kept
            String saved = v + "$" + depth;
            if (outer) {
                line(depth, "{");
                line(depth, "long " + saved + " = " + v + ";");
            }
            // for i in 1:n, j in 1:m: a break in the inner loop leaves both, so the outer loop has a label
            boolean head = !f.nested() && f.body().size() == 1 && f.body().get(0) instanceof SizeStmt.For g && g.nested();
            String label = f.nested() && !breakTargets.isEmpty() ? breakTargets.peek()
                    : head ? "nest" + f.pos().line() + "_" + f.pos().column() : "";
            line(depth, (head ? label + ": " : "") + "for (" + (outer ? "" : "long ") + v + " = " + expr(f.start())
                    + "; " + test + "; " + v + " += " + step + ") {");
            breakTargets.push(label);
            try {
                statements(f.body(), depth + 1);
            } finally {
                breakTargets.pop();
            }
            line(depth, "}");
            if (outer) {
                line(depth, v + " = " + saved + ";");
                line(depth, "}");
            }
            return null;
        }

        public Void visitWhile(SizeStmt.While w) {
            line(depth, w.condition() != null ? "while (" + expr(w.condition()) + ") {"
                    : "{ // the while loop at line " + w.pos().line() + ", sized by one iteration");
            breakTargets.push("");
            try {
                statements(w.body(), depth + 1);
            } finally {
                breakTargets.pop();
            }
            line(depth, "}");
            return null;
        }

        public Void visitTensorOp(SizeStmt.TensorOp s) {
            return null; // pruned: checked, not emitted
        }

        public Void visitUse(SizeStmt.Use s) {
            return null; // pruned: checked, not emitted
        }

        public Void visitOpaque(SizeStmt.Opaque s) {
            return null; // pruned: a value usage cannot know is not emitted
        }
    }

    private String product(List<SizeExpr> dims) {
        if (dims.isEmpty()) {
            return "1L";
        }
        String r = expr(dims.get(0));
        for (SizeExpr d : dims.subList(1, dims.size())) {
            r = "Math.multiplyExact(" + r + ", " + expr(d) + ")";
        }
        return r;
    }

    private String expr(SizeExpr e) {
        if (e instanceof SizeExpr.Num n) {
            return n.value() + "L";
        }
        if (e instanceof SizeExpr.Flag f) {
            return Boolean.toString(f.value());
        }
        if (e instanceof SizeExpr.Var v) {
            return v.name();
        }
        if (e instanceof SizeExpr.Real) {
            throw new IllegalArgumentException("--emit java: the sizing function uses a floating-point number");
        }
        if (e instanceof SizeExpr.Logic l) {
            return "(" + expr(l.left()) + (l.isAnd() ? " && " : " || ") + expr(l.right()) + ")";
        }
        if (e instanceof SizeExpr.Unary u) {
            return "(" + u.op() + expr(u.operand()) + ")";
        }
        if (e instanceof SizeExpr.Range r) {
            throw new IllegalArgumentException("--emit java: the sizing function holds a range (" + JuliaPrinter.expr(r)
                    + "), which is not a number");
        }
        if (e instanceof SizeExpr.Call c && SizeExprs.SHAPES.contains(c.function())) {
            if (PrintedShapes.formOf(c) == null) {
                throw new IllegalArgumentException("--emit java: " + PrintedShapes.why(c));
            }
            return expr(PrintedShapes.formOf(c));
        }
        if (e instanceof SizeExpr.Call c) {
            List<String> args = c.args().stream().map(this::expr).toList();
            return switch (c.function()) {
                case "min", "max" -> {
                    String r = args.get(0);
                    for (String a : args.subList(1, args.size())) {
                        r = "Math." + c.function() + "(" + r + ", " + a + ")";
                    }
                    yield r;
                }
                case "abs" -> "Math.abs(" + args.get(0) + ")";
                case "div" -> "(" + args.get(0) + " / " + args.get(1) + ")";
                case "mod" -> "Math.floorMod(" + args.get(0) + ", " + args.get(1) + ")";
                default -> "(-Math.floorDiv(-(" + args.get(0) + "), " + args.get(1) + "))";
            };
        }
        SizeExpr.Bin b = (SizeExpr.Bin) e;
        boolean comparison = switch (b.op()) {
            case "==", "!=", "<", "<=", ">", ">=" -> true;
            default -> false;
        };
        boolean bools = comparison && isBoolean(b.left()) && isBoolean(b.right());
        String l = bools ? expr(b.left()) : number(b.left());
        String r = bools ? expr(b.right()) : number(b.right());
        return switch (b.op()) {
            case "^" -> "pow(" + l + ", " + r + ")";
            case "/" -> throw new IllegalArgumentException("--emit java: the sizing function divides with /,"
                    + " which gives a fraction in Julia; use div(a, b)");
            default -> "(" + l + " " + b.op() + " " + r + ")";
        };
    }

    /** The expression as a long: a Bool counts as 1 or 0 in arithmetic, as in Julia. */
    private String number(SizeExpr e) {
        return isBoolean(e) ? "(" + expr(e) + " ? 1L : 0L)" : expr(e);
    }

    /** Whether the expression is a Bool in Java: a literal, a comparison, a logical one, or a Bool variable. */
    private boolean isBoolean(SizeExpr e) {
        if (e instanceof SizeExpr.Flag || e instanceof SizeExpr.Logic) {
            return true;
        }
        if (e instanceof SizeExpr.Unary u) {
            return u.op().equals("!");
        }
        if (e instanceof SizeExpr.Var v) {
            return booleans.contains(v.name());
        }
        return e instanceof SizeExpr.Bin b && switch (b.op()) {
            case "==", "!=", "<", "<=", ">", ">=" -> true;
            default -> false;
        };
    }
}
