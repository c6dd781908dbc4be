package io.github.bufdsl.exec;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Contractor;
import io.github.bufdsl.runtime.MemoryBudget;
import io.github.bufdsl.runtime.ThreadsBuffer;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * What one thread of a run needs while it executes compiled code: the current frame of variables,
 * the statements counted, the calls nested, the loops entered (for messages), its own
 * {@code @tensor} engine and random numbers. The main thread has one; each worker of a
 * {@code Threads.@threads} loop has another.
 */
final class Ctx {
    final Interpreter interp;
    Frame frame;
    String nameHint;
    int callDepth;
    long steps;
    final ArrayDeque<Stmt> loops = new ArrayDeque<>();
    final TensorEval tensors;
    RandomGenerator random;
    /** Where this thread's printing goes while it runs an iteration of a parallel loop; null: the run's output. */
    PrintStream out;
    /** A worker of a parallel loop: a threaded loop inside its iterations runs on this thread. */
    boolean worker;
    /**
     * The buffers made before the Threads.@threads loop this context runs iterations of (null outside
     * one): the loop's iterations share them, so none may change their stacks.
     */
    java.util.Set<io.github.bufdsl.runtime.Buffer> shared;
    private final Map<Expr, Compiler.Eval> compiled = new IdentityHashMap<>();

    Ctx(Interpreter interp, Frame frame, RandomGenerator random) {
        this.interp = interp;
        this.frame = frame;
        this.random = random;
        this.tensors = new TensorEval(this, new Contractor(interp.backend().create()), offHeap());
    }

    /** Whether the buffers a script makes live off the heap: when the matrix backend reads them there. */
    boolean offHeap() {
        return interp.backend().readsNative();
    }

    /** The variable an allocation is being assigned to, for names in messages, or null. */
    String nameHint() {
        return nameHint;
    }

    PrintStream out() {
        return out != null ? out : interp.out();
    }

    RandomGenerator random() {
        return random;
    }

    MemoryBudget memory() {
        return interp.memory();
    }

    java.nio.file.Path file(String path, boolean write) {
        return interp.file(path, write);
    }

    int threads() {
        return interp.threads();
    }

    void registerBuffer(Buffer b) {
        interp.registerBuffer(b);
    }

    void registerThreadsBuffer(ThreadsBuffer t) {
        interp.registerThreadsBuffer(t);
    }

    /**
     * Evaluates an expression of the current scope that was not compiled ahead (the operands of
     * {@code @tensor}); compiled once, then cached.
     */
    Value eval(Expr e) {
        Compiler.Eval code = compiled.get(e);
        if (code == null) {
            code = interp.compileExpr(e, frame.scope);
            compiled.put(e, code);
        }
        frame.fit();
        return code.eval(this);
    }

    /** Sets a variable by name in the current scope (as {@code :=} does). */
    void setVariable(String name, Value v) {
        int slot = frame.scope.find(name);
        if (slot < 0) {
            slot = interp.globalSlot(name);
            interp.globalFrame().slots[slot] = v;
            return;
        }
        frame.fit();
        frame.slots[slot] = v;
    }

    /**
     * {@code b}, for an allocation, drop or reset: refused for a buffer made before the threaded loop
     * this context runs in, whose iterations would change its stack at the same time (Buffers.jl's
     * buffers belong to one task; each iteration takes its memory from a ThreadsBuffer).
     */
    io.github.bufdsl.runtime.Buffer ownStack(io.github.bufdsl.runtime.Buffer b) {
        return ownStack(b, null);
    }

    /** As {@link #ownStack(io.github.bufdsl.runtime.Buffer)}; {@code lead} says what takes from b (its name follows). */
    io.github.bufdsl.runtime.Buffer ownStack(io.github.bufdsl.runtime.Buffer b, String lead) {
        if (shared != null && shared.contains(b)) {
            throw new ScriptError(ThreadRules.sharedStack(b.name(), lead));
        }
        return b;
    }
}
