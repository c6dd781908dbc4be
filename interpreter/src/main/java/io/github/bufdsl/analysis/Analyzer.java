package io.github.bufdsl.analysis;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.resolve.Resolution;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds what to size in a program and builds the sizing functions: one per
 * {@code @print_buffer_usage} block, or, for a script without one, one for every buffer the script
 * creates, over the whole script.
 */
public final class Analyzer {
    private Analyzer() {
    }

    /** The sizing functions of a program, keyed by their block (null key for the whole script). */
    public static Map<Stmt.PrintBufferUsage, SizingFunction> analyze(Resolution resolution) {
        List<Stmt> top = resolution.program().body();
        Map<String, SizingFunction.BufferDecl> decls = null;
        Map<Stmt.PrintBufferUsage, SizingFunction> result = new IdentityHashMap<>();
        List<Stmt> before = new ArrayList<>();
        for (Stmt s : top) {
            for (Stmt.PrintBufferUsage block : blocks(s)) {
                if (decls == null) {
                    decls = BufferDeclarations.of(top);
                }
                List<String> names = block.buffers().stream().map(Expr.Name::name).toList();
                result.put(block, SizingBuilder.build(block.pos(), names, before, block.body(), decls,
                        resolution.functions()));
            }
            before.add(s);
        }
        return result;
    }

    /** The sizing functions in source order: the blocks', or one for the whole script. */
    public static List<SizingFunction> sizingFunctions(Resolution resolution) {
        return sizingFunctions(resolution, analyze(resolution));
    }

    /** As {@link #sizingFunctions(Resolution)}, from the blocks' functions {@link #analyze} made. */
    public static List<SizingFunction> sizingFunctions(Resolution resolution,
            Map<Stmt.PrintBufferUsage, SizingFunction> byBlock) {
        if (!byBlock.isEmpty()) {
            List<SizingFunction> list = new ArrayList<>(byBlock.values());
            list.sort((a, b) -> a.pos().line() != b.pos().line() ? Integer.compare(a.pos().line(), b.pos().line())
                    : Integer.compare(a.pos().column(), b.pos().column()));
            return list;
        }
        return List.of(wholeScript(resolution));
    }

    /** One sizing function for every buffer the script creates, over the whole script (for check, and for usage without blocks). */
    public static SizingFunction wholeScript(Resolution resolution) {
        List<Stmt> body = resolution.program().body().stream().filter(s -> !(s instanceof Stmt.Function)).toList();
        Map<String, SizingFunction.BufferDecl> decls = new java.util.LinkedHashMap<>(BufferDeclarations.of(body));
        // buffers given from outside (a free variable the script allocates from) are sized too
        for (String name : givenBuffers(body, resolution.freeVariables().keySet())) {
            decls.putIfAbsent(name, new SizingFunction.BufferDecl(resolution.freeVariables().get(name), 8, null, true, false));
        }
        return SizingBuilder.build(new Pos(1, 1, 1), new ArrayList<>(decls.keySet()), List.of(), body, decls,
                resolution.functions());
    }

    /** Free variables used as the buffer of alloc!, drop! or reset!, in order of first use. */
    private static java.util.Set<String> givenBuffers(List<Stmt> body, java.util.Set<String> free) {
        java.util.Set<String> found = new java.util.LinkedHashSet<>();
        if (free.isEmpty()) {
            return found;
        }
        StmtWalker walker = new StmtWalker(call -> {
            String fn = call.calleeName();
            if (("alloc!".equals(fn) || "drop!".equals(fn) || "reset!".equals(fn)) && !call.args().isEmpty()
                    && call.args().get(0) instanceof Expr.Name n && free.contains(n.name())) {
                found.add(n.name());
            }
        });
        body.forEach(walker::statement);
        return found;
    }

    private static List<Stmt.PrintBufferUsage> blocks(Stmt s) {
        List<Stmt.PrintBufferUsage> found = new ArrayList<>();
        collect(s, found);
        return found;
    }

    /** The {@code @print_buffer_usage} blocks in a statement (not those inside another block). */
    private static void collect(Stmt s, List<Stmt.PrintBufferUsage> found) {
        if (s instanceof Stmt.PrintBufferUsage p) {
            found.add(p);
            return;
        }
        for (List<Stmt> body : io.github.bufdsl.ast.StmtBodies.of(s)) {
            body.forEach(x -> collect(x, found));
        }
    }
}
