package io.github.bufdsl.exec;

import io.github.bufdsl.api.RunResult;
import io.github.bufdsl.runtime.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A random {@code @tensor} statement in a self-contained script, with a naive nested-loop reference
 * for its result. Every form of the notation is drawn: {@code =}, {@code +=}, {@code -=}, {@code :=};
 * scalar factors, division and a scalar variable; permutations, partial traces (alone and inside
 * products), outer products, sums and differences of terms; products of up to four tensors as
 * written, parenthesised, with {@code order=(...)} or {@code @tensoropt}; dimensions of 0 and 1;
 * tensors in one or two buffers, Float64 or Float32, allocated in a random order (so that whether an
 * operand starts its buffer varies). Used by the property tests of each backend.
 */
public final class ContractionCase {
    private static final String[] LABELS = {"i", "j", "k", "l", "m", "n", "p"};

    /** A factor: a tensor and its index labels as written. */
    private record Factor(String tensor, List<String> labels) {
    }

    /** coefficient * product of factors. */
    private record Term(double coefficient, List<Factor> factors) {
    }

    private final String script;
    /** The same script with each dimension a free variable ({@code ni} for label {@code i}). */
    private final String symbolicScript;
    private final String op;
    private final String output;
    private final List<String> outLabels;
    private final List<Term> terms = new ArrayList<>();
    private final Map<String, Integer> dims = new LinkedHashMap<>();
    private final boolean float32;
    private static final double OLD = 0.25;

    /** The script's text. */
    public String script() {
        return script;
    }

    /** The script with each dimension a free variable: {@code ni} for the label {@code i} ({@link #dimensions()}). */
    public String symbolicScript() {
        return symbolicScript;
    }

    /** The free variables of {@link #symbolicScript()} that its tensors use, with the values of {@link #script()}. */
    public Map<String, Object> dimensions() {
        Map<String, Object> vars = new LinkedHashMap<>();
        for (String l : LABELS) {
            if (symbolicScript.contains(", n" + l)) {
                vars.put("n" + l, (long) dims.get(l));
            }
        }
        return vars;
    }

    /** The name of the tensor the statement writes. */
    public String output() {
        return output;
    }

    /** The tolerance to compare with, relative to the largest magnitude (Float32 buffers round). */
    public double tolerance() {
        return float32 ? 1e-5 : 1e-12;
    }

    private ContractionCase(long seed) {
        Random r = new Random(seed);
        int kind = r.nextInt(10);
        for (String l : LABELS) {
            dims.put(l, kind == 0 ? 1 : kind == 1 && r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(4));
        }
        List<String> pool = new ArrayList<>(List.of(LABELS));
        Collections.shuffle(pool, r);
        int rank = 1 + r.nextInt(3);
        outLabels = new ArrayList<>(pool.subList(0, rank));
        List<String> spare = new ArrayList<>(pool.subList(rank, pool.size()));
        String[] ops = {"=", "+=", "-=", ":="};
        op = ops[r.nextInt(ops.length)];
        output = op.equals(":=") ? "N" : "C";
        float32 = r.nextInt(8) == 0;
        int nTerms = 1 + (r.nextInt(3) == 0 ? 1 + r.nextInt(2) : 0);
        int tensorCount = 0;
        StringBuilder rhs = new StringBuilder();
        String prefix = "";
        boolean orderable = false;
        List<String> orderLabels = List.of();
        for (int t = 0; t < nTerms; t++) {
            int nFactors = new int[] {1, 2, 2, 2, 3, 3, 4}[r.nextInt(7)];
            List<List<String>> labels = assign(r, nFactors, spare);
            nFactors = labels.size();
            List<Factor> factors = new ArrayList<>();
            List<String> written = new ArrayList<>();
            for (List<String> ls : labels) {
                String name = "T" + (++tensorCount);
                factors.add(new Factor(name, ls));
                written.add(name + "[" + String.join(", ", ls) + "]");
            }
            String product = group(r, written);
            double coefficient = 1;
            switch (r.nextInt(6)) {
                case 0 -> {
                    coefficient = 2;
                    product = "2 * " + product;
                }
                case 1 -> {
                    coefficient = 0.25;
                    product = product + " / 4";
                }
                case 2 -> {
                    coefficient = 0.5;
                    product = "alpha * " + product;
                }
                default -> { }
            }
            boolean minus = r.nextInt(3) == 0;
            rhs.append(t == 0 ? (minus ? "-" : "") : minus ? " - " : " + ").append(product);
            terms.add(new Term(minus ? -coefficient : coefficient, factors));
            if (nTerms == 1 && nFactors >= 3 && !product.contains("(")) {
                orderable = true;
                orderLabels = summedOf(factors);
            }
        }
        if (orderable && !orderLabels.isEmpty() && r.nextBoolean()) {
            Collections.shuffle(orderLabels, r);
            prefix = "order=(" + String.join(", ", orderLabels) + ") ";
        }
        String macro = orderable && prefix.isEmpty() && r.nextBoolean() ? "@tensoropt " : "@tensor ";
        StringBuilder s = new StringBuilder("# seed " + seed + "\n");
        String type = float32 ? "Buffer{Float32}" : "Buffer";
        s.append("b1 = ").append(type).append("(0)\n");
        boolean two = r.nextBoolean();
        if (two) {
            s.append("b2 = ").append(type).append("(0)\n");
        }
        List<String[]> allocs = new ArrayList<>(); // each as written with numbers and with free variables
        for (Term t : terms) {
            for (Factor f : t.factors()) {
                String buffer = two && r.nextBoolean() ? "b2" : "b1";
                String head = f.tensor() + " = alloc!(" + buffer;
                String tail = ")\nrand!(" + f.tensor() + ")\n";
                allocs.add(new String[] {head + shape(f.labels()) + tail, head + symbolicShape(f.labels()) + tail});
            }
        }
        if (!op.equals(":=")) {
            String head = "C = alloc!(" + (two && r.nextBoolean() ? "b2" : "b1");
            String tail = ")\nfill!(C, " + OLD + ")\n";
            allocs.add(new String[] {head + shape(outLabels) + tail, head + symbolicShape(outLabels) + tail});
        }
        if (r.nextInt(3) == 0) {
            String p = "P = alloc!(b1, " + (1 + r.nextInt(5)) + ")\n";
            allocs.add(new String[] {p, p});
        }
        Collections.shuffle(allocs, r);
        StringBuilder sym = new StringBuilder(s);
        allocs.forEach(a -> s.append(a[0]));
        allocs.forEach(a -> sym.append(a[1]));
        String statement = "alpha = 0.5\n" + macro + prefix + output + "[" + String.join(", ", outLabels) + "] " + op
                + " " + rhs + "\n";
        script = s.append(statement).toString();
        symbolicScript = sym.append(statement).toString();
    }

    /** A random case; the same seed gives the same case. */
    public static ContractionCase random(long seed) {
        return new ContractionCase(seed);
    }

    /**
     * Labels for the factors of one product: each output label on one factor, each summed label on
     * two, now and then a label traced on one factor; no factor without labels.
     */
    private List<List<String>> assign(Random r, int nFactors, List<String> spare) {
        for (int attempt = 0; attempt < 50; attempt++) {
            List<List<String>> fs = new ArrayList<>();
            for (int f = 0; f < nFactors; f++) {
                fs.add(new ArrayList<>());
            }
            for (String l : outLabels) {
                fs.get(r.nextInt(nFactors)).add(l);
            }
            List<String> free = new ArrayList<>(spare);
            Collections.shuffle(free, r);
            int summed = nFactors == 1 ? 0 : r.nextInt(Math.min(3, free.size() - 1) + 1);
            for (int s = 0; s < summed; s++) {
                String l = free.remove(0);
                int a = r.nextInt(nFactors);
                int b = (a + 1 + r.nextInt(nFactors - 1)) % nFactors;
                fs.get(a).add(l);
                fs.get(b).add(l);
            }
            if (!free.isEmpty() && r.nextInt(6) == 0) {
                String l = free.remove(0);
                List<String> f = fs.get(r.nextInt(nFactors));
                f.add(l);
                f.add(l);
            }
            if (fs.stream().noneMatch(List::isEmpty)) {
                for (List<String> f : fs) {
                    Collections.shuffle(f, r);
                }
                return fs;
            }
        }
        List<List<String>> one = new ArrayList<>();
        one.add(new ArrayList<>(outLabels));
        return one;
    }

    private static String group(Random r, List<String> written) {
        if (written.size() >= 3 && r.nextInt(3) == 0) {
            int split = 1 + r.nextInt(written.size() - 1);
            String left = String.join(" * ", written.subList(0, split));
            String right = String.join(" * ", written.subList(split, written.size()));
            return (split > 1 ? "(" + left + ")" : left) + " * "
                    + (written.size() - split > 1 ? "(" + right + ")" : right);
        }
        return String.join(" * ", written);
    }

    /** Labels on two different factors of a product. */
    private static List<String> summedOf(List<Factor> factors) {
        Map<String, Integer> on = new LinkedHashMap<>();
        for (Factor f : factors) {
            for (String l : new java.util.LinkedHashSet<>(f.labels())) {
                on.merge(l, 1, Integer::sum);
            }
        }
        List<String> r = new ArrayList<>();
        on.forEach((l, n) -> {
            if (n == 2) {
                r.add(l);
            }
        });
        return r;
    }

    private static String symbolicShape(List<String> labels) {
        StringBuilder s = new StringBuilder();
        for (String l : labels) {
            s.append(", n").append(l);
        }
        return s.toString();
    }

    private String shape(List<String> labels) {
        StringBuilder s = new StringBuilder();
        for (String l : labels) {
            s.append(", ").append(dims.get(l));
        }
        return s.toString();
    }

    /** The output as the naive loops compute it from the inputs the run left, column-major. */
    public double[] expected(RunResult run) {
        int[] outDims = outLabels.stream().mapToInt(dims::get).toArray();
        int length = 1;
        for (int d : outDims) {
            length *= d;
        }
        double[] out = new double[length];
        double old = op.equals("=") || op.equals(":=") ? 0 : OLD;
        java.util.Arrays.fill(out, old);
        double sign = op.equals("-=") ? -1 : 1;
        for (Term t : terms) {
            List<String> all = new ArrayList<>(outLabels);
            for (Factor f : t.factors()) {
                for (String l : f.labels()) {
                    if (!all.contains(l)) {
                        all.add(l);
                    }
                }
            }
            int[] extent = all.stream().mapToInt(dims::get).toArray();
            int[] at = new int[all.size()];
            if (java.util.Arrays.stream(extent).anyMatch(e -> e == 0)) {
                continue;
            }
            while (true) {
                double p = sign * t.coefficient();
                for (Factor f : t.factors()) {
                    Tensor x = run.tensor(f.tensor());
                    int[] idx = new int[f.labels().size()];
                    for (int q = 0; q < idx.length; q++) {
                        idx[q] = at[all.indexOf(f.labels().get(q))];
                    }
                    p *= x.get(idx);
                }
                int pos = 0;
                int stride = 1;
                for (int q = 0; q < outLabels.size(); q++) {
                    pos += at[q] * stride;
                    stride *= outDims[q];
                }
                out[pos] += p;
                int axis = 0;
                while (axis < at.length && ++at[axis] == extent[axis]) {
                    at[axis++] = 0;
                }
                if (axis == at.length) {
                    break;
                }
            }
        }
        return out;
    }

    /**
     * Runs the case on a backend, asserts that its result equals the naive loops' and that the
     * workspace usage predicts equals the run's; returns the result.
     */
    public double[] check(String backend) throws io.github.bufdsl.api.ScriptException {
        io.github.bufdsl.api.BufScript s = io.github.bufdsl.api.BufScript.fromString("case.buf", script)
                .withBackend(backend);
        RunResult run = s.run(Map.of(), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), 7L);
        double[] expected = expected(run);
        double[] actual = actual(run);
        org.junit.jupiter.api.Assertions.assertEquals(expected.length, actual.length, script);
        double scale = scale(expected);
        for (int i = 0; i < expected.length; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(expected[i], actual[i], tolerance() * scale,
                    "element " + i + " on " + backend + " of\n" + script);
        }
        org.junit.jupiter.api.Assertions.assertEquals(run.workspaceHighWater(), s.usage(Map.of()).workspace(),
                "workspace on " + backend + " of\n" + script);
        return actual;
    }

    /** The largest magnitude, at least 1: what tolerances are relative to. */
    public static double scale(double[] values) {
        double scale = 1;
        for (double e : values) {
            scale = Math.max(scale, Math.abs(e));
        }
        return scale;
    }

    /** The output the run left, column-major. */
    public double[] actual(RunResult run) {
        Tensor c = run.tensor(output);
        double[] v = new double[(int) c.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = c.getLinear(i);
        }
        return v;
    }
}
