package io.github.bufdsl.ast;

import java.util.ArrayList;
import java.util.List;

/**
 * Which statements hold others, and which: the one place that says so (exhaustive: a new kind
 * of statement fails to compile here), for passes that look for something at any depth.
 */
public final class StmtBodies {
    private StmtBodies() {
    }

    /** The bodies nested directly in {@code s} (an if's branches and else, a loop's body, ...); empty for a leaf. */
    public static List<List<Stmt>> of(Stmt s) {
        return s.accept(BODIES);
    }

    private static final Stmt.Visitor<List<List<Stmt>>> BODIES = new Stmt.Visitor<>() {
        public List<List<Stmt>> visitIf(Stmt.If i) {
            List<List<Stmt>> out = new ArrayList<>();
            i.branches().forEach(b -> out.add(b.body()));
            if (i.elseBody() != null) {
                out.add(i.elseBody());
            }
            return out;
        }

        public List<List<Stmt>> visitFor(Stmt.For f) {
            return List.of(f.body());
        }

        public List<List<Stmt>> visitWhile(Stmt.While w) {
            return List.of(w.body());
        }

        public List<List<Stmt>> visitBlock(Stmt.Block b) {
            return List.of(b.body());
        }

        public List<List<Stmt>> visitFunction(Stmt.Function f) {
            return List.of(f.body());
        }

        public List<List<Stmt>> visitBufferScope(Stmt.BufferScope b) {
            return List.of(b.body());
        }

        public List<List<Stmt>> visitPrintBufferUsage(Stmt.PrintBufferUsage p) {
            return List.of(p.body());
        }

        public List<List<Stmt>> visitExpr(Stmt.ExprStmt s) {
            return List.of();
        }

        public List<List<Stmt>> visitAssign(Stmt.Assign s) {
            return List.of();
        }

        public List<List<Stmt>> visitReturn(Stmt.Return s) {
            return List.of();
        }

        public List<List<Stmt>> visitBreak(Stmt.Break s) {
            return List.of();
        }

        public List<List<Stmt>> visitContinue(Stmt.Continue s) {
            return List.of();
        }

        public List<List<Stmt>> visitUsing(Stmt.Using s) {
            return List.of();
        }

        public List<List<Stmt>> visitTensor(Stmt.Tensor s) {
            return List.of();
        }

        public List<List<Stmt>> visitShow(Stmt.Show s) {
            return List.of();
        }
    };
}
