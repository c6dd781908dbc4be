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
            } else if (s instanceof SizeStmt.If i) {
                i.branches().forEach(b -> {
                    vars(b.condition(), relevant);
                    relevantReads(b.body(), relevant, lets);
                });
                if (i.elseBody() != null) {
                    relevantReads(i.elseBody(), relevant, lets);
                }
            } else if (s instanceof SizeStmt.For f) {
                vars(f.start(), relevant);
                vars(f.step(), relevant);
                vars(f.stop(), relevant);
                relevantReads(f.body(), relevant, lets);
            } else if (s instanceof SizeStmt.While w) {
                vars(w.condition(), relevant);
                relevantReads(w.body(), relevant, lets);
            } else if (!(s instanceof SizeStmt.Use)) {
                // a use is checked for tensors given back: the value of a number it reads never matters
                reads(s, relevant);
            }
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
            String target = target(s);
            if (target != null) {
                defined.add(target);
            }
        }
        return true;
    }

    /** The name a statement assigns unconditionally, or null. */
    private static String target(SizeStmt s) {
        if (s instanceof SizeStmt.Alloc a) {
            return a.target();
        }
        if (s instanceof SizeStmt.Reshape r) {
            return r.target();
        }
        if (s instanceof SizeStmt.Let l) {
            return l.name();
        }
        if (s instanceof SizeStmt.Alias a) {
            return a.name();
        }
        if (s instanceof SizeStmt.Opaque o) {
            return o.name();
        }
        if (s instanceof SizeStmt.TensorOp t && t.define()) {
            return t.output();
        }
        return null;
    }

    /** Every name the statements assign, at any depth. */
    static void assignedNames(List<SizeStmt> body, Set<String> into) {
        assigned(body, into);
    }

    private static void assigned(List<SizeStmt> body, Set<String> into) {
        for (SizeStmt s : body) {
            String t = target(s);
            if (t != null) {
                into.add(t);
            }
            if (s instanceof SizeStmt.If i) {
                i.branches().forEach(b -> assigned(b.body(), into));
                if (i.elseBody() != null) {
                    assigned(i.elseBody(), into);
                }
            } else if (s instanceof SizeStmt.For f) {
                into.add(f.var());
                assigned(f.body(), into);
            } else if (s instanceof SizeStmt.While w) {
                assigned(w.body(), into);
            }
        }
    }

    /** How many statements read each name, counting every statement inside blocks, loops and branches. */
    static void countReads(List<SizeStmt> body, java.util.Map<String, Integer> into) {
        for (SizeStmt s : body) {
            Set<String> here = new HashSet<>();
            if (s instanceof SizeStmt.If i) {
                for (SizeStmt.Branch b : i.branches()) {
                    vars(b.condition(), here);
                    countReads(b.body(), into);
                }
                if (i.elseBody() != null) {
                    countReads(i.elseBody(), into);
                }
            } else if (s instanceof SizeStmt.For f) {
                vars(f.start(), here);
                vars(f.step(), here);
                vars(f.stop(), here);
                countReads(f.body(), into);
            } else if (s instanceof SizeStmt.While w) {
                vars(w.condition(), here);
                countReads(w.body(), into);
            } else {
                reads(s, here);
            }
            here.forEach(n -> into.merge(n, 1, Integer::sum));
        }
    }

    /** Every name a statement reads, anywhere inside it. */
    private static void reads(SizeStmt s, Set<String> into) {
        if (s instanceof SizeStmt.Alloc a) {
            a.dims().forEach(d -> Pruner.vars(d, into));
        } else if (s instanceof SizeStmt.Reshape r) {
            r.dims().forEach(d -> Pruner.vars(d, into));
            vars(r.offset(), into);
        } else if (s instanceof SizeStmt.Drop d) {
            into.addAll(d.tensors());
        } else if (s instanceof SizeStmt.Let l) {
            Pruner.vars(l.value(), into);
        } else if (s instanceof SizeStmt.Alias a) {
            into.add(a.of());
        } else if (s instanceof SizeStmt.Use u) {
            into.addAll(u.names());
        } else if (s instanceof SizeStmt.TensorOp t) {
            into.add(t.output());
            t.terms().forEach(term -> term.forEach(f -> into.add(f.tensor())));
            t.order().refs().forEach(f -> into.add(f.tensor()));
            vars(t.order().limit(), into);
        } else if (s instanceof SizeStmt.Call c) {
            for (SizeStmt.Arg a : c.args()) {
                vars(a.value(), into);
            }
        } else if (s instanceof SizeStmt.If i) {
            for (SizeStmt.Branch b : i.branches()) {
                vars(b.condition(), into);
                b.body().forEach(x -> reads(x, into));
            }
            if (i.elseBody() != null) {
                i.elseBody().forEach(x -> reads(x, into));
            }
        } else if (s instanceof SizeStmt.For f) {
            vars(f.start(), into);
            vars(f.step(), into);
            vars(f.stop(), into);
            Set<String> inner = new HashSet<>();
            f.body().forEach(x -> reads(x, inner));
            inner.remove(f.var());
            into.addAll(inner);
        } else if (s instanceof SizeStmt.While w) {
            vars(w.condition(), into);
            w.body().forEach(x -> reads(x, into));
        }
    }

    private static void vars(SizeExpr e, Set<String> into) {
        if (e != null) {
            Pruner.vars(e, into);
        }
    }
}
