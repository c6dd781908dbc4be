package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.Symbolic.Opaque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Past the path limit, the branches of an if on an open condition are merged instead of followed
 * apart: each runs from the same state and the run goes on from the largest (exact where one is
 * largest everywhere, else an upper bound, said so).
 */
final class BranchMerger {
    private final PathRun run;

    BranchMerger(PathRun run) {
        this.run = run;
    }

    /**
     * Worst-case mode: each alternative runs from the same state, and the peak is the largest of
     * theirs. Where they all leave the buffers as they found them, or leave the same tensors
     * (by name, in the same order) of different sizes, one of which is at least as large as every
     * other's everywhere, the run goes on from that one: exact, since nothing later can grow more
     * from a smaller start. Where no alternative is the largest everywhere, it goes on from one
     * whose differing tensors take the largest size any alternative gave them, which may not be a
     * state any path reaches: from there on the figures are an upper bound, and the result says so.
     */
    void largest(SizeStmt.If f, List<List<SizeStmt>> alternatives) {
        PathRun.State before = run.save();
        Peak[] peaks = new Peak[run.levels.size()];
        List<PathRun.State> ends = new ArrayList<>();
        for (List<SizeStmt> body : alternatives) {
            run.restore(before);
            run.statements(body);
            ends.add(run.save());
            int i = 0;
            for (Level l : run.levels.values()) {
                peaks[i] = peaks[i] == null ? l.peak : peaks[i].max(l.peak);
                i++;
            }
        }
        int chosen = 0;
        boolean same = true;
        for (PathRun.State end : ends) {
            same &= sameBuffers(ends.get(0), end) && sameValues(ends.get(0).globals(), end.globals(), false);
        }
        if (same) {
            run.restore(ends.get(0));
        } else {
            boolean shapes = true;
            for (PathRun.State end : ends) {
                shapes &= sameShape(ends.get(0), end);
            }
            if (!shapes) {
                if (!mergeUnread(f, before, ends)) {
                    throw run.impossible("sizing needs more than " + run.ev.maxPaths + " combinations of the open"
                            + " conditions, and the branches of this if leave different tensors in the buffers"
                            + " that the script uses later, so they cannot be sized apart; give some free"
                            + " variables with --var");
                }
                int i = 0;
                for (Level l : run.levels.values()) {
                    l.peak = peaks[i++];
                }
                return;
            }
            chosen = largestEverywhere(ends);
            // run the chosen alternative again, so that what it dropped is marked as dropped
            run.restore(before);
            run.statements(alternatives.get(chosen < 0 ? largestLength(ends) : chosen));
            if (chosen < 0) {
                inflate(ends);
                run.upperBound = true;
            }
        }
        int i = 0;
        for (Level l : run.levels.values()) {
            l.peak = peaks[i++];
        }
    }

    /** Reads of each name in the whole sizing function, functions included; made when first needed. */
    Map<String, Integer> readsEverywhere;

    /**
     * Branches that leave different tensors, none of which the script reads outside this if (nor
     * any tensor from before it that a branch dropped): what comes later can only depend on how
     * much each buffer holds, so the run goes on from the branch that holds the most. Exact when
     * one branch holds the most in every buffer; else each buffer takes its largest branch and
     * the figures are an upper bound. False (nothing changed) when the condition does not hold.
     */
    boolean mergeUnread(SizeStmt.If f, PathRun.State before, List<PathRun.State> ends) {
        if (readsEverywhere == null) {
            readsEverywhere = new HashMap<>();
            RepeatingLoops.countReads(run.ev.function.body(), readsEverywhere);
            run.ev.function.functions().values().forEach(fn -> RepeatingLoops.countReads(fn.body(), readsEverywhere));
        }
        Map<String, Integer> inside = new HashMap<>();
        RepeatingLoops.countReads(List.of(f), inside);
        java.util.Set<String> differing = new java.util.HashSet<>();
        Map<String, Integer> choice = new LinkedHashMap<>();
        for (String buffer : run.levels.keySet()) {
            List<List<TensorRec>> stacks = new ArrayList<>();
            ends.forEach(st -> stacks.add(new ArrayList<>(st.levels().get(buffer).stack)));
            List<TensorRec> was = new ArrayList<>(before.levels().get(buffer).stack);
            int common = 0; // from the bottom: the tensors every branch left where they were
            while (true) {
                TensorRec t = null;
                boolean same = true;
                for (List<TensorRec> st : stacks) {
                    TensorRec x = common < st.size() ? st.get(st.size() - 1 - common) : null;
                    same &= x != null && (t == null || x == t);
                    t = x;
                }
                if (!same) {
                    break;
                }
                common++;
            }
            for (List<TensorRec> st : stacks) {
                st.subList(0, st.size() - common).forEach(t -> differing.add(t.name));
            }
            was.subList(0, Math.max(0, was.size() - common)).forEach(t -> differing.add(t.name));
            int best = -1;
            for (int c = 0; c < ends.size() && best < 0; c++) {
                boolean all = true;
                for (PathRun.State o : ends) {
                    all &= ends.get(c).levels().get(buffer).len.dominates(o.levels().get(buffer).len)
                            && java.util.Objects.equals(ends.get(c).levels().get(buffer).reshapeAt,
                                    o.levels().get(buffer).reshapeAt);
                }
                best = all ? c : -1;
            }
            if (best < 0) {
                return false;
            }
            choice.put(buffer, best);
        }
        for (String name : differing) {
            if (readsEverywhere.getOrDefault(name, 0) > inside.getOrDefault(name, 0)) {
                return false;
            }
        }
        for (PathRun.State end : ends) {
            if (!sameValuesExcept(ends.get(0).globals(), end.globals(), differing)) {
                return false;
            }
        }
        run.restore(ends.get(0));
        choice.forEach((buffer, c) -> run.levels.put(buffer, ends.get(c).levels().get(buffer).copy()));
        if (new java.util.HashSet<>(choice.values()).size() > 1) {
            run.upperBound = true; // no one branch holds the most everywhere
        }
        return true;
    }

    /** {@link #sameValues} apart from the variables named in {@code ignored}. */
    boolean sameValuesExcept(Map<String, Object> a, Map<String, Object> b, java.util.Set<String> ignored) {
        Map<String, Object> x = new HashMap<>(a);
        Map<String, Object> y = new HashMap<>(b);
        x.keySet().removeAll(ignored);
        y.keySet().removeAll(ignored);
        return sameValues(x, y, false);
    }

    /** Same buffers with the same number of tensors of the same names, and the same variables. */
    boolean sameShape(PathRun.State a, PathRun.State b) {
        if (!a.globals().keySet().equals(b.globals().keySet())) {
            return false;
        }
        for (String buffer : a.levels().keySet()) {
            List<TensorRec> x = new ArrayList<>(a.levels().get(buffer).stack);
            List<TensorRec> y = new ArrayList<>(b.levels().get(buffer).stack);
            if (x.size() != y.size()) {
                return false;
            }
            for (int k = 0; k < x.size(); k++) {
                if (x.get(k) != y.get(k) && !(java.util.Objects.equals(x.get(k).name, y.get(k).name)
                        && x.get(k).buffer.equals(y.get(k).buffer))) {
                    return false;
                }
            }
        }
        return sameValues(a.globals(), b.globals(), true);
    }

    /**
     * The same variables with the same values (a number that differs could steer what comes
     * later); unknown values count as equal, and tensors too when {@code anyTensor}.
     */
    boolean sameValues(Map<String, Object> a, Map<String, Object> b, boolean anyTensor) {
        java.util.Set<String> names = new java.util.HashSet<>(a.keySet());
        names.addAll(b.keySet());
        for (String name : names) {
            Object x = a.get(name);
            Object y = b.get(name);
            if (x == null || y == null) {
                // a tensor only one branch names: if it were still allocated the buffers would
                // differ (compared apart), so it is a temporary given back, which changes nothing later
                if ((x != null ? x : y) instanceof TensorRec) {
                    continue;
                }
                return false;
            }
            boolean same = x instanceof Opaque && y instanceof Opaque
                    || anyTensor && x instanceof TensorRec && y instanceof TensorRec
                    || java.util.Objects.equals(x, y);
            if (!same) {
                return false;
            }
        }
        return true;
    }

    /** The alternative at least as large as every other in every length and tensor size, or -1. */
    int largestEverywhere(List<PathRun.State> ends) {
        for (int c = 0; c < ends.size(); c++) {
            boolean all = true;
            for (int o = 0; o < ends.size() && all; o++) {
                all = atLeast(ends.get(c), ends.get(o));
            }
            if (all) {
                return c;
            }
        }
        return -1;
    }

    boolean atLeast(PathRun.State a, PathRun.State b) {
        for (String buffer : a.levels().keySet()) {
            Level x = a.levels().get(buffer);
            Level y = b.levels().get(buffer);
            if (!x.len.dominates(y.len)) {
                return false;
            }
            java.util.Iterator<TensorRec> i = x.stack.iterator();
            java.util.Iterator<TensorRec> j = y.stack.iterator();
            while (i.hasNext()) {
                if (!i.next().size.dominates(j.next().size)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The alternative whose buffers hold the most (by the sum of constant lengths), for an upper bound. */
    int largestLength(List<PathRun.State> ends) {
        int best = 0;
        long most = Long.MIN_VALUE;
        for (int c = 0; c < ends.size(); c++) {
            long total = 0;
            for (Level l : ends.get(c).levels().values()) {
                total += l.len.isConstant() ? l.len.constantValue() : 0;
            }
            if (total > most) {
                most = total;
                best = c;
            }
        }
        return best;
    }

    /**
     * Gives every tensor the alternatives left with different sizes the largest of its sizes (and
     * unknown dimensions), in the buffers and in the variables that name it.
     */
    void inflate(List<PathRun.State> ends) {
        for (Map.Entry<String, Level> e : run.levels.entrySet()) {
            Level l = e.getValue();
            List<TensorRec> now = new ArrayList<>(l.stack);
            List<List<TensorRec>> all = new ArrayList<>();
            ends.forEach(st -> all.add(new ArrayList<>(st.levels().get(e.getKey()).stack)));
            Map<TensorRec, TensorRec> replaced = new java.util.IdentityHashMap<>();
            for (int k = 0; k < now.size(); k++) {
                TensorRec t = now.get(k);
                Poly most = t.size;
                boolean differs = false;
                for (List<TensorRec> st : all) {
                    TensorRec o = st.get(k);
                    differs |= o != t;
                    if (!most.dominates(o.size)) {
                        if (o.size.dominates(most)) {
                            most = o.size;
                        } else {
                            throw run.impossible("sizing needs more than " + run.ev.maxPaths + " combinations of the open"
                                    + " conditions, and the sizes " + most + " and " + o.size + " that branches"
                                    + " give " + t.name + " cannot be compared; give some free variables with --var");
                        }
                    }
                }
                if (differs) {
                    TensorRec bigger = new TensorRec(t.name, t.buffer, most, t.pos, null, t.offset, t.float32);
                    l.len = l.len.plus(most.minus(t.size));
                    replaced.put(t, bigger);
                    now.set(k, bigger);
                }
            }
            if (!replaced.isEmpty()) {
                l.clear();
                for (int k = now.size() - 1; k >= 0; k--) {
                    l.push(now.get(k));
                }
                for (Map<String, Object> scope : run.locals == null ? List.of(run.globals) : List.of(run.globals, run.locals)) {
                    scope.replaceAll((name, v) -> v instanceof TensorRec r && replaced.containsKey(r)
                            ? replaced.get(r) : v);
                }
            }
        }
    }

    boolean sameBuffers(PathRun.State a, PathRun.State b) {
        for (String buffer : a.levels().keySet()) {
            Level x = a.levels().get(buffer);
            Level y = b.levels().get(buffer);
            if (!x.len.equals(y.len) || !new ArrayList<>(x.stack).equals(new ArrayList<>(y.stack))) {
                return false;
            }
        }
        return true;
    }
}
