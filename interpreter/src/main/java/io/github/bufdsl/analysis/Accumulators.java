package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.LoopPieces.Piece;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scalars a loop carries from one iteration to the next by adding to them ({@code s += k},
 * {@code s = s - 2i}), sized as a buffer's level is: the iteration runs with the value at its start
 * as a symbol {@code #0s}; where it ends at {@code #0s + d(i)} and nothing else in the iteration
 * read {@code #0s} (no size, condition or other variable), the value after a piece of the loop is
 * the value before it plus {@code sum(d(i))} over the piece (Faulhaber's formulas, {@link
 * ClosedForms}), a formula of the free variables. Anything else is no closed form (the loop is
 * iterated with numbers, or refused with the reason).
 */
final class Accumulators {
    /** Starts the symbol of an accumulator's value at an iteration's start; no name can follow a digit. */
    static final String MARK = "#0";

    private Accumulators() {
    }

    static String symbol(String name) {
        return MARK + name;
    }

    /** Whether a value (a formula's text, a condition's) reads the value of an accumulator within an iteration. */
    static boolean reads(Object value) {
        return value != null && value.toString().contains(MARK);
    }

    /** The value before the loop of a name that may accumulate: a formula of the free variables, else null. */
    static Poly start(Object value) {
        return value instanceof Poly p ? p : value instanceof Symbolic.Free f ? Poly.symbol(f.name()) : null;
    }

    /**
     * After an iteration: the names it read before assigning them and assigned ({@code carried}), against
     * their values {@code before} the loop and those the loop is sized with ({@code starts}): a number that
     * may be a sum, or a value this iteration made unknowable for the next, asks to size the loop again with
     * them ({@link Signals.Accumulates}); any other value carried is no closed form.
     */
    static void carried(PathRun run, Set<String> carried, PathRun.State before, Map<String, Object> starts) {
        Set<String> sums = new java.util.LinkedHashSet<>();
        Map<String, Object> unknown = new LinkedHashMap<>();
        for (String name : carried) {
            Object now = run.lookup(name);
            Object was = before.locals() != null && before.locals().containsKey(name) ? before.locals().get(name)
                    : before.globals().get(name);
            if (!(now instanceof Symbolic.Opaque)) {
                if (now instanceof Poly && start(was) != null && !starts.containsKey(name)) {
                    sums.add(name); // perhaps a sum: sized again with it as one
                    continue;
                }
                throw new Signals.NotClosed(name + " carries a value from one iteration to the next");
            }
            if (!(was instanceof Symbolic.Opaque) && !starts.containsKey(name)) {
                // the next iteration reads what this one made unknowable: sized again with it unknowable from the
                // start, so that a size or condition reading it is the error, where it reads it
                unknown.put(name, now);
            }
        }
        if (!sums.isEmpty() || !unknown.isEmpty()) {
            throw new Signals.Accumulates(sums, unknown);
        }
    }

    /** Applies the piece's summary to the run ({@link LoopApply}), its accumulators summed over {@code p}. */
    static void applyPiece(PathRun run, LoopApply apply, LoopSummary s, Piece p, boolean partial) {
        Map<String, Poly> start = values(run, s);
        apply.applyPiece(s, p, partial);
        advance(run, start, List.of(sums(s, p)));
    }

    /** At an iteration's start: each accumulator (a null value) is its symbol, a closed sum its formula; the others their value. */
    static void bind(PathRun run, Map<String, Object> starts) {
        starts.forEach((name, v) -> run.assign(name, v == null ? Poly.symbol(symbol(name)) : v instanceof Closed c ? c.at : v));
    }

    /**
     * A sum the iteration reads, as a formula of the loop variable: {@code at} its value where an
     * iteration starts (its value before the loop plus the steps of the iterations before), {@code next}
     * that formula at the next iteration, which the iteration must end at (then, by induction from the
     * first iteration, where the steps before are none, it is the sum's value in every iteration).
     */
    record Closed(Poly at, Poly next) {
    }

    /**
     * The closed form of a sum with step {@code d} (a formula of {@code var}) from {@code start} before a
     * loop whose iterations run {@code var = first, first + step, ...}: {@code start + sum of d(j)} over
     * those before {@code var}; null where the steps have no closed sum.
     */
    static Closed closed(Poly start, Poly d, String var, Poly first, long step) {
        Poly before = ClosedForms.prefixSum(ClosedForms.inIterations(d, var, first, step)); // in iterations t
        if (before == null) {
            return null;
        }
        Poly t = Poly.symbol(var).minus(first).times(Poly.fraction(1, Math.abs(step))); // t = (var - first) / step
        Poly at = start.plus(before.substitute(ClosedForms.T, step < 0 ? t.negate() : t));
        return new Closed(at, at.substitute(var, Poly.symbol(var).plus(Poly.constant(step))));
    }

    /**
     * At an iteration's end: each accumulator must be its symbol plus a step free of the symbols, and
     * nothing the iteration assigned or left in the buffers may read a symbol; else no closed form.
     */
    static void check(PathRun run, Map<String, Object> starts, Set<String> written, Map<String, Level> levels,
            WorkspaceModel.Counts workspace) {
        Set<String> names = new java.util.LinkedHashSet<>();
        starts.forEach((name, v) -> {
            if (v == null) {
                names.add(name);
            } else if (v instanceof Closed c && !c.next.equals(run.lookupQuiet(name))) {
                throw new Signals.NotClosed(name + " carries a value from one iteration to the next that a size in the"
                        + " loop reads, and its iterations do not all add the same formula of the loop variable to it");
            }
        });
        if (names.isEmpty()) {
            return;
        }
        for (String name : names) {
            Object v = run.lookupQuiet(name);
            List<Poly> cs = v instanceof Poly p ? p.coefficientsIn(symbol(name)) : null;
            if (cs == null || cs.size() != 2 || !cs.get(1).equals(Poly.constant(1)) || reads(cs.get(0))) {
                throw new Signals.NotClosed(name + " carries a value from one iteration to the next that is not a"
                        + " sum (" + name + " += ...)");
            }
        }
        boolean read = false;
        for (String name : written) {
            Object v = run.lookupQuiet(name);
            read |= v instanceof TensorRec t ? reads(t.size) || reads(t.dims) : !names.contains(name) && reads(v);
        }
        for (Level l : levels.values()) {
            read |= reads(l.len) || l.peak.candidates().stream().anyMatch(Accumulators::reads)
                    || l.stack.stream().anyMatch(t -> reads(t.size) || reads(t.dims));
        }
        read |= reads(workspace);
        if (read) { // sized again with each sum as its closed form in the loop variable
            Map<String, Poly> steps = new LinkedHashMap<>();
            for (String name : names) {
                steps.put(name, ((Poly) run.lookupQuiet(name)).coefficientsIn(symbol(name)).get(0));
            }
            throw new Signals.ReadSums(steps);
        }
    }

    /** The accumulators whose symbols the value's text holds. */
    static Set<String> namesIn(Object value) {
        Set<String> out = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(MARK + "([\\p{L}_][\\p{L}\\p{N}_!]*)")
                .matcher(String.valueOf(value));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** A condition or size within the iteration reads an accumulator: that is no closed form. */
    static Signals.NotClosed readInLoop(Set<String> names) {
        return new Signals.NotClosed(readReason(names));
    }

    /** Why there is no closed form when the loop reads the accumulators {@code names}. */
    static String readReason(Set<String> names) {
        return String.join(", ", names) + " carries a value from one iteration to the next that a size or condition"
                + " in the loop reads";
    }

    /** The current values of the summary's accumulators. */
    static Map<String, Poly> values(PathRun run, LoopSummary s) {
        Map<String, Poly> out = new LinkedHashMap<>();
        for (String name : s.written()) {
            // a closed sum's value may hold the symbol of the same name in a loop around (its start)
            if (!s.closed().contains(name) && s.values().get(name) instanceof Poly p && p.mentions(symbol(name))) {
                Poly now = start(run.lookupQuiet(name));
                if (now == null) {
                    throw new Signals.NotClosed(name + " carries a value from one iteration to the next");
                }
                out.put(name, now);
            }
        }
        return out;
    }

    /** The sum of each accumulator's steps over the iterations of {@code p}. */
    static Map<String, Poly> sums(LoopSummary s, Piece p) {
        Map<String, Poly> out = new LinkedHashMap<>();
        for (String name : s.written()) {
            if (!s.closed().contains(name) && s.values().get(name) instanceof Poly v && v.mentions(symbol(name))) {
                Poly d = LoopApply.inT(v.coefficientsIn(symbol(name)).get(0), s.piece(), p);
                Poly total = ClosedForms.sum(d, p.count());
                if (total == null) {
                    throw new Signals.NotClosed("the step of " + name + " is not a polynomial in " + s.piece().var());
                }
                out.put(name, total);
            }
        }
        return out;
    }

    /** Assigns each accumulator its value before the loop's pieces plus their sums. */
    static void advance(PathRun run, Map<String, Poly> before, List<Map<String, Poly>> sums) {
        for (Map.Entry<String, Poly> e : before.entrySet()) {
            Poly v = e.getValue();
            for (Map<String, Poly> s : sums) {
                v = v.plus(s.getOrDefault(e.getKey(), Poly.ZERO));
            }
            run.assign(e.getKey(), v);
        }
    }

    /**
     * Sums the iteration reads, as their closed forms in the loop variable from their values {@code before}
     * the loop, for the loop to be sized again with them ({@code acc}); the reason when there is none.
     */
    static String close(Signals.ReadSums r, String var, Piece whole, PathRun.State before,
            Map<String, Object> acc) {
        for (Map.Entry<String, Poly> e : r.steps.entrySet()) {
            String name = e.getKey();
            Object was = before.locals() != null && before.locals().containsKey(name) ? before.locals().get(name)
                    : before.globals().get(name);
            Poly start = start(was);
            Closed c = start == null ? null : closed(start, e.getValue(), var, whole.first(),
                    whole.step());
            if (c == null || acc.get(name) instanceof Closed) {
                return readReason(Set.of(name));
            }
            acc.put(name, c);
        }
        return null;
    }
}
