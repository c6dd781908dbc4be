package io.github.bufdsl.ast;

import io.github.bufdsl.diag.Pos;
import java.util.List;

/** Statements. One record per kind; every node knows where it came from. */
public sealed interface Stmt {
    Pos pos();

    <R> R accept(Visitor<R> v);

    interface Visitor<R> {
        R visitExpr(ExprStmt s);

        R visitAssign(Assign s);

        R visitIf(If s);

        R visitFor(For s);

        R visitWhile(While s);

        R visitBlock(Block s);

        R visitFunction(Function s);

        R visitReturn(Return s);

        R visitBreak(Break s);

        R visitContinue(Continue s);

        R visitUsing(Using s);

        R visitTensor(Tensor s);

        R visitShow(Show s);

        R visitPrintBufferUsage(PrintBufferUsage s);

        R visitBufferScope(BufferScope s);
    }

    record ExprStmt(Pos pos, Expr expr) implements Stmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitExpr(this);
        }
    }

    /**
     * {@code x = v}, {@code A[i] = v}, {@code r[] = v}, {@code x += v}, {@code A .= v},
     * {@code a, b = f()} (several targets only with '=').
     */
    record Assign(Pos pos, List<Expr> targets, AssignOp op, Expr value) implements Stmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitAssign(this);
        }
    }

    record Branch(Pos pos, Expr condition, List<Stmt> body) {
    }

    /** {@code if / elseif ... / else / end}; {@code elseBody} is null without an else. */
    record If(Pos pos, List<Branch> branches, List<Stmt> elseBody) implements Stmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitIf(this);
        }
    }

    /**
     * {@code for var in iterable ... end}; {@code threaded} for {@code Threads.@threads for}.
     * {@code nested} for the inner loops of {@code for i in 1:n, j in 1:m} (built as one loop in
     * another): as in Julia, {@code break} there leaves the whole nest.
     */
    record For(Pos pos, String var, Expr iterable, List<Stmt> body, boolean threaded, boolean nested)
            implements Stmt {
        public For(Pos pos, String var, Expr iterable, List<Stmt> body, boolean threaded) {
            this(pos, var, iterable, body, threaded, false);
        }

        public <R> R accept(Visitor<R> v) {
            return v.visitFor(this);
        }
    }

    record While(Pos pos, Expr condition, List<Stmt> body) implements Stmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitWhile(this);
        }
    }

    /**
     * {@code begin ... end}; with {@code scoped}, {@code let x = 1, y = 2 ... end}: a scope of its
     * own; its statements are the bindings (assignments) and last the body, a plain block.
     */
    record Block(Pos pos, List<Stmt> body, boolean scoped) implements Stmt {
        public Block(Pos pos, List<Stmt> body) {
            this(pos, body, false);
        }

        public <R> R accept(Visitor<R> v) {
            return v.visitBlock(this);
        }
    }

    record Param(Pos pos, String name) {
    }

    record Function(Pos pos, String name, List<Param> params, List<Stmt> body) implements Stmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitFunction(this);
        }
    }

    /** {@code return}, {@code return v}, {@code return a, b}; value is null when absent. */
    record Return(Pos pos, Expr value) implements Stmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitReturn(this);
        }
    }

    record Break(Pos pos) implements Stmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitBreak(this);
        }
    }

    record Continue(Pos pos) implements Stmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitContinue(this);
        }
    }

    record Using(Pos pos, List<String> modules) implements Stmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitUsing(this);
        }
    }

    /**
     * {@code @tensor lhs op rhs}: index notation. {@code optimize} for {@code @tensoropt} (the
     * cheapest order, with intermediates at most {@code maxIntermediate} elements when that is not
     * null); {@code order} the indices to contract first ({@code order=(j,k)}), or empty. {@code
     * scalar}: {@code s = @tensor A[i,j] * B[i,j]}, a fully contracted right side whose value is
     * assigned to the variable {@code lhs} names (with no index); its one element lives in the
     * workspace of {@code @tensor}, not in a buffer.
     */
    record Tensor(Pos pos, TensorExpr.Ref lhs, AssignOp op, TensorExpr rhs, boolean optimize, List<String> order,
            Expr maxIntermediate, boolean scalar) implements Stmt {
        public Tensor(Pos pos, TensorExpr.Ref lhs, AssignOp op, TensorExpr rhs, boolean optimize, List<String> order,
                Expr maxIntermediate) {
            this(pos, lhs, op, rhs, optimize, order, maxIntermediate, false);
        }

        public <R> R accept(Visitor<R> v) {
            return v.visitTensor(this);
        }
    }

    /** {@code @show expr}: prints the expression's text and its value. */
    record Show(Pos pos, Expr expr, String text) implements Stmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitShow(this);
        }
    }

    /** One buffer of a {@code @buffer} scope: {@code buf(len)} or {@code buf(Float32, len)}; type may be null. */
    record ScopedBuffer(Pos pos, String name, Expr type, Expr length) {
    }

    /**
     * {@code @buffer buf1(1000) buf2(Float32, 200) begin ... end}: fixed buffers given back at
     * {@code end}; with {@code threads}, {@code @threadsbuffer tbuf(len) begin ... end}: ThreadsBuffers.
     */
    record BufferScope(Pos pos, List<ScopedBuffer> buffers, List<Stmt> body, boolean threads) implements Stmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitBufferScope(this);
        }
    }

    /** {@code @print_buffer_usage b1 b2 ... begin ... end}. */
    record PrintBufferUsage(Pos pos, List<Expr.Name> buffers, List<Stmt> body) implements Stmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitPrintBufferUsage(this);
        }
    }
}
