package io.github.bufdsl.analysis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Removes from a sizing function what does not matter for the peaks: assignments no size or
 * condition reads (backward liveness, loops iterated to a fixed point), and branches or loops left
 * without statements.
 */
final class Pruner {
    private Pruner() {
    }

    static List<SizeStmt> prune(List<SizeStmt> body) {
        return prune(withoutDataLeaves(body), new HashSet<>());
    }

    /**
     * The statements without the ifs on data that only leave (if A[i] > 0.5 continue end; if x < 0 break
     * end after x = A[i]): usage sizes them as never taken ({@link DataChoices}), and so does the printed
     * function, which could not compute their conditions.
     */
    static List<SizeStmt> withoutDataLeaves(List<SizeStmt> body) {
        return withoutDataLeaves(body, opaqueOnly(body));
    }

    /** The names the statements assign only values usage cannot know (x = A[i]), and its marks of conditions on data. */
    static Set<String> opaqueOnly(List<SizeStmt> body) {
        Set<String> opaque = new HashSet<>();
        Set<String> known = new HashSet<>();
        targets(body, opaque, known);
        opaque.removeAll(known);
        return opaque;
    }

    private static void targets(List<SizeStmt> body, Set<String> opaque, Set<String> known) {
        for (SizeStmt s : body) {
            (s instanceof SizeStmt.Opaque ? opaque : known).addAll(SizeStmts.targets(s));
            if (s instanceof SizeStmt.For f) {
                known.add(f.var());
            }
            SizeStmts.bodies(s).forEach(b -> targets(b, opaque, known));
        }
    }

    private static List<SizeStmt> withoutDataLeaves(List<SizeStmt> body, Set<String> opaque) {
        List<SizeStmt> out = new ArrayList<>();
        for (SizeStmt s : body) {
            if (s instanceof SizeStmt.If f) {
                Set<String> read = new HashSet<>();
                f.branches().forEach(b -> vars(b.condition(), read));
                read.retainAll(opaque);
                if (!read.isEmpty() && SizeStmts.decideNoSize(SizeStmts.bodies(f), true)) {
                    continue;
                }
                List<SizeStmt.Branch> branches = f.branches().stream()
                        .map(b -> new SizeStmt.Branch(b.condition(), withoutDataLeaves(b.body(), opaque))).toList();
                out.add(new SizeStmt.If(f.pos(), branches,
                        f.elseBody() == null ? null : withoutDataLeaves(f.elseBody(), opaque)));
            } else if (s instanceof SizeStmt.For f) {
                out.add(new SizeStmt.For(f.pos(), f.var(), f.start(), f.step(), f.stop(),
                        withoutDataLeaves(f.body(), opaque), f.threaded(), f.nested()));
            } else if (s instanceof SizeStmt.While w) {
                out.add(new SizeStmt.While(w.pos(), w.condition(), withoutDataLeaves(w.body(), opaque)));
            } else {
                out.add(s);
            }
        }
        return out;
    }

    /** Every variable read by the condition of an if, at any depth. */
    static Set<String> conditionVariables(List<SizeStmt> body) {
        Set<String> out = new HashSet<>();
        for (SizeStmt s : body) {
            if (s instanceof SizeStmt.If f) {
                f.branches().forEach(b -> vars(b.condition(), out));
            }
            SizeStmts.bodies(s).forEach(b -> out.addAll(conditionVariables(b)));
        }
        return out;
    }

    /** The variables the pruned statements read before assigning them: the sizing function's parameters. */
    static List<String> freeVariables(List<SizeStmt> body) {
        Set<String> live = new HashSet<>();
        prune(withoutDataLeaves(body), live);
        return new java.util.TreeSet<>(live).stream().toList();
    }

    /** Prunes {@code body}; {@code live} holds the names read after it and is updated to before it. */
    private static List<SizeStmt> prune(List<SizeStmt> body, Set<String> live) {
        List<SizeStmt> out = new ArrayList<>();
        Backwards step = new Backwards(live, out);
        for (int i = body.size() - 1; i >= 0; i--) {
            body.get(i).accept(step);
        }
        // built backwards by appending (prepending to an ArrayList made long bodies quadratic)
        Collections.reverse(out);
        return out;
    }

    /** One statement, seen backwards: kept in {@code out} (appended) if it matters; {@code live} updated to before it. */
    private record Backwards(Set<String> live, List<SizeStmt> out) implements SizeStmt.Visitor<Void> {
        public Void visitLet(SizeStmt.Let l) {
            if (live.remove(l.name())) {
                vars(l.value(), live);
                out.add(l);
            }
            return null;
        }

        public Void visitTensorOp(SizeStmt.TensorOp s) {
            return null; // checked, not printed
        }

        public Void visitUse(SizeStmt.Use s) {
            return null; // checked, not printed
        }

        public Void visitOpaque(SizeStmt.Opaque o) {
            if (!o.loopVariable()) { // a loop's variable after it keeps the value a variable of its name had
                live.remove(o.name());
            }
            return null;
        }

        public Void visitAlias(SizeStmt.Alias a) {
            if (live.remove(a.name())) {
                live.add(a.of());
                out.add(a);
            }
            return null;
        }

        public Void visitAlloc(SizeStmt.Alloc a) {
            if (a.target() != null) {
                live.remove(a.target());
            }
            a.dims().forEach(d -> vars(d, live));
            out.add(a);
            return null;
        }

        public Void visitDrop(SizeStmt.Drop d) {
            live.addAll(d.tensors());
            out.add(d);
            return null;
        }

        public Void visitBefore(SizeStmt.Before b) {
            return null; // not printed: the block's function starts with its buffers empty
        }

        public Void visitReshape(SizeStmt.Reshape r) {
            if (r.target() != null) {
                live.remove(r.target());
            }
            r.dims().forEach(d -> vars(d, live));
            vars(r.offset(), live);
            out.add(r);
            return null;
        }

        public Void visitReset(SizeStmt.Reset s) {
            out.add(s);
            return null;
        }

        public Void visitReturn(SizeStmt.Return s) {
            s.numbers().forEach(n -> vars(n, live)); // return 2 * n, A: the numbers it gives back
            out.add(s);
            return null;
        }

        public Void visitScopeEnd(SizeStmt.ScopeEnd s) {
            out.add(s);
            return null;
        }

        public Void visitBreak(SizeStmt.Break s) {
            out.add(s);
            return null;
        }

        public Void visitContinue(SizeStmt.Continue s) {
            out.add(s);
            return null;
        }

        public Void visitCall(SizeStmt.Call c) {
            c.targets().forEach(live::remove);
            for (SizeStmt.Arg a : c.args()) {
                if (a.written() != null) {
                    vars(a.written(), live);
                }
            }
            out.add(c);
            return null;
        }

        public Void visitWhile(SizeStmt.While w) {
            Set<String> entry = new HashSet<>(live);
            if (w.condition() != null) {
                vars(w.condition(), entry);
            }
            List<SizeStmt> pb = loopBody(w.body(), live, entry, null);
            if (!pb.isEmpty()) {
                if (w.condition() != null) {
                    vars(w.condition(), live);
                }
                out.add(new SizeStmt.While(w.pos(), w.condition(), pb));
            }
            return null;
        }

        public Void visitIf(SizeStmt.If f) {
            Set<String> after = new HashSet<>(live);
            Set<String> before = new HashSet<>();
            List<SizeStmt.Branch> branches = new ArrayList<>();
            boolean any = false;
            for (SizeStmt.Branch b : f.branches()) {
                Set<String> l = new HashSet<>(after);
                List<SizeStmt> pb = prune(b.body(), l);
                before.addAll(l);
                branches.add(new SizeStmt.Branch(b.condition(), pb));
                any |= !pb.isEmpty();
            }
            List<SizeStmt> elseBody = null;
            if (f.elseBody() != null) {
                Set<String> l = new HashSet<>(after);
                elseBody = prune(f.elseBody(), l);
                before.addAll(l);
                any |= !elseBody.isEmpty();
                if (elseBody.isEmpty()) {
                    elseBody = null;
                }
            } else {
                before.addAll(after);
            }
            if (any) {
                live.clear();
                live.addAll(before);
                f.branches().forEach(b -> vars(b.condition(), live));
                out.add(new SizeStmt.If(f.pos(), branches, elseBody));
            }
            return null;
        }

        public Void visitFor(SizeStmt.For f) {
            Set<String> entry = new HashSet<>(live);
            List<SizeStmt> pb = loopBody(f.body(), live, entry, f.var());
            if (!pb.isEmpty()) {
                vars(f.start(), live);
                vars(f.stop(), live);
                if (f.step() != null) {
                    vars(f.step(), live);
                }
                out.add(new SizeStmt.For(f.pos(), f.var(), f.start(), f.step(), f.stop(), pb, f.threaded(), f.nested()));
            }
            return null;
        }
    }

    /**
     * Prunes a loop body: what the body reads at its start is live at its end too, so iterate to a
     * fixed point. Adds what is live before the loop to {@code live}.
     */
    private static List<SizeStmt> loopBody(List<SizeStmt> body, Set<String> live, Set<String> entry, String var) {
        List<SizeStmt> pb;
        while (true) {
            Set<String> l = new HashSet<>(entry);
            pb = prune(body, l);
            l.addAll(live);
            if (var != null) {
                l.remove(var);
            }
            if (l.equals(entry)) {
                break;
            }
            entry = l;
        }
        if (!pb.isEmpty()) {
            live.addAll(entry);
        }
        return pb;
    }

    /** Whether the expression reads {@code name}. */
    static boolean mentions(SizeExpr e, String name) {
        Set<String> names = new HashSet<>();
        vars(e, names);
        return names.contains(name);
    }

    static void vars(SizeExpr e, Set<String> into) {
        if (e instanceof SizeExpr.Var v) {
            into.add(v.name());
        } else if (e instanceof SizeExpr.Bin b) {
            vars(b.left(), into);
            vars(b.right(), into);
        } else if (e instanceof SizeExpr.Logic l) {
            vars(l.left(), into);
            vars(l.right(), into);
        } else if (e instanceof SizeExpr.Unary u) {
            vars(u.operand(), into);
        } else if (e instanceof SizeExpr.Range r) {
            SizeExprs.parts(r).forEach(p -> vars(p, into));
        } else if (e instanceof SizeExpr.Call c && c.function().equals(SizeExprs.USED)) {
            return; // used(buf) reads the buffer's level (lenbuf[]), no variable
        } else if (e instanceof SizeExpr.Call c && PrintedShapes.formOf(c) != null) {
            vars(PrintedShapes.formOf(c), into); // size(A, 1) is printed in the variables of A's sizes
        } else if (e instanceof SizeExpr.Call c) {
            c.args().forEach(a -> vars(a, into));
        }
    }
}
