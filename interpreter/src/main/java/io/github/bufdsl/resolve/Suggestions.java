package io.github.bufdsl.resolve;

import java.util.Collection;

/** "did you mean ...?" for near-miss names. */
public final class Suggestions {
    private Suggestions() {
    }

    /** The closest candidate within a small edit distance, or null. */
    public static String closest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        int limit = name.length() <= 3 ? 1 : 2;
        for (String c : candidates) {
            int d = distance(name, c);
            if (d <= limit && d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Julia's functions bufdsl does not have, each with the way to write it here. */
    private static final java.util.Map<String, String> JULIA = java.util.Map.ofEntries(
            java.util.Map.entry("enumerate", "loop over an index, for i in 1:length(A), and read A[i]"),
            java.util.Map.entry("zip", "loop over an index and read each collection at it"),
            java.util.Map.entry("reverse", "loop backwards over a range, for i in n:-1:1"),
            java.util.Map.entry("collect", "a range is read as it is, and tensors come from buffers (alloc!)"),
            java.util.Map.entry("copyto!", "write B .= A"),
            java.util.Map.entry("copy!", "write B .= A"),
            java.util.Map.entry("copy", "take a tensor with alloc! and write B .= A"),
            java.util.Map.entry("similar", "take a tensor with alloc!(buf, size(A)...) dimension by dimension"),
            java.util.Map.entry("zeros", "take a tensor with alloc! and fill!(A, 0.0)"),
            java.util.Map.entry("ones", "take a tensor with alloc! and fill!(A, 1.0)"),
            java.util.Map.entry("fill", "take a tensor with alloc! and fill! it"),
            java.util.Map.entry("show", "print it with print, println or @show"),
            java.util.Map.entry("display", "print it with println"),
            java.util.Map.entry("ifelse", "write c ? a : b"),
            java.util.Map.entry("rem", "write a % b"),
            java.util.Map.entry("fld", "write div(a, b) for a truncated quotient, or floor division by cases"));

    /** "bufdsl does not support Julia's ...; ...", for a function Julia has and bufdsl does not; else null. */
    public static String juliaFunction(String name) {
        String how = JULIA.get(name);
        return how == null ? null : name + " is Julia's, and bufdsl does not support it; " + how;
    }

    /** Formats " (did you mean `x`?)" or "". */
    public static String hint(String name, Collection<String> candidates) {
        String c = closest(name, candidates);
        return c == null ? "" : "; did you mean `" + c + "`?";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
