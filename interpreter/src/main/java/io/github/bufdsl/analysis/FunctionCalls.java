package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.Signals.Returned;
import io.github.bufdsl.analysis.Symbolic.Free;
import io.github.bufdsl.analysis.Symbolic.Opaque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Calls of user functions that take a buffer, on one path: the body is evaluated with the
 * arguments bound, recursion (mutual too) by evaluating the calls while their arguments are known.
 */
final class FunctionCalls {
    /** Deepest recursion sizing follows. */
    static final int MAX_CALL_DEPTH = 1000;

    private final PathRun run;
    /** Calls of user functions being sized, one inside the other (recursion is evaluated, up to a depth). */
    private int callDepth;
    /** The user functions being called, outermost first. */
    private final List<String> calling = new ArrayList<>();

    FunctionCalls(PathRun run) {
        this.run = run;
    }

    void call(SizeStmt.Call c) {
        run.at = c.pos();
        SizingFunction.PseudoFunction f = run.ev.function.functions().get(c.function());
        if (callDepth >= MAX_CALL_DEPTH) {
            run.at = c.pos();
            throw run.impossible("usage sizes the recursive function " + c.function() + " by evaluating its calls, and"
                    + " they go deeper than " + MAX_CALL_DEPTH + ": its recursion ends on values usage does not know;"
                    + " give them with --var");
        }
        Map<String, Object> frame = new HashMap<>();
        Map<String, String> buffersHere = new HashMap<>();
        for (int i = 0; i < f.params().size(); i++) {
            SizeStmt.Arg a = c.args().get(i);
            if (a.buffer() != null) {
                buffersHere.put(f.params().get(i), run.bufferName(a.buffer()));
            } else if (a.value() instanceof SizeExpr.Var v && run.lookup(v.name()) instanceof TensorRec t) {
                frame.put(f.params().get(i), t);
            } else if (a.value() == null) {
                frame.put(f.params().get(i), new Opaque(c.pos()));
            } else {
                Object v = run.valueOrUnknowable(a.value(), c.pos());
                // a range: not followed in the function, whose printed slices take a variable for an integer
                frame.put(f.params().get(i), v instanceof Symbolic.Range ? new Opaque(c.pos(), false, false,
                        "the range " + v + " passed to " + c.function() + ", which usage does not follow in a function")
                        : v);
            }
        }
        Map<String, Object> savedLocals = run.locals;
        Map<String, String> savedBuffers = run.bufferParams;
        if (calling.contains(c.function())) {
            for (Object v : frame.values()) {
                if (v instanceof Free || v instanceof Opaque || v instanceof Poly p && !p.isConstant()) {
                    run.at = c.pos();
                    throw run.impossible("usage sizes the recursive function " + c.function() + " by evaluating its"
                            + " calls, which needs its arguments' values; here they depend on free variables (give"
                            + " them with --var) or on values known only when running");
                }
            }
        }
        run.locals = frame;
        run.bufferParams = buffersHere;
        callDepth++;
        calling.add(c.function());
        List<Object> returned = List.of();
        try {
            run.choices.function(f.body());
        } catch (Returned r) {
            returned = r.values;
        } finally {
            callDepth--;
            calling.remove(calling.size() - 1);
            run.locals = savedLocals;
            run.bufferParams = savedBuffers;
        }
        List<String> targets = c.targets();
        // A = f(...) takes a single value; A, W = f(...) the first items of a tuple, as in Julia
        boolean fits = targets.size() == 1 ? returned.size() == 1 : returned.size() >= targets.size();
        for (int i = 0; i < returned.size(); i++) {
            if (returned.get(i) instanceof TensorRec t && ReturnStatements.made(t.name)) { // return alloc!(...): named as run names it
                t.name = fits && i < targets.size() ? targets.get(i) : "a tensor";
            }
        }
        for (int i = 0; i < targets.size(); i++) { // the tensors and numbers it returns, as this path has them
            Object v = fits ? returned.get(i) : null;
            run.assign(targets.get(i), v != null ? v : new Opaque(c.pos()));
        }
    }
}
