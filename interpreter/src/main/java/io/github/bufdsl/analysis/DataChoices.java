package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.Signals.BreakLoop;
import io.github.bufdsl.analysis.Signals.ContinueLoop;
import io.github.bufdsl.analysis.Signals.Returned;
import io.github.bufdsl.analysis.Symbolic.Opaque;
import io.github.bufdsl.diag.Pos;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Conditions usage cannot know before running (they read data: {@code if A[i] > 0.5}, {@code if x < 0}
 * after {@code x = A[i]}) around statements that change sizes, or that leave an iteration, a loop or a
 * function. Every way is sized from the same state and the peak is the largest of theirs: an upper bound,
 * exact for data that takes the largest way (what {@code run --stats} then measures). That is sound only
 * where nothing after the choice depends on the way taken, which is checked, else refused at the condition:
 *
 * <ul>
 *   <li>the ways that go on must leave the buffers alike; the scalars they assign are unknowable after it;
 *   <li>a {@code continue} or {@code break} must leave the buffers as the rest of the iteration does (checked
 *       where the iteration ends), a {@code break} moreover as the iteration found them, since the loop may
 *       end after any iteration; so the loop is sized as if it never left there. The scalars assigned after
 *       the choice (for a break: in the loop) are unknowable from the iteration's end on;
 *   <li>a {@code return} must leave the buffers as the function's end does, and return the same tensor
 *       (checked where the function ends); not inside a loop of the function.
 * </ul>
 */
final class DataChoices {
    private final PathRun run;
    /** How many breaks on data were sized as never taken so far (a loop that only they end does end). */
    int breaks;
    /** The iterations and function calls being sized, innermost first. */
    private final Deque<Frame> frames = new ArrayDeque<>();

    DataChoices(PathRun run) {
        this.run = run;
    }

    /** An iteration of a loop (with its variable, null for a while) or a call of a function. */
    private static final class Frame {
        final boolean loop;
        final String var;
        final boolean nested;
        /** For an iteration: the run's state where it started, and where its loop is (its variable's assignment). */
        final PathRun.State start;
        final Pos at;
        /** Names assigned in it so far (once a choice is pending), each where it is first assigned. */
        final Map<String, Pos> written = new java.util.LinkedHashMap<>();
        final List<Pending> pending = new ArrayList<>();

        Frame(boolean loop, String var, boolean nested, PathRun.State start, Pos at) {
            this.loop = loop;
            this.var = var;
            this.nested = nested;
            this.start = start;
            this.at = at;
        }
    }

    /** A way that left ({@code continue}, {@code break}, {@code return}) at the condition at {@code pos}, as it left. */
    private record Pending(Pos pos, String how, PathRun.State state, Map<String, Pos> writtenSince,
            List<Object> value) {
    }

    /**
     * Ways that leave more than their loop, checked where its iterations ended, waiting for its end ({@link
     * #afterLoop}): returns on data, and breaks in the inner loop of {@code for i in 1:n, j in 1:m}.
     */
    private final List<Pending> loopReturns = new ArrayList<>();

    /** Runs one iteration of a loop's body, then checks the choices made in it. */
    void iteration(SizeStmt loop, String var, List<SizeStmt> body) {
        boolean nested = loop instanceof SizeStmt.For f && f.nested();
        within(new Frame(true, var, nested, run.save(), loop.pos()), body);
    }

    /** Runs a function's body, then checks the choices made in it; a {@code return} passes through. */
    void function(List<SizeStmt> body) {
        within(new Frame(false, null, false, null, null), body);
    }

    private void within(Frame f, List<SizeStmt> body) {
        frames.push(f);
        RuntimeException signal = null;
        try {
            try {
                run.statements(body);
            } catch (BreakLoop | ContinueLoop | Returned s) {
                signal = s;
            }
            if (!f.pending.isEmpty()) {
                check(f, signal);
            }
        } finally {
            frames.pop();
        }
        if (signal != null) {
            throw signal;
        }
    }

    void noteWrite(String name) {
        for (Frame f : frames) {
            if (!f.pending.isEmpty() || f.loop) {
                f.written.putIfAbsent(name, run.at);
            }
            f.pending.forEach(p -> p.writtenSince().putIfAbsent(name, run.at));
        }
    }

    /**
     * The alternatives of an if whose condition usage cannot know ({@code u} is why), from the state of
     * the run: sized as the class says; {@code u} is thrown when they change sizes in ways that differ.
     */
    void either(List<List<SizeStmt>> alternatives, PathRun.Unknowable u) {
        Pos at = run.at;
        PathRun.State before = run.save();
        List<PathRun.State> goOn = new ArrayList<>();
        Map<String, TensorRec> named = null; // the live tensors the ways that go on leave in variables
        List<Pending> leaving = new ArrayList<>();
        Peak[] peaks = new Peak[run.levels.size()];
        for (List<SizeStmt> body : alternatives) {
            run.restore(before);
            String how = null;
            List<Object> value = List.of();
            try {
                run.statements(body);
            } catch (ContinueLoop c) {
                how = "continue";
            } catch (BreakLoop b) {
                how = "break";
            } catch (Returned r) {
                how = "return";
                value = r.values;
            }
            int i = 0;
            for (Level l : run.levels.values()) {
                peaks[i] = peaks[i] == null ? l.peak : peaks[i].max(l.peak);
                i++;
            }
            if (how == null) {
                goOn.add(run.save());
                Map<String, TensorRec> live = liveTensors();
                if (named != null && !named.equals(live)) {
                    throw u; // a variable names another tensor after each way: what reads it later depends on which
                }
                named = live;
            } else {
                leaving.add(new Pending(at, how, run.save(), new java.util.LinkedHashMap<>(), value));
            }
        }
        boolean allReturn = leaving.stream().allMatch(p -> p.how().equals("return"));
        if (goOn.isEmpty() && !allReturn) {
            throw u; // every way leaves, not all by a return
        }
        for (PathRun.State st : goOn) {
            if (!sameBuffers(goOn.get(0), st)) {
                throw u; // the ways change the sizes differently: what comes later depends on which
            }
        }
        Frame loop = null;
        Frame function = null;
        for (Frame f : frames) {
            if (f.loop && loop == null && function == null) {
                loop = f;
            } else if (!f.loop && function == null) {
                function = f;
            }
        }
        for (Pending p : leaving) {
            if (p.how().equals("return")) {
                if (function == null) {
                    throw u;
                }
            } else if (loop == null) {
                throw u;
            }
        }
        Pending returns = goOn.isEmpty() ? leaving.remove(0) : null; // every way returns: from the first, checked
        run.restore(returns != null ? returns.state() : goOn.get(0));
        int i = 0;
        for (Level l : run.levels.values()) {
            l.peak = peaks[i++];
        }
        List<SizeStmt> unknown = new ArrayList<>();
        alternatives.forEach(body -> SizeStmts.unknowable(body, unknown));
        for (SizeStmt s : unknown) {
            if (s instanceof SizeStmt.Opaque o && !(run.lookupQuiet(o.name()) instanceof TensorRec)) {
                run.assign(o.name(), new Opaque(o.pos()));
            }
        }
        for (Pending p : leaving) {
            // a return inside a loop is checked where the iteration ends, as a break is, then after the loop
            (p.how().equals("return") && loop == null ? function : loop).pending.add(p);
            breaks += p.how().equals("break") ? 1 : 0;
        }
        if (returns != null) {
            throw new Returned(returns.value()); // the function's frame compares the other ways with it
        }
    }

    /** Where an iteration or a function ends (by {@code signal}, or null): the ways that left it must agree. */
    private void check(Frame f, RuntimeException signal) {
        PathRun.State now = run.save();
        for (Pending p : f.pending) {
            String why = null;
            Map<String, List<String>> kept = null;
            if (!f.loop && p.how().equals("return") && signal instanceof Returned r) {
                mergeNumbers(p.value(), r.values, p.pos());
            }
            if (f.loop && signal instanceof Returned) {
                why = "the iteration may return after it";
            } else if (f.loop && p.how().equals("return")) {
                // the function may return in any iteration: from the state before the loop (which each iteration
                // gives back), compared with the function's end after the loop (afterLoop)
                if (!sameBuffers(now, f.start)) {
                    why = "the function may return in any iteration, and an iteration leaves " + differing(now, f.start)
                            + " otherwise than it found it";
                } else {
                    loopReturns.add(p);
                }
            } else if (p.how().equals("return") && (kept = keptAbove(p.state(), now)) != null) {
                // it may keep tensors the function's end gives back: then nothing after may use those buffers
                if (!sameValues(p.value(), signal instanceof Returned r ? r.values : List.of())) {
                    why = "the function returns another tensor there than at its end";
                } else if (!kept.isEmpty() && p.value().stream().anyMatch(v -> v instanceof TensorRec)) {
                    why = "it returns a tensor and keeps others in its buffers";
                } else {
                    keep(p.pos(), kept);
                }
            } else if (!sameBuffers(now, p.state())) {
                why = "taking it leaves " + differing(now, p.state()) + " otherwise than the rest of the "
                        + (f.loop ? "iteration" : "function") + " does";
            } else if (p.how().equals("break") && !sameBuffers(now, f.start)) {
                why = "the loop may end after any iteration, and an iteration leaves " + differing(now, f.start)
                        + " otherwise than it found it";
            } else if (p.how().equals("return") && !sameValues(p.value(), signal instanceof Returned r ? r.values : List.of())) {
                why = "the function returns another tensor there than at its end";
            }
            if (why == null && p.how().equals("break") && f.nested) {
                loopReturns.add(p); // it leaves the loops around too: checked again where their iterations end
            }
            if (why != null) {
                run.at = p.pos();
                throw run.impossible("usage cannot know before running whether this " + p.how() + " is taken (its"
                        + " condition reads data), and " + why + "; give back before the " + p.how() + " what the"
                        + " rest keeps, or take nothing the rest gives back");
            }
        }
        if (f.loop) {
            // each unknowable from where it is assigned (the message named the condition's line before)
            Map<String, Pos> stale = new java.util.LinkedHashMap<>();
            for (Pending p : f.pending) {
                if (p.how().equals("return")) {
                    continue; // the way that returns goes on in no iteration
                }
                (p.how().equals("break") ? f.written : p.writtenSince()).forEach(stale::putIfAbsent);
                if (p.how().equals("break") && f.var != null) {
                    stale.putIfAbsent(f.var, f.at);
                }
            }
            stale.forEach((name, where) -> {
                if (!(run.lookupQuiet(name) instanceof TensorRec)) {
                    run.assign(name, new Opaque(where == null || where == Pos.NONE ? f.pending.get(0).pos() : where));
                }
            });
        }
    }

    /** How many returns from loops wait for their loop's end; {@link #afterLoop} takes those past it. */
    int loopReturns() {
        return loopReturns.size();
    }

    /**
     * At the end of a loop: its iterations' returns on data ({@code from} on) leave the function with the
     * buffers as the loop leaves them, since each iteration gives back what it takes (checked), plus what
     * they keep; they are checked again where the frame around the loop ends (an outer iteration, the function).
     */
    void afterLoop(int from) {
        if (loopReturns.size() <= from) {
            return;
        }
        List<Pending> returns = new ArrayList<>(loopReturns.subList(from, loopReturns.size()));
        loopReturns.subList(from, loopReturns.size()).clear();
        Frame around = frames.peek();
        Set<Pos> seen = new HashSet<>(); // a loop sized piece by piece checked the same return more than once
        for (Pending p : returns) {
            if (around != null && seen.add(p.pos())) {
                // a break left as the iteration ends (checked), and each iteration gives back: as the loop leaves
                around.pending.add(new Pending(p.pos(), p.how(), p.how().equals("break") ? run.save()
                        : fromLoopStart(p.state()), new java.util.LinkedHashMap<>(), p.value()));
            }
        }
    }

    /**
     * A state within an iteration, whose levels in closed form count from the iteration's start ({@link
     * LoopSizer#BASE}), with that start put in: the level after the loop, as each iteration gives back what it takes.
     */
    private PathRun.State fromLoopStart(PathRun.State within) {
        Map<String, Level> levels = new java.util.LinkedHashMap<>();
        within.levels().forEach((b, l) -> {
            Level c = l.copy();
            Poly len = l.len.substitute(LoopSizer.BASE, run.levels.get(b).len);
            if (len == null) {
                throw run.impossible("usage cannot follow the level of " + b + " where the function returns");
            }
            c.len = len;
            levels.put(b, c);
        });
        return new PathRun.State(within.globals(), within.locals(), levels, within.drops());
    }

    /**
     * Per buffer, the tensors {@code ret} holds above what {@code now} holds (names, top first), when
     * it holds exactly those more; null when the states differ otherwise.
     */
    private Map<String, List<String>> keptAbove(PathRun.State ret, PathRun.State now) {
        Map<String, List<String>> kept = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Level> e : now.levels().entrySet()) {
            Level n = e.getValue();
            Level r = ret.levels().get(e.getKey());
            List<TensorRec> above = new ArrayList<>(r.stack);
            List<TensorRec> below = new ArrayList<>(n.stack);
            boolean pool = run.loops.iteration.isPool(e.getKey());
            if (above.size() < below.size() || pool && r.taken != n.taken || !Objects.equals(r.reshapeAt, n.reshapeAt)
                    || !above.subList(above.size() - below.size(), above.size()).equals(below)) {
                return null;
            }
            Poly len = n.len;
            List<String> names = new ArrayList<>();
            for (TensorRec t : above.subList(0, above.size() - below.size())) {
                len = len.plus(t.size);
                names.add(t.name);
            }
            if (!len.equals(r.len)) {
                return null;
            }
            if (!names.isEmpty()) {
                kept.put(e.getKey(), names);
            }
        }
        return kept;
    }

    /** After a function that may return keeping tensors: the caller may not use those buffers before a reset!. */
    private void keep(Pos at, Map<String, List<String>> kept) {
        kept.forEach((b, names) -> run.levels.get(b).keptBy = "the return decided by the data at line " + at.line()
                + " may leave " + String.join(", ", names) + " allocated in " + b + ", which the function's"
                + " end gives back");
    }

    /** The variables that name a tensor not given back, by identity of the tensor. */
    private Map<String, TensorRec> liveTensors() {
        Map<String, TensorRec> out = new java.util.HashMap<>();
        for (Map<String, Object> scope : run.locals == null ? List.of(run.globals) : List.of(run.globals, run.locals)) {
            scope.forEach((name, v) -> {
                if (v instanceof TensorRec t && t.droppedBy == null) {
                    out.put(name, t);
                }
            });
        }
        return out; // TensorRec compares by identity
    }

    /**
     * Whether two returns give the same tensors (a tuple item by item); numbers are compared by
     * {@link #mergeNumbers}.
     */
    private static boolean sameValues(List<Object> a, List<Object> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!sameValue(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameValue(Object a, Object b) {
        if (!(a instanceof TensorRec) && !(b instanceof TensorRec)) {
            return true;
        }
        return a == b || a instanceof TensorRec x && b instanceof TensorRec y && Objects.equals(x.name, y.name)
                && x.size.equals(y.size);
    }

    /**
     * A number the return at {@code pos} (taken or not by data) gives otherwise than the function's end
     * ({@code ends}, changed in place) is one usage cannot know before running.
     */
    private static void mergeNumbers(List<Object> taken, List<Object> ends, Pos pos) {
        for (int i = 0; i < Math.min(taken.size(), ends.size()); i++) {
            Object a = taken.get(i);
            Object b = ends.get(i);
            if (!(a instanceof TensorRec) && !(b instanceof TensorRec) && !Objects.equals(a, b)) {
                ends.set(i, new Opaque(pos, false, false, "a number returned there or at the function's end,"
                        + " as data decides at line " + pos.line()));
            }
        }
    }

    /** Whether the buffers hold the same tensors at the same levels in both states. */
    private boolean sameBuffers(PathRun.State a, PathRun.State b) {
        return differing(a, b) == null;
    }

    /**
     * The first buffer the states hold differently, or null; a ThreadsBuffer whose buffer the iteration
     * holds in neither is the same (the next alloc! takes a buffer as it is given back, emptied).
     */
    private String differing(PathRun.State a, PathRun.State b) {
        for (Map.Entry<String, Level> e : a.levels().entrySet()) {
            Level x = e.getValue();
            Level y = b.levels().get(e.getKey());
            if (run.loops.iteration.isPool(e.getKey()) && !x.taken && !y.taken && x.stack.isEmpty()
                    && y.stack.isEmpty()) {
                continue;
            }
            boolean pool = run.loops.iteration.isPool(e.getKey()); // taken says something of a ThreadsBuffer only
            if (!x.len.equals(y.len) || !new ArrayList<>(x.stack).equals(new ArrayList<>(y.stack))
                    || pool && x.taken != y.taken || !Objects.equals(x.reshapeAt, y.reshapeAt)) {
                return e.getKey();
            }
        }
        return null;
    }
}
