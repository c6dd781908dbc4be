package io.github.bufdsl.analysis;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which loops repeat themselves: the body never reads the loop variable (but in its own counter
 * step, {@code k += 1} of a counted while). Such an iteration depends only on the state it starts
 * from: the buffers and the values it carries from the one before (names it reads before it assigns
 * them, {@code chi = min(2 * chi, chimax)}). So once an iteration leaves the buffers and those values
 * as the one before left them, every later one would too, and the evaluator may stop there (a
 * million-iteration loop is then sized in a few; a bond dimension that grows to its cap, in as many
 * iterations as it grows). Assignments that nothing sized or checked ever reads (a running sum) are
 * not counted as reads or writes.
 */
final class RepeatingLoops {
    private RepeatingLoops() {
    }

    /**
     * The names whose values matter to a size or a check anywhere in {@code f} (its functions
     * included): read by a statement other than an assignment, or by an assignment to such a name.
     */
    static Set<String> relevant(SizingFunction f) {
        Set<String> relevant = new HashSet<>();
        java.util.Map<String, Set<String>> lets = new java.util.HashMap<>();
        relevantReads(f.body(), relevant, lets);
        f.functions().values().forEach(p -> relevantReads(p.body(), relevant, lets));
        java.util.ArrayDeque<String> work = new java.util.ArrayDeque<>(relevant);
        while (!work.isEmpty()) {
            for (String v : lets.getOrDefault(work.pop(), Set.of())) {
                if (relevant.add(v)) {
                    work.push(v);
                }
            }
        }
        return relevant;
    }

    private static void relevantReads(List<SizeStmt> body, Set<String> relevant,
            java.util.Map<String, Set<String>> lets) {
        for (SizeStmt s : body) {
            if (s instanceof SizeStmt.Let l) {
                vars(l.value(), lets.computeIfAbsent(l.name(), k -> new HashSet<>()));
            } else if (!(s instanceof SizeStmt.Use)) {
                // a use is checked for tensors given back: the value of a number it reads never matters
                s.accept(new Reads(relevant, false));
            }
            SizeStmts.bodies(s).forEach(b -> relevantReads(b, relevant, lets));
        }
    }

    /**
     * The names an iteration of the loop over {@code var} carries to the next (read before the body
     * assigns them), whose values are then part of the state that must repeat; null when the body
     * reads the loop variable, so that no two iterations are alike.
     */
    static Set<String> carried(String var, List<SizeStmt> loopBody, Set<String> relevant) {
        List<SizeStmt> body = loopBody.stream()
                .filter(s -> !(s instanceof SizeStmt.Let l) || relevant.contains(l.name()) || l.name().equals(var))
                .toList();
        Set<String> assigned = new HashSet<>();
        assigned(body, assigned);
        Set<String> defined = new HashSet<>();
        Set<String> carried = new HashSet<>();
        for (SizeStmt s : body) {
            Set<String> reads = new HashSet<>();
            reads(s, reads);
            if (reads.contains(var) && !counts(s, var)) {
                return null;
            }
            reads.remove(var);
            reads.removeAll(defined);
            reads.retainAll(assigned);
            carried.addAll(reads);
            defined.addAll(SizeStmts.targets(s));
        }
        return carried;
    }

    /** Whether {@code s} is the counter's own step, {@code var = var + c} or {@code var - c}. */
    private static boolean counts(SizeStmt s, String var) {
        return s instanceof SizeStmt.Let l && l.name().equals(var) && l.value() instanceof SizeExpr.Bin b
                && (b.op().equals("+") || b.op().equals("-")) && b.left() instanceof SizeExpr.Var v
                && v.name().equals(var) && b.right() instanceof SizeExpr.Num;
    }

    /** Every name the statements assign, at any depth. */
    static void assignedNames(List<SizeStmt> body, Set<String> into) {
        assigned(body, into);
    }

    private static void assigned(List<SizeStmt> body, Set<String> into) {
        for (SizeStmt s : body) {
            into.addAll(SizeStmts.targets(s));
            if (s instanceof SizeStmt.For f) {
                into.add(f.var());
            }
            SizeStmts.bodies(s).forEach(b -> assigned(b, into));
        }
    }

    /** How many statements read each name, counting every statement inside blocks, loops and branches. */
    static void countReads(List<SizeStmt> body, java.util.Map<String, Integer> into) {
        for (SizeStmt s : body) {
            Set<String> here = new HashSet<>();
            s.accept(new Reads(here, false));
            here.forEach(n -> into.merge(n, 1, Integer::sum));
            SizeStmts.bodies(s).forEach(b -> countReads(b, into));
        }
    }

    /** Every name a statement reads, anywhere inside it. */
    private static void reads(SizeStmt s, Set<String> into) {
        s.accept(new Reads(into, true));
    }

    /**
     * The names a statement reads, into {@code into}: with {@code deep} those of the statements it
     * holds too (a for loop's own variable left out), else only what it reads itself (conditions, bounds).
     */
    private record Reads(Set<String> into, boolean deep) implements SizeStmt.Visitor<Void> {
        public Void visitAlloc(SizeStmt.Alloc s) {
            s.dims().forEach(d -> Pruner.vars(d, into));
            return null;
        }

        public Void visitBefore(SizeStmt.Before s) {
            s.dims().forEach(d -> Pruner.vars(d, into));
            return null;
        }

        public Void visitReshape(SizeStmt.Reshape s) {
            s.dims().forEach(d -> Pruner.vars(d, into));
            vars(s.offset(), into);
            return null;
        }

        public Void visitDrop(SizeStmt.Drop s) {
            into.addAll(s.tensors());
            return null;
        }

        public Void visitLet(SizeStmt.Let s) {
            Pruner.vars(s.value(), into);
            return null;
        }

        public Void visitAlias(SizeStmt.Alias s) {
            into.add(s.of());
            if (s.slice() != null) {
                s.slice().forEach(i -> {
                    vars(i.start(), into);
                    vars(i.step(), into);
                    vars(i.stop(), into);
                });
            }
            return null;
        }

        public Void visitUse(SizeStmt.Use s) {
            into.addAll(s.names());
            return null;
        }

        public Void visitTensorOp(SizeStmt.TensorOp s) {
            into.add(s.output());
            s.terms().forEach(term -> term.forEach(f -> into.add(f.tensor())));
            s.order().refs().forEach(f -> into.add(f.tensor()));
            vars(s.order().limit(), into);
            return null;
        }

        public Void visitCall(SizeStmt.Call s) {
            for (SizeStmt.Arg a : s.args()) {
                vars(a.value(), into);
            }
            return null;
        }

        public Void visitIf(SizeStmt.If s) {
            for (SizeStmt.Branch b : s.branches()) {
                vars(b.condition(), into);
                if (deep) {
                    b.body().forEach(x -> reads(x, into));
                }
            }
            if (deep && s.elseBody() != null) {
                s.elseBody().forEach(x -> reads(x, into));
            }
            return null;
        }

        public Void visitFor(SizeStmt.For s) {
            vars(s.start(), into);
            vars(s.step(), into);
            vars(s.stop(), into);
            if (deep) {
                Set<String> inner = new HashSet<>();
                s.body().forEach(x -> reads(x, inner));
                inner.remove(s.var());
                into.addAll(inner);
            }
            return null;
        }

        public Void visitWhile(SizeStmt.While s) {
            vars(s.condition(), into);
            if (deep) {
                s.body().forEach(x -> reads(x, into));
            }
            return null;
        }

        public Void visitScopeEnd(SizeStmt.ScopeEnd s) {
            return null;
        }

        public Void visitReset(SizeStmt.Reset s) {
            return null;
        }

        public Void visitBreak(SizeStmt.Break s) {
            return null;
        }

        public Void visitContinue(SizeStmt.Continue s) {
            return null;
        }

        public Void visitReturn(SizeStmt.Return s) {
            return null;
        }

        public Void visitOpaque(SizeStmt.Opaque s) {
            return null;
        }
    }

    private static void vars(SizeExpr e, Set<String> into) {
        if (e != null) {
            Pruner.vars(e, into);
        }
    }
}
