package io.github.bufdsl.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An operand seen through its labels: repeated labels become one diagonal axis. */
final class Operand {
    final Tensor tensor;
    /** The storage as Float64 (a widened copy for Float32 and off-heap buffers), made when first needed. */
    private Widened widened;
    final Map<String, int[]> axes = new LinkedHashMap<>(); // label -> {dim, stride, count}
    boolean diagonal;

    private Operand(Tensor tensor) {
        this.tensor = tensor;

    }

    static Operand of(Tensor t, String[] labels, String role) {
        // the caller has checked the index rules (TensorRules): one label per dimension, a repeated
        // label at most twice and over equal dimensions
        Operand o = new Operand(t);
        int[] dims = t.dimsInternal();
        int[] strides = t.strides();
        for (int i = 0; i < labels.length; i++) {
            int[] axis = o.axes.get(labels[i]);
            if (axis == null) {
                o.axes.put(labels[i], new int[] {dims[i], strides[i], 1});
            } else {
                axis[1] += strides[i];
                axis[2] = 2;
                o.diagonal = true;
            }
        }
        if (o.diagonal && !role.equals("the right-hand side") && !role.equals("the output")) {
            throw new ShapeMismatchException("a trace inside a product (repeated index on " + t.describe()
                    + ") is not supported yet; take the trace into its own tensor first");
        }
        return o;
    }

    List<String> labels() {
        return new ArrayList<>(axes.keySet());
    }

    private Widened widened() {
        if (widened == null) {
            widened = Widened.of(tensor);
        }
        return widened;
    }

    /** The storage as a Float64 array. */
    double[] data() {
        return widened().array();
    }

    /** Where the tensor starts in {@link #data()}. */
    int offset() {
        return tensor.offsetInternal() - widened().shift();
    }

    /** Where the tensor starts in the array {@link #data()} gives, without making a widened copy. */
    int offsetBeforeCopy() {
        Buffer b = tensor.buffer();
        return b.elementType() == ElementType.FLOAT64 && !b.isOffHeap() ? tensor.offsetInternal() : 0;
    }

    /** The off-heap storage of a tensor in an off-heap buffer, read in place; null on the heap. */
    java.nio.DoubleBuffer nat() {
        return tensor.buffer().isOffHeap() ? tensor.buffer().storage.nativeData() : null;
    }

    /** Writes a widened copy back, if one was made. */
    void narrow() {
        if (widened != null) {
            widened.narrow(tensor);
        }
    }

    boolean has(String l) {
        return axes.containsKey(l);
    }

    boolean repeated(String l) {
        return axes.get(l)[2] == 2;
    }

    int dim(String l) {
        return axes.get(l)[0];
    }

    int size(List<String> labels) {
        long n = 1;
        for (String l : labels) {
            n *= axes.get(l)[0];
        }
        return (int) n;
    }

    int[] dimsOf(List<String> order) {
        int[] r = new int[order.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = axes.get(order.get(i))[0];
        }
        return r;
    }

    int[] stridesOf(List<String> order) {
        int[] r = new int[order.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = axes.get(order.get(i))[1];
        }
        return r;
    }
}
