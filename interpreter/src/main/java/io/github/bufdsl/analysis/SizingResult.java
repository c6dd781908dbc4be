package io.github.bufdsl.analysis;

import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.Pos;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What evaluating a sizing function over every path found: a decision tree over the conditions the
 * free variables leave open, with each buffer's peak at its leaves, and the problems found on the
 * way (errors and warnings, each saying on which path).
 */
public record SizingResult(SizingFunction function, Node tree, List<Diagnostic> diagnostics, Merged merged) {

    /**
     * Set when there were too many combinations of open conditions to follow each: the branches of
     * every if on an open condition were merged, taking the largest; the single leaf holds the worst
     * case, exact when every open condition decides one if and no merge had to take sizes no single
     * path has ({@code exact}), else an upper bound; {@code why} says which.
     */
    public record Merged(int conditions, boolean exact, String why) {
    }

    /** A decision tree: a leaf, or a condition with the outcomes when it is false and when it is true. */
    public sealed interface Node {
    }

    /**
     * One path's outcome: each buffer's peak, where it was reached and what was live there; the
     * {@code @tensor} workspace (null when not known, {@code workspaceWhy} says why).
     */
    public record Leaf(Map<String, BufferPeak> peaks, List<String> path, Peak workspace, String workspaceWhy,
            List<Step> trace) implements Node {
    }

    /** A buffer's level after a statement that changed it (for a picture of memory over the script). */
    public record Step(int line, String buffer, long level) {
    }

    /**
     * Elements of {@code @tensor} workspace (0 without {@code @tensor}) when it is one number on
     * every path, else null: a formula ({@link #workspaceFormula()}) or not known.
     */
    public Long workspace() {
        Long value = null;
        for (Leaf l : leaves()) {
            Long v = l.workspace() == null ? null : l.workspace().constant();
            if (v == null || value != null && !value.equals(v)) {
                return null;
            }
            value = v;
        }
        return value;
    }

    /**
     * The workspace as a formula in what is left free ({@code (m*n >= 1) ? m*k : 0}), as
     * {@link #formula(String)} gives a peak; null when a path's workspace is not known.
     */
    public String workspaceFormula() {
        for (Leaf l : leaves()) {
            if (l.workspace() == null) {
                return null;
            }
        }
        if (merged != null) {
            return (merged.exact() ? "" : "at most ") + ((Leaf) tree).workspace() + " (over " + merged.conditions()
                    + " open conditions, merged)";
        }
        return formula(project(tree, Leaf::workspace), 0);
    }

    /** Why the workspace is not known on some path (null when it is known on every path). */
    public String workspaceUnknown() {
        for (Leaf l : leaves()) {
            if (l.workspace() == null) {
                return l.workspaceWhy();
            }
        }
        return null;
    }

    public record Split(String condition, Node ifFalse, Node ifTrue) implements Node {
    }

    /** A buffer's peak on one path; {@code at} is the allocation that reached it, {@code live} the tensors then. */
    public record BufferPeak(Peak peak, Pos at, List<Live> live) {
    }

    /** A tensor live at a peak: its name, size in elements and where it was allocated. */
    /**
     * A tensor live at a peak: its size, where it was allocated, where it was last used (its
     * allocation when never), and whether it was the top of its buffer's stack there, so that a
     * {@code drop!} right after that use is allowed by the stack order.
     */
    public record Live(String name, Poly size, Pos allocatedAt, Pos lastUse, boolean droppableAfterLastUse) {
        public Live(String name, Poly size, Pos allocatedAt) {
            this(name, size, allocatedAt, allocatedAt, false);
        }
    }

    /** The worst case over all paths and the path where it happens. */
    public record Worst(long peak, List<String> path) {
    }

    /** The peak as one number when it does not depend on anything left free, else null. */
    public Long peak(String buffer) {
        if (merged != null) {
            return null;
        }
        // one number on every path (the paths may differ in another buffer or the workspace only)
        Long common = null;
        for (Leaf l : leaves()) {
            Long v = l.peaks().get(buffer).peak().constant();
            if (v == null || common != null && !common.equals(v)) {
                return null;
            }
            common = v;
        }
        return common;
    }

    /** The peak as a formula in what is left free: {@code small ? 3200 : 4300}. */
    public String formula(String buffer) {
        if (merged != null) {
            Long v = tree instanceof Leaf l ? l.peaks().get(buffer).peak().constant() : null;
            return (merged.exact() ? "" : "at most ") + (v != null ? v.toString() : ((Leaf) tree).peaks().get(buffer)
                    .peak().toString()) + " (over " + merged.conditions() + " open conditions, merged)";
        }
        return formula(project(tree, l -> l.peaks().get(buffer).peak()), 0);
    }

    /**
     * The largest peak over all paths when every leaf is a number (all free variables are Bools or
     * conditions), else null.
     */
    public Worst worst(String buffer) {
        if (merged != null) {
            Long v = ((Leaf) tree).peaks().get(buffer).peak().constant();
            return v == null ? null : new Worst(v, List.of("over " + merged.conditions() + " open conditions, "
                    + (merged.exact() ? "exact (each decides one if)" : "an upper bound (" + merged.why() + ")")));
        }
        for (Leaf l : leaves()) {
            if (l.peaks().get(buffer).peak().constant() == null) {
                return null;
            }
        }
        // on the tree of this buffer's peaks: the conditions that do not change it are not named
        return worst(project(tree, l -> l.peaks().get(buffer).peak()));
    }

    /** The largest peak of a projected tree, with the conditions that lead to it (the false way first on ties). */
    private static Worst worst(Projected p) {
        if (p instanceof PLeaf l) {
            return new Worst(l.peak().constant(), List.of());
        }
        PSplit s = (PSplit) p;
        Worst f = worst(s.ifFalse());
        Worst t = worst(s.ifTrue());
        boolean takeTrue = t.peak() > f.peak();
        List<String> path = new ArrayList<>();
        path.add(s.condition() + (takeTrue ? " is true" : " is false"));
        path.addAll((takeTrue ? t : f).path());
        return new Worst(takeTrue ? t.peak() : f.peak(), path);
    }

    public List<Leaf> leaves() {
        List<Leaf> out = new ArrayList<>();
        collect(tree, out);
        return out;
    }

    private static void collect(Node n, List<Leaf> out) {
        if (n instanceof Leaf l) {
            out.add(l);
        } else if (n instanceof Split s) {
            collect(s.ifFalse(), out);
            collect(s.ifTrue(), out);
        }
    }

    /** The tree of one buffer's peaks (or of the workspace), with conditions that do not change it removed. */
    private sealed interface Projected {
    }

    private record PLeaf(Peak peak) implements Projected {
    }

    private record PSplit(String condition, Projected ifFalse, Projected ifTrue) implements Projected {
    }

    private static Projected project(Node n, java.util.function.Function<Leaf, Peak> of) {
        if (n instanceof Leaf l) {
            return new PLeaf(of.apply(l));
        }
        Split s = (Split) n;
        Projected f = project(s.ifFalse(), of);
        Projected t = project(s.ifTrue(), of);
        return f.equals(t) ? f : new PSplit(s.condition(), f, t);
    }

    private static String formula(Projected p, int depth) {
        if (p instanceof PLeaf l) {
            return l.peak().toString();
        }
        PSplit s = (PSplit) p;
        String cond = s.condition().matches("[A-Za-z_][A-Za-z_0-9]*") ? s.condition() : "(" + s.condition() + ")";
        String t = formula(s.ifTrue(), depth + 1);
        String f = formula(s.ifFalse(), depth + 1);
        if (s.ifTrue() instanceof PSplit) {
            t = "(" + t + ")";
        }
        return cond + " ? " + t + " : " + f;
    }
}
