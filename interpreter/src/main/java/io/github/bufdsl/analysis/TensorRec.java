package io.github.bufdsl.analysis;

import io.github.bufdsl.diag.Pos;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A tensor on a path: its buffer, size, where it was allocated, and how it was given back. */
final class TensorRec {
    /** How messages name it; a tensor a function returns straight from alloc! takes its caller's name. */
    String name;
    final String buffer;
    final Poly size;
    final Pos pos;
    /** The dimensions, or null when not known. */
    final List<Poly> dims;
    /** Where it starts in its buffer, or null when not known. */
    final Poly offset;
    /** Whether its buffer holds Float32 (a contraction then works on a widened copy of it). */
    final boolean float32;
    /** Whether its buffer lives off the heap; null when not known (a buffer the script did not make). */
    Boolean offHeap = Boolean.FALSE;
    /** A reshape_buf! view (on no stack); a contraction copies it, as it is not all of an allocation. */
    boolean view;
    /**
     * For a slice ({@code A[:, :, p]}, on no stack): the tensor it is part of, which its uses use;
     * and whether it is all of that tensor's elements (null when that depends on the free variables).
     */
    TensorRec of;
    Boolean whole = Boolean.TRUE;
    /**
     * For a slice whose {@link #whole} is null: formulas, never negative, that are all 0 where it is all
     * of its allocation in place (the elements it leaves out; a range's start past 1; a range of
     * another step than 1 has one index, as the runtime reads a dimension of 1 at any stride).
     */
    List<Poly> wholeWhen = List.of();
    String droppedBy;
    /** Where it was last used (its allocation until a use), for usage --explain. */
    Pos lastUse;
    /** Whether it was the top of its buffer's stack there, so that drop! could have given it back then. */
    boolean topAtLastUse = true;

    TensorRec(String name, String buffer, Poly size, Pos pos, List<Poly> dims, Poly offset, boolean float32) {
        this.name = name;
        this.buffer = buffer;
        this.size = size;
        this.pos = pos;
        this.dims = dims;
        this.offset = offset;
        this.float32 = float32;
        this.lastUse = pos;
    }
}
