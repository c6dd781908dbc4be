package io.github.bufdsl.runtime;

/** The element type of a buffer: Float64 (8 bytes, the default) or Float32 (4 bytes). */
public enum ElementType {
    FLOAT64("Float64", 8),
    FLOAT32("Float32", 4);

    private final String julia;
    private final int bytes;

    ElementType(String julia, int bytes) {
        this.julia = julia;
        this.bytes = bytes;
    }

    /** The name Julia gives the type. */
    public String julia() {
        return julia;
    }

    public int bytes() {
        return bytes;
    }
}
