package io.github.bufdsl.analysis;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which {@code for} loops repeat themselves: the body never reads the loop variable and never
 * reads, before assigning it afresh, a name the body assigns. Such an iteration depends only on
 * what was there before the loop and on the buffers' state, so once two iterations in a row
 * leave the buffers the same, every later one would too, and the evaluator may stop there
 * (a million-iteration loop is then sized in two). Assignments that nothing sized or checked
 * ever reads (a running sum) are not counted as reads or writes.
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

    static boolean repeats(SizeStmt.For f, Set<String> relevant) {
        List<SizeStmt> body = f.body().stream()
                .filter(s -> !(s instanceof SizeStmt.Let l) || relevant.contains(l.name())).toList();
        Set<String> assigned = new HashSet<>();
        assigned(body, assigned);
        Set<String> defined = new HashSet<>();
        for (SizeStmt s : body) {
            Set<String> reads = new HashSet<>();
            reads(s, reads);
            if (reads.contains(f.var())) {
                return false;
            }
            reads.removeAll(defined);
            reads.retainAll(assigned);
            if (!reads.isEmpty()) {
                return false; // carried from one iteration to the next
            }
            defined.addAll(SizeStmts.targets(s));
        }
        return true;
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
