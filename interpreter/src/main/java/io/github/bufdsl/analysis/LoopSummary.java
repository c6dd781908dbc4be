package io.github.bufdsl.analysis;

import io.github.bufdsl.analysis.LoopPieces.Piece;
import io.github.bufdsl.diag.Pos;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One iteration of a loop piece as formulas: per buffer the level at its end, the highest level
 * within it and the tensors it leaves; the variables it assigned; whether it breaks or returns; the
 * {@code @tensor} workspace it takes; the sums it read as their closed forms in the loop variable
 * ({@code closed}: their values are formulas of it, as the last iteration leaves them, not sums to add).
 */
record LoopSummary(Piece piece, Map<String, Poly> end, Map<String, Peak> peak, Map<String, Pos> peakAt,
        Map<String, List<TensorRec>> pushed, Map<String, Object> values, Set<String> written, boolean breaks,
        boolean returns, WorkspaceModel.Counts workspace, Set<String> closed) {
}
