package io.github.bufdsl.diag;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts diagnostics where the mistake is, just before they are shown: an index error of an
 * {@code @tensor} statement ("index k has dimension 2 on A but 3 on B") at the offending index
 * rather than at {@code @tensor}, and a second "x is not defined" for the same name left out (it
 * has the same cause as the first).
 */
public final class Placement {
    private Placement() {
    }

    private static final Pattern INDEX_ERROR = Pattern.compile(
            "^index (\\w+) (has dimension \\S+ on \\S+ but \\S+ on (\\S+)|appears three times"
                    + "|appears only once.*|of the output (\\S+) does not appear.*|is traced over.*)");
    private static final Pattern REF = Pattern.compile("([\\p{L}_][\\p{L}\\p{N}_!]*)\\s*\\[([^\\[\\]]*)\\]");

    public static List<Diagnostic> place(List<Diagnostic> diagnostics, Source source) {
        List<Diagnostic> out = new ArrayList<>();
        Set<String> undefined = new HashSet<>();
        for (Diagnostic d : diagnostics) {
            int cut = d.message().indexOf(" is not defined");
            if (cut > 0) {
                String name = d.message().substring(0, cut);
                if (!undefined.add(name)) {
                    continue; // the same cause as the first
                }
            }
            out.add(atIndex(defineHint(d, source), source));
        }
        return out;
    }

    private static final Pattern TENSOR_OUTPUT = Pattern.compile("^@tensor(opt)?\\s+(\\w+)\\s*\\[([^\\]]*)\\]\\s*(\\+|-)?=");

    /** An undefined output of {@code @tensor C[i,j] = ...}: it is created with {@code :=}. */
    private static Diagnostic defineHint(Diagnostic d, Source source) {
        int cut = d.message().indexOf(" is not defined");
        if (source == null || !d.pos().isKnown() || cut <= 0) {
            return d;
        }
        String name = d.message().substring(0, cut);
        String line = source.line(d.pos().line()).strip();
        Matcher m = TENSOR_OUTPUT.matcher(line);
        if (!m.find() || !m.group(2).equals(name) || m.group(4) != null) {
            return d;
        }
        return new Diagnostic(d.severity(), d.pos(), name + " is not defined; to create it here, write `:=`: @tensor "
                + name + "[" + m.group(3) + "] := ...");
    }

    /** An @tensor index error, moved to the occurrence of the index that is wrong. */
    private static Diagnostic atIndex(Diagnostic d, Source source) {
        Matcher m = INDEX_ERROR.matcher(d.message());
        if (source == null || !d.pos().isKnown() || !m.find()) {
            return d;
        }
        String line = source.line(d.pos().line());
        int from = d.pos().column() - 1;
        if (from < 0 || from >= line.length() || !line.startsWith("@tensor", from)) {
            return d;
        }
        String label = m.group(1);
        String onTensor = m.group(3) != null ? m.group(3) : m.group(4);
        List<int[]> hits = new ArrayList<>(); // {column, isOnTensor}
        Matcher r = REF.matcher(line);
        r.region(from, line.length());
        while (r.find()) {
            String tensor = r.group(1);
            int start = r.start(2);
            String inside = r.group(2);
            Matcher w = Pattern.compile("\\b" + Pattern.quote(label) + "\\b").matcher(inside);
            while (w.find()) {
                hits.add(new int[] {start + w.start() + 1, tensor.equals(onTensor) ? 1 : 0});
            }
        }
        if (hits.isEmpty()) {
            return d;
        }
        int[] chosen = hits.get(hits.size() - 1);
        if (onTensor != null) {
            for (int[] h : hits) {
                if (h[1] == 1) {
                    chosen = h;
                    if (m.group(4) != null) {
                        break; // the output's occurrence: the first
                    }
                }
            }
        }
        return new Diagnostic(d.severity(), new Pos(d.pos().line(), chosen[0], label.length()), d.message());
    }
}
