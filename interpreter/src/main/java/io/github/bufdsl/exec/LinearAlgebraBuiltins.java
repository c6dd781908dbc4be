package io.github.bufdsl.exec;

import static io.github.bufdsl.builtins.ArgType.*;
import static io.github.bufdsl.exec.Builtin.def;
import static io.github.bufdsl.exec.Builtin.sig;

import io.github.bufdsl.builtins.Role;
import io.github.bufdsl.exec.Builtin.Call;
import io.github.bufdsl.exec.Builtin.Entry;
import io.github.bufdsl.runtime.ElementType;
import io.github.bufdsl.runtime.Tensor;
import java.util.Map;

/**
 * Julia's LinearAlgebra functions on tensors that kernels use to test convergence: {@code norm(A)},
 * {@code norm(A, p)} for p = 1, 2, Inf, and {@code dot(A, B)}, defined into {@link Builtin#TABLE}. They
 * read every element and allocate nothing. A Float32 tensor gives a Float32, as Julia's; the sums go in
 * column-major order, in Float64 (Julia's order for {@code norm} below 32 elements, where it sums
 * sequentially in Float64 too; above that, and for {@code dot}, Julia calls BLAS, whose order can
 * change the last digit).
 */
final class LinearAlgebraBuiltins {
    private LinearAlgebraBuiltins() {
    }

    static void define(Map<String, Entry> m) {
        def(m, sig("norm", "norm(A[, p])").arg("A", ANY).opt("p", NUMBER), FLOAT, Role.READS_TENSORS,
                LinearAlgebraBuiltins::norm);
        def(m, sig("dot", "dot(A, B)").arg("A", ANY).arg("B", ANY), FLOAT, Role.READS_TENSORS,
                LinearAlgebraBuiltins::dot);
    }

    private static Value norm(Call c) {
        Tensor t = c.tensor(0);
        double p = c.args().size() > 1 ? c.number(1) : 2;
        double[] x = t.toArray();
        double r;
        if (p == Double.POSITIVE_INFINITY) {
            r = maxAbs(x);
        } else if (p == 1) {
            r = 0;
            for (double v : x) {
                r += Math.abs(v);
            }
        } else if (p == 2) {
            r = norm2(x, maxAbs(x));
        } else {
            throw new ScriptError("norm(A, " + ValueFormat.formatFloat(p) + "): bufdsl has norm for p = 1, 2 and Inf");
        }
        return TensorElements.read(t, r);
    }

    /** The largest magnitude; NaN wins, as in Julia's {@code maximum(abs, x)}. */
    private static double maxAbs(double[] x) {
        double most = 0;
        for (double v : x) {
            double a = Math.abs(v);
            most = a > most || a != a ? a : most;
        }
        return most;
    }

    /**
     * Julia's {@code generic_norm2}: the square root of the sum of squares, scaled by the largest
     * magnitude only where the squares would overflow or vanish; 0, Inf and NaN as the largest give
     * themselves.
     */
    private static double norm2(double[] x, double maxabs) {
        if (maxabs == 0 || Double.isInfinite(maxabs) || maxabs != maxabs) {
            return maxabs;
        }
        if (Double.isFinite(x.length * maxabs * maxabs) && maxabs * maxabs != 0) { // Julia's test, as it groups it
            double sum = 0;
            for (double v : x) {
                sum += v * v;
            }
            return Math.sqrt(sum);
        }
        double sum = 0;
        for (double v : x) {
            double s = v / maxabs;
            sum += s * s;
        }
        return maxabs * Math.sqrt(sum);
    }

    private static Value dot(Call c) {
        Tensor a = c.tensor(0);
        Tensor b = c.tensor(1);
        if (a.length() != b.length()) {
            throw new ScriptError("dot(A, B): A has " + a.length() + " elements and B " + b.length()
                    + "; they must have as many (Julia's DimensionMismatch)");
        }
        double[] x = a.toArray();
        double[] y = b.toArray();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        boolean single = a.buffer().elementType() == ElementType.FLOAT32 && b.buffer().elementType() == ElementType.FLOAT32;
        return single ? new Value.Float32((float) s) : new Value.Float(s);
    }
}
