package io.github.bufdsl.analysis;

import io.github.bufdsl.diag.Pos;
import java.util.List;
import java.util.Map;

/**
 * The sizing function of one {@code @print_buffer_usage} block (or of a whole script): the buffers
 * it sizes, how each was declared, and the statements that compute their peaks. The body holds
 * everything the checks need; printing prunes it to what the peaks depend on.
 */
public record SizingFunction(Pos pos, List<String> buffers, Map<String, BufferDecl> decls, List<SizeStmt> body,
        Map<String, PseudoFunction> functions) {
    /**
     * The generated {@code pseudo_} version of a user function that takes a buffer: its parameters,
     * which of them are buffers, and its body as sizing statements.
     */
    public record PseudoFunction(String name, List<String> params, List<Boolean> isBuffer, List<SizeStmt> body) {
    }

    /**
     * How a buffer was made: where, bytes per element, its length (null if not known before running),
     * whether it may grow, and whether it is a buffer of a {@code @buffer} block.
     */
    public record BufferDecl(Pos pos, int elementBytes, SizeExpr capacity, boolean extendable, boolean scoped,
            Pool pool) {
        public static final BufferDecl UNKNOWN = new BufferDecl(Pos.NONE, 8, null, true, false, null);

        public BufferDecl(Pos pos, int elementBytes, SizeExpr capacity, boolean extendable, boolean scoped) {
            this(pos, elementBytes, capacity, extendable, scoped, null);
        }
    }

    /**
     * A {@code ThreadsBuffer}: each of its {@code buffers} (null: one per processor, known only when
     * running) is sized as one buffer, since an iteration takes one and gives it back.
     */
    public record Pool(SizeExpr buffers) {
    }

    /** Bytes per element of a buffer (8 for Float64). */
    public int elementBytes(String buffer) {
        return decls.getOrDefault(buffer, BufferDecl.UNKNOWN).elementBytes();
    }
}
