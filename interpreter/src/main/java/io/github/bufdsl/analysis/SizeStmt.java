package io.github.bufdsl.analysis;

import io.github.bufdsl.diag.Pos;
import java.util.List;

/** Statements of the sizing function: what is left of a script once only buffer sizes matter. */
public sealed interface SizeStmt {
    /** Where the statement is in the script. */
    Pos pos();

    /** Dispatches to the visitor's method for this kind: every pass over statements names every kind. */
    <R> R accept(Visitor<R> v);

    /** One method per kind of statement, so that a new kind fails to compile in every pass that forgets it. */
    interface Visitor<R> {
        R visitAlloc(Alloc s);

        R visitReshape(Reshape s);

        R visitBefore(Before s);

        R visitDrop(Drop s);

        R visitScopeEnd(ScopeEnd s);

        R visitReset(Reset s);

        R visitIf(If s);

        R visitFor(For s);

        R visitBreak(Break s);

        R visitContinue(Continue s);

        R visitTensorOp(TensorOp s);

        R visitLet(Let s);

        R visitCall(Call s);

        R visitReturn(Return s);

        R visitWhile(While s);

        R visitAlias(Alias s);

        R visitOpaque(Opaque s);

        R visitUse(Use s);
    }

    /**
     * {@code target = pseudo_alloc!(lenbuf, peakbuf, d1 * d2 * ...)}; target may be null. With
     * {@code define}, the allocation of {@code @tensor target[...] := ...}: a path takes its buffer and
     * dimensions from the tensors on the right as they are on that path ({@code buffer} and
     * {@code dims} are what the printed sizing function says; {@code buffer} is null, and the
     * allocation not printed, when the tensors are not allocated where the translation sees them).
     */
    record Alloc(Pos pos, String target, String buffer, List<SizeExpr> dims, Define define) implements SizeStmt {
        Alloc(Pos pos, String target, String buffer, List<SizeExpr> dims) {
            this(pos, target, buffer, dims, null);
        }

        public <R> R accept(Visitor<R> v) {
            return v.visitAlloc(this);
        }
    }

    /**
     * The output labels and the terms of a {@code :=}, whose tensors give the new tensor's buffer and
     * dimensions on each path; {@code sources}: the tensors whose {@code alloc!} as written gave the
     * printed buffer, then each printed dimension (empty when none did; {@link DefinePrinting} says
     * whether the printed function may use them); {@code from}: the tensor whose buffer it allocates
     * from ({@link io.github.bufdsl.exec.Defines}).
     */
    record Define(List<String> outLabels, List<List<Factor>> terms, List<String> sources, String from) {
    }

    /**
     * A tensor a block's buffer holds from before the block ({@code A = alloc!(buf, n, 2)} above
     * {@code @print_buffer_usage buf}): its buffer and dimensions are known, for a {@code :=} or a
     * contraction of it in the block; it is not on the block's stack, which starts empty.
     */
    record Before(Pos pos, String target, String buffer, List<SizeExpr> dims) implements SizeStmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitBefore(this);
        }
    }

    /** {@code reshape_buf!(buf, dims...; offset=k)}: a view; the peak is at least offset + its length. */
    record Reshape(Pos pos, String target, String buffer, List<SizeExpr> dims, SizeExpr offset) implements SizeStmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitReshape(this);
        }
    }

    /** {@code pseudo_drop!(lenbuf, A, B)}. */
    record Drop(Pos pos, String buffer, List<String> tensors) implements SizeStmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitDrop(this);
        }
    }

    /** The end of a {@code @buffer} block: its buffers are emptied (tensors left there are warned about). */
    record ScopeEnd(Pos pos, List<String> buffers) implements SizeStmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitScopeEnd(this);
        }
    }

    /** {@code pseudo_reset!(lenbuf)}. */
    record Reset(Pos pos, String buffer) implements SizeStmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitReset(this);
        }
    }

    record Branch(SizeExpr condition, List<SizeStmt> body) {
    }

    /** {@code if / elseif / else}; elseBody is null when there is none. */
    record If(Pos pos, List<Branch> branches, List<SizeStmt> elseBody) implements SizeStmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitIf(this);
        }
    }

    /**
     * {@code for var = start:step:stop}; step is null for 1; {@code threaded} for {@code Threads.@threads
     * for}; {@code nested} for the inner loops of {@code for i in 1:n, j in 1:m}, which a break leaves
     * together with the loops around them, as in Julia.
     */
    record For(Pos pos, String var, SizeExpr start, SizeExpr step, SizeExpr stop, List<SizeStmt> body,
            boolean threaded, boolean nested) implements SizeStmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitFor(this);
        }
    }

    /** {@code break}: leaves the innermost loop. */
    record Break(Pos pos) implements SizeStmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitBreak(this);
        }
    }

    /** {@code continue}: ends the iteration of the innermost loop. */
    record Continue(Pos pos) implements SizeStmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitContinue(this);
        }
    }

    /**
     * {@code @tensor out[labels] op terms}, for the checks of labels and dimensions; with
     * {@code define} ({@code :=}) the output is allocated from the buffer of the first tensor on the right;
     * {@code source} is the statement as written (its errors stand at the index they concern).
     */
    record TensorOp(Pos pos, String output, List<String> outLabels, boolean define, List<List<Factor>> terms,
            Order order, io.github.bufdsl.ast.Stmt.Tensor source) implements SizeStmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitTensorOp(this);
        }
    }

    /**
     * How the products of a {@link TensorOp} are contracted, for sizing its workspace as the runtime
     * does: the grouping as written ({@code plans}, one per term), {@code @tensoropt} (with its limit),
     * or indices to contract first; and every indexed tensor as written ({@code refs}), whose traces
     * are copied first.
     */
    record Order(List<io.github.bufdsl.runtime.ContractionOrder.Plan> plans, boolean optimize, SizeExpr limit,
            List<String> indices, List<Factor> refs) {
    }

    /**
     * A tensor of an {@code @tensor} term with its index labels; {@code ref} is its place among the
     * statement's indexed tensors as written ({@link Order#refs()}), which terms share.
     */
    record Factor(String tensor, List<String> labels, int ref) {
    }

    /** A kept assignment that a size depends on: {@code n = 2 * m}. */
    record Let(Pos pos, String name, SizeExpr value) implements SizeStmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitLet(this);
        }
    }

    /**
     * A call of a user function that takes a buffer: {@code pseudo_f(lenbuf, peakbuf, args...)};
     * {@code targets} (empty when none; several for {@code A, W = f(...)}) are assigned what it
     * returns: the tensor its {@code return} names (the tensors of a tuple, one per target), with
     * its buffer and dimensions as the call's path has them, else a value usage cannot know.
     */
    record Call(Pos pos, String function, List<Arg> args, List<String> targets) implements SizeStmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitCall(this);
        }
    }

    /**
     * An argument of a {@link Call}: a buffer, or a value (null when usage cannot know it); a slice
     * ({@code f(buf, A[:, :, 2])}) is a view the call is given, made before it under a name of
     * {@link #VIEW}, which no script has.
     */
    record Arg(String buffer, SizeExpr value) {
        static final String VIEW = "#argument ";

        /** The value as the printers write it: null for a slice or a range (nothing the printed function sizes by). */
        SizeExpr written() {
            return value instanceof SizeExpr.Var v && v.name().startsWith(VIEW) || value instanceof SizeExpr.Range ? null
                    : value;
        }
    }

    /**
     * {@code return} inside a user function; {@code values}: what it returns, one entry for a single
     * value and one per item for a tuple ({@code return A, W}), each the name returned (null for
     * anything else); empty for a plain {@code return}. {@code numbers}, item by item: the value as
     * arithmetic ({@code return 2 * n, A}: {@code 2 * n}, and {@code A} itself, which a path finds to be
     * a tensor), followed into the caller's targets; null where usage cannot know it before running.
     */
    record Return(Pos pos, List<String> values, List<SizeExpr> numbers) implements SizeStmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitReturn(this);
        }
    }

    /**
     * {@code while}: run as written when its condition can be decided before running (the script
     * bounds it); else sized as one iteration, which must give back what it takes (else the peak
     * grows without bound). {@code condition} is null when it is not arithmetic.
     */
    record While(Pos pos, SizeExpr condition, List<SizeStmt> body) implements SizeStmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitWhile(this);
        }
    }

    /**
     * {@code name = other} for tensors ({@code An = neuralyze(A)}): the same allocation; with
     * {@code slice}, {@code name = other[...]}: a view of part of it, one index per dimension.
     */
    record Alias(Pos pos, String name, String of, List<SliceIndex> slice) implements SizeStmt {
        Alias(Pos pos, String name, String of) {
            this(pos, name, of, null);
        }

        public <R> R accept(Visitor<R> v) {
            return v.visitAlias(this);
        }
    }

    /**
     * One index of a slice: {@code :} (all null), an integer ({@code start} only), or a range
     * {@code start:step:stop} ({@code step} null for 1).
     */
    record SliceIndex(SizeExpr start, SizeExpr step, SizeExpr stop) {
    }

    /**
     * An assignment whose value usage cannot know before running; a size that reads it is an error.
     * {@code view}: a slice or view; {@code elsewhere}: a tensor of a buffer this function does not size;
     * {@code loopVariable}: the variable of a loop not followed, after it (unknowable only when no
     * variable of that name had a value before the loop: as in Julia, the loop's variable is its own).
     */
    record Opaque(Pos pos, String name, boolean view, boolean elsewhere, boolean loopVariable) implements SizeStmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitOpaque(this);
        }

        Opaque(Pos pos, String name, boolean view, boolean elsewhere) {
            this(pos, name, view, elsewhere, false);
        }

        Opaque(Pos pos, String name, boolean view) {
            this(pos, name, view, false);
        }

        Opaque(Pos pos, String name) {
            this(pos, name, false);
        }
    }

    /**
     * A statement that uses tensors without changing sizes ({@code rand!(B)}, {@code @tensor},
     * {@code A[i] = x}): checked for use after drop, not printed.
     */
    record Use(Pos pos, List<String> names) implements SizeStmt {
        public <R> R accept(Visitor<R> v) {
            return v.visitUse(this);
        }
    }
}
