package io.github.bufdsl.api;

import io.github.bufdsl.analysis.JuliaPrinter;
import io.github.bufdsl.analysis.SizingEvaluator;
import io.github.bufdsl.analysis.SizingFunction;
import io.github.bufdsl.analysis.SizingResult;
import io.github.bufdsl.diag.Source;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns what sizing found into what {@code usage} reports ({@link Usage}), block by block: the
 * printed sizing function, each buffer's peak (a number, the worst case over the Bools left free,
 * or a formula), a ThreadsBuffer's pool, the workspace, the {@code --explain} text and the trace
 * of the path with the largest total peak; over all blocks, each buffer's largest peak.
 */
final class UsageReport {
    private final Source source;
    /** The bindings as sizing reads them. */
    private final Map<String, Object> plain;
    private final List<Usage.Block> blocks = new ArrayList<>();
    private final Map<String, BufferUsage> overall = new LinkedHashMap<>();

    UsageReport(Source source, Map<String, Object> plain) {
        this.source = source;
        this.plain = plain;
    }

    /** Adds the block of sizing function {@code f}, whose result (without errors) is {@code result}. */
    void add(SizingFunction f, SizingResult result) {
        Map<String, BufferUsage> buffers = new LinkedHashMap<>();
        for (String b : f.buffers()) {
            BufferUsage u = bufferUsage(result, f, b);
            buffers.put(b, u);
            overall.merge(b, u, UsageReport::larger);
        }
        blocks.add(new Usage.Block(JuliaPrinter.print(f), Collections.unmodifiableMap(buffers),
                Explain.explain(result, source), result.workspace(), trace(result), result.workspaceFormula(),
                result.workspaceUnknown()));
    }

    /** The report of the blocks added. */
    Usage usage() {
        return new Usage(List.copyOf(blocks), Collections.unmodifiableMap(overall), Collections.unmodifiableMap(plain));
    }

    private BufferUsage bufferUsage(SizingResult result, SizingFunction f, String b) {
        int bytes = f.elementBytes(b);
        BufferUsage.Pool pool = null;
        SizingFunction.BufferDecl decl = f.decls().get(b);
        Long peak = result.peak(b);
        if (decl != null && decl.pool() != null) {
            Long n = decl.pool().buffers() == null ? null : SizingEvaluator.constant(decl.pool().buffers(), plain);
            pool = new BufferUsage.Pool(n, n == null || peak == null ? null : n * peak,
                    n == null || peak == null ? null : n * peak * bytes);
        }
        if (peak != null) {
            return new BufferUsage(b, peak, peak * bytes, bytes, null, false, null, pool);
        }
        SizingResult.Worst worst = result.worst(b);
        String formula = result.formula(b);
        if (worst != null) {
            return new BufferUsage(b, worst.peak(), worst.peak() * bytes, bytes, formula, true,
                    String.join(" and ", worst.path()), pool);
        }
        return new BufferUsage(b, null, null, bytes, formula, false, null, pool);
    }

    /** The trace of the path with the largest total peak (numbers only). */
    private static Usage.Trace trace(SizingResult result) {
        SizingResult.Leaf best = null;
        long bestTotal = -1;
        for (SizingResult.Leaf l : result.leaves()) {
            long total = 0;
            for (SizingResult.BufferPeak p : l.peaks().values()) {
                Long v = p.peak().constant();
                total += v == null ? 0 : v;
            }
            if (total > bestTotal) {
                best = l;
                bestTotal = total;
            }
        }
        if (best == null) {
            return new Usage.Trace("", List.of());
        }
        return new Usage.Trace(String.join(" and ", best.path()), best.trace().stream()
                .map(s -> new Usage.Step(s.line(), s.buffer(), s.level())).toList());
    }

    /** Of two blocks' usage of one buffer, the larger known peak (an unknown one wins). */
    private static BufferUsage larger(BufferUsage a, BufferUsage b) {
        if (a.peak() == null) {
            return a;
        }
        if (b.peak() == null) {
            return b;
        }
        return a.peak() >= b.peak() ? a : b;
    }
}
