package io.github.bufdsl.bench;

import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Contractor;
import io.github.bufdsl.runtime.MatrixPlan;
import io.github.bufdsl.runtime.ElementType;
import io.github.bufdsl.runtime.MemoryBudget;
import io.github.bufdsl.runtime.Tensor;
import java.lang.reflect.Method;
import java.nio.DoubleBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;

/**
 * The baseline of a contraction: exactly the work its plan ({@link MatrixPlan#choose}) needs, done
 * directly, without the contractor's bookkeeping. The operands that do not line up are permuted into
 * tensors allocated once (by {@link Contractor#permute}, bufdsl's tiled, multi-threaded kernel, or by
 * a plain loop for comparison), the library's multiply runs on the arrays (EJML, concurrent where
 * the backend would make it so) or native memory (OpenBLAS), and a product that does not line up is
 * permuted into the output. The tensors' storage is read once, in the constructor, through the
 * runtime's package-private accessors (a benchmark's shortcut, not an API).
 */
final class RawContraction {
    private final Contractor contractor;
    private final boolean blas;
    private final MatrixPlan plan;
    private final int m;
    private final int n;
    private final int k;
    private final boolean mt;
    /** Per role (A, B, C): the tensor as given, its labels, and the copy the plan needs (null: none). */
    private final Tensor[] given = new Tensor[3];
    private final String[][] givenLabels = new String[3][];
    private final Tensor[] packed = new Tensor[3];
    private final String[][] packedLabels = new String[3][];
    private final DMatrixRMaj[] ejml = new DMatrixRMaj[3];
    private final DoublePointer[] nat = new DoublePointer[3];
    /** Per role: the plan's copy as a plain loop (heap only; null: none). */
    private final LoopCopy[] loops = new LoopCopy[3];

    RawContraction(Contractor contractor, boolean blas, Tensor a, String[] la, Tensor b, String[] lb, Tensor c,
            String[] lc) {
        this.contractor = contractor;
        this.blas = blas;
        Map<String, Long> dims = new HashMap<>();
        label(dims, a, la);
        label(dims, b, lb);
        label(dims, c, lc);
        MatrixPlan p = MatrixPlan.choose(List.of(la), List.of(lb), List.of(lc), true, true, true,
                (java.util.function.ToLongFunction<String>) dims::get);
        boolean swap = p.swap();
        // for OpenBLAS as the contractor refines it (transposed packing where the copy keeps runs: dgemm
        // costs the same); EJML's own transposed-a multiplies are slow, so EJML's best is the plain layout
        plan = blas && contractor.backend().transposesFreely()
                ? p.keepingRuns(List.of(la), List.of(lb)) : p;
        given[0] = swap ? b : a;
        givenLabels[0] = swap ? lb : la;
        given[1] = swap ? a : b;
        givenLabels[1] = swap ? la : lb;
        given[2] = c;
        givenLabels[2] = lc;
        m = size(plan.freeA(), dims);
        n = size(plan.freeB(), dims);
        k = size(plan.summed(), dims);
        mt = Runtime.getRuntime().availableProcessors() > 1 && (double) m * n * k >= 64.0 * 64 * 64;
        List<List<String>> orders = List.of(plan.orderA(), plan.orderB(), plan.orderC());
        boolean[] inPlace = {plan.aInPlace(), plan.bInPlace(), plan.cInPlace()};
        for (int role = 0; role < 3; role++) {
            Tensor t = given[role];
            if (!inPlace[role]) {
                List<String> order = orders.get(role);
                long[] d = order.stream().mapToLong(dims::get).toArray();
                Buffer own = new Buffer(0, true, MemoryBudget.UNLIMITED, "raw", ElementType.FLOAT64, blas);
                t = own.alloc("P" + role, d);
                packed[role] = t;
                packedLabels[role] = order.toArray(String[]::new);
                if (!blas) {
                    loops[role] = role < 2 ? LoopCopy.of(given[role], givenLabels[role], t, packedLabels[role])
                            : LoopCopy.of(t, packedLabels[role], given[role], givenLabels[role]);
                }
            }
            if (blas) {
                nat[role] = new DoublePointer(storage(t, "nativeData", DoubleBuffer.class));
            } else {
                // row-major views of the column-major matrices, as EjmlBackend multiplies them
                double[] data = storage(t, "data", double[].class);
                int rows = role == 0 ? (plan.transA() ? m : k) : role == 1 ? (plan.transB() ? k : n) : n;
                int cols = role == 0 ? (plan.transA() ? k : m) : role == 1 ? (plan.transB() ? n : k) : m;
                ejml[role] = DMatrixRMaj.wrap(rows, cols, data);
            }
        }
    }

    /** The plan this baseline follows. */
    MatrixPlan plan() {
        return plan;
    }

    /** Copies, multiply and the output's copy, as the plan needs them. */
    Object run() {
        copyOperands();
        multiply();
        copyOutput();
        return given[2];
    }

    /** The same work with the copies as plain single-threaded loops (heap only). */
    Object runLoops() {
        for (int role = 0; role < 2; role++) {
            if (loops[role] != null) {
                loops[role].run();
            }
        }
        multiply();
        if (loops[2] != null) {
            loops[2].run();
        }
        return given[2];
    }

    /** The copies alone as plain loops (the product's copy reads whatever the product holds). */
    void loopCopies() {
        for (LoopCopy l : loops) {
            if (l != null) {
                l.run();
            }
        }
    }

    /** The operands' copies alone (the product's copy is {@link #copyOutput}). */
    void copyOperands() {
        for (int role = 0; role < 2; role++) {
            if (packed[role] != null) {
                contractor.permute(packed[role], packedLabels[role], 1.0, given[role], givenLabels[role], 0.0);
            }
        }
    }

    /** The product's copy into the output, when the plan needs one. */
    void copyOutput() {
        if (packed[2] != null) {
            contractor.permute(given[2], givenLabels[2], 1.0, packed[2], packedLabels[2], 0.0);
        }
    }

    /** The library's multiply alone: {@code C(m x n) = op(A) op(B)}, column-major. */
    void multiply() {
        if (blas) {
            openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasColMajor,
                    plan.transA() ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                    plan.transB() ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans, m, n, k, 1.0,
                    nat[0], plan.transA() ? k : m, nat[1], plan.transB() ? n : k, 0.0, nat[2], m);
            return;
        }
        // C^T = op(B)^T op(A)^T on the row-major views; B's view is op(B)^T unless transB
        DMatrixRMaj x = ejml[1];
        DMatrixRMaj y = ejml[0];
        DMatrixRMaj z = ejml[2];
        int variant = (plan.transB() ? 2 : 0) + (plan.transA() ? 1 : 0);
        if (mt) {
            switch (variant) {
                case 0 -> CommonOps_MT_DDRM.mult(x, y, z);
                case 1 -> CommonOps_MT_DDRM.multTransB(x, y, z);
                case 2 -> CommonOps_MT_DDRM.multTransA(x, y, z);
                default -> CommonOps_MT_DDRM.multTransAB(x, y, z);
            }
        } else {
            switch (variant) {
                case 0 -> CommonOps_DDRM.mult(x, y, z);
                case 1 -> CommonOps_DDRM.multTransB(x, y, z);
                case 2 -> CommonOps_DDRM.multTransA(x, y, z);
                default -> CommonOps_DDRM.multTransAB(x, y, z);
            }
        }
    }

    /**
     * {@code to[toLabels] = from[fromLabels]}, both dense column-major on the heap and starting their
     * arrays, in one thread: the innermost loop walks the destination's first axis.
     */
    private record LoopCopy(double[] src, double[] dst, int[] dims, int[] srcStrides) implements Runnable {
        static LoopCopy of(Tensor from, String[] fromLabels, Tensor to, String[] toLabels) {
            int[] fromDims = from.dims();
            int[] fromStrides = new int[fromDims.length];
            for (int i = 0, s = 1; i < fromDims.length; i++) {
                fromStrides[i] = s;
                s *= fromDims[i];
            }
            int[] dims = new int[toLabels.length];
            int[] strides = new int[toLabels.length];
            for (int i = 0; i < toLabels.length; i++) {
                int at = List.of(fromLabels).indexOf(toLabels[i]);
                dims[i] = fromDims[at];
                strides[i] = fromStrides[at];
            }
            return new LoopCopy(storage(from, "data", double[].class), storage(to, "data", double[].class), dims,
                    strides);
        }

        @Override
        public void run() {
            int rank = dims.length;
            int[] counter = new int[rank];
            int n0 = dims[0];
            int s0 = srcStrides[0];
            int sp = 0;
            int dp = 0;
            while (true) {
                for (int i = 0, s = sp; i < n0; i++, s += s0) {
                    dst[dp + i] = src[s];
                }
                dp += n0;
                int axis = 1;
                while (axis < rank) {
                    counter[axis]++;
                    sp += srcStrides[axis];
                    if (counter[axis] < dims[axis]) {
                        break;
                    }
                    sp -= srcStrides[axis] * dims[axis];
                    counter[axis] = 0;
                    axis++;
                }
                if (axis == rank) {
                    return;
                }
            }
        }
    }

    private static void label(Map<String, Long> dims, Tensor t, String[] labels) {
        int[] d = t.dims();
        for (int i = 0; i < labels.length; i++) {
            dims.put(labels[i], (long) d[i]);
        }
    }

    private static int size(List<String> labels, Map<String, Long> dims) {
        long s = 1;
        for (String l : labels) {
            s *= dims.get(l);
        }
        return Math.toIntExact(s);
    }

    /** A tensor's storage (it starts its buffer): the heap array or the off-heap buffer. */
    private static <T> T storage(Tensor t, String accessor, Class<T> type) {
        try {
            Method get = Buffer.class.getDeclaredMethod(accessor);
            get.setAccessible(true);
            return type.cast(get.invoke(t.buffer()));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the benchmark reads Buffer." + accessor + "()", e);
        }
    }
}
