package io.github.bufdsl.exec;

/** The rules of slices {@code A[a:s:b, :]} that the run and the static checks share, with their words. */
public final class SliceRules {
    private SliceRules() {
    }

    /**
     * A slice that runs backwards ({@code A[3:-1:1]}, more than one index) is refused: slices are
     * views sharing the tensor's memory, and a view walks its memory forwards; {@code @tensor},
     * {@code .=} and the BLAS backends take such views as they are.
     */
    public static String negativeStep(String range) {
        return "a slice with a negative step (" + range + ") is not supported in bufdsl: a slice is a view of"
                + " the tensor's memory, and views run forwards only; index the elements in a loop instead"
                + " (for i in n:-1:1 ... A[i, j] ... end)";
    }
}
