package io.github.bufdsl.diag;

import io.github.bufdsl.ast.TensorExpr;
import io.github.bufdsl.runtime.TensorRules;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where an {@code @tensor} index error stands: from the violation of the index rules (which index,
 * on which tensor, what is wrong) and the positions of the statement's indices in the syntax tree,
 * the occurrence of the index that is wrong: the second tensor whose dimension differs, the third
 * occurrence of an index, the output's index that the right side lacks. The static types and the
 * run place their errors with it; nothing here reads messages or source text.
 */
public final class Placement {
    private Placement() {
    }

    /** One tensor of a term as the index rules were given it: its name there, and its indices in the tree. */
    public record Operand(String name, TensorExpr.Ref ref) {
    }

    private record Occurrence(String tensor, String label, Pos pos, boolean output) {
    }

    /**
     * The place of violation {@code v} of a term whose factors are {@code factors} and whose output
     * is {@code output} (null for none); {@code fallback} when the violation names no index found here.
     */
    public static Pos tensorIndex(TensorRules.Violation v, Operand output, List<Operand> factors, Pos fallback) {
        // in the order the rules look at them: the factors, then the output
        List<Occurrence> ruleOrder = new ArrayList<>();
        for (Operand f : factors) {
            add(ruleOrder, f, false);
        }
        List<Occurrence> outs = new ArrayList<>();
        if (output != null) {
            add(outs, output, true);
        }
        ruleOrder.addAll(outs);
        // in the order they are read: the output, then the factors
        List<Occurrence> textOrder = new ArrayList<>(outs);
        textOrder.addAll(ruleOrder.subList(0, ruleOrder.size() - outs.size()));
        Pos p = place(v, output, factors, outs, ruleOrder, textOrder);
        return p != null && p.isKnown() ? p : fallback;
    }

    private static Pos place(TensorRules.Violation v, Operand output, List<Operand> factors, List<Occurrence> outs,
            List<Occurrence> ruleOrder, List<Occurrence> textOrder) {
        if (v instanceof TensorRules.Violation.IndexCount c) {
            for (Operand f : factors) {
                if (f.name().equals(c.tensor()) && f.ref() != null) {
                    return f.ref().pos();
                }
            }
            return output != null && output.ref() != null ? output.ref().pos() : null;
        }
        if (v instanceof TensorRules.Violation.RepeatedOnOutput) {
            Set<String> seen = new HashSet<>();
            for (Occurrence o : outs) {
                if (!seen.add(o.label())) {
                    return o.pos();
                }
            }
            return null;
        }
        if (v instanceof TensorRules.Violation.ThreeTimes t) {
            return nth(textOrder, t.label(), null, 2);
        }
        if (v instanceof TensorRules.Violation.Once o) {
            return nth(textOrder, o.label(), null, 0);
        }
        if (v instanceof TensorRules.Violation.NotOnRight n) {
            return nth(outs, n.label(), null, 0);
        }
        if (v instanceof TensorRules.Violation.DimensionsDisagree d) {
            // the first occurrence on the second tensor after the label was first seen
            boolean first = true;
            for (Occurrence o : ruleOrder) {
                if (!o.label().equals(d.label())) {
                    continue;
                }
                if (!first && o.tensor().equals(d.secondOn())) {
                    return o.pos();
                }
                first = false;
            }
            return null;
        }
        if (v instanceof TensorRules.Violation.TraceDimensionsDiffer t) {
            return nth(ruleOrder, t.label(), t.tensor(), 1);
        }
        return null;
    }

    private static void add(List<Occurrence> into, Operand f, boolean output) {
        if (f.ref() == null || f.ref().indexPositions() == null) {
            return;
        }
        List<String> labels = f.ref().indices();
        for (int k = 0; k < labels.size() && k < f.ref().indexPositions().size(); k++) {
            into.add(new Occurrence(f.name(), labels.get(k), f.ref().indexPositions().get(k), output));
        }
    }

    /** The n-th (from 0) occurrence of {@code label}, on {@code tensor} when it is not null. */
    private static Pos nth(List<Occurrence> list, String label, String tensor, int n) {
        int seen = 0;
        for (Occurrence o : list) {
            if (o.label().equals(label) && (tensor == null || o.tensor().equals(tensor)) && seen++ == n) {
                return o.pos();
            }
        }
        return null;
    }

    /** The hint for an undefined output of {@code @tensor C[i,j] = ...}: it is created with {@code :=}. */
    public static String defineHint(String name, List<String> labels) {
        return name + " is not defined; to create it here, write `:=`: @tensor " + name + "["
                + String.join(",", labels) + "] := ...";
    }
}
