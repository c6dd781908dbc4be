package io.github.bufdsl.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.RunResult;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.runtime.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Chains of four tensors in every order the language offers, against a naive loop. */
class TensorChainTest {
    private static final String[] FORMS = {
        "@tensor E[m, i] = A[i, j] * B[j, k] * C[k, l] * D[l, m]",
        "@tensor E[m, i] = A[i, j] * (B[j, k] * (C[k, l] * D[l, m]))",
        "@tensor order=(k, l, j) E[m, i] = A[i, j] * B[j, k] * C[k, l] * D[l, m]",
        "@tensoropt E[m, i] = A[i, j] * B[j, k] * C[k, l] * D[l, m]",
        "@tensoropt maxintermediate=4 E[m, i] = A[i, j] * B[j, k] * C[k, l] * D[l, m]",
        "@tensor E[m, i] = 0.5 * A[i, j] * B[j, k] * C[k, l] * D[l, m] + 0.5 * A[i, j] * B[j, k] * C[k, l] * D[l, m]",
    };

    private static Tensor random(Random rnd, int... dims) {
        long n = 1;
        long[] d = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            n *= dims[i];
            d[i] = dims[i];
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextDouble() - 0.5;
        }
        return Tensor.of(v, d);
    }

    @Test
    void everyOrderGivesTheNaiveProduct() throws ScriptException {
        for (int seed = 0; seed < 25; seed++) {
            Random rnd = new Random(seed);
            int ni = rnd.nextInt(4);
            int nj = 1 + rnd.nextInt(4);
            int nk = 1 + rnd.nextInt(4);
            int nl = rnd.nextInt(4);
            int nm = 1 + rnd.nextInt(3);
            Tensor a = random(rnd, ni, nj);
            Tensor b = random(rnd, nj, nk);
            Tensor c = random(rnd, nk, nl);
            Tensor d = random(rnd, nl, nm);
            double[][] expected = new double[nm][ni];
            for (int i = 0; i < ni; i++) {
                for (int j = 0; j < nj; j++) {
                    for (int k = 0; k < nk; k++) {
                        for (int l = 0; l < nl; l++) {
                            for (int m = 0; m < nm; m++) {
                                expected[m][i] += a.get(i, j) * b.get(j, k) * c.get(k, l) * d.get(l, m);
                            }
                        }
                    }
                }
            }
            for (String form : FORMS) {
                Tensor e = random(rnd, nm, ni);
                BufScript script = BufScript.fromString("chain.buf", form + "\n");
                RunResult r = script.run(Map.of("A", a, "B", b, "C", c, "D", d, "E", e),
                        new PrintStream(new ByteArrayOutputStream()));
                for (int m = 0; m < nm; m++) {
                    for (int i = 0; i < ni; i++) {
                        assertEquals(expected[m][i], e.get(m, i), 1e-12 * Math.max(1, Math.abs(expected[m][i])),
                                form + " seed " + seed);
                    }
                }
                assertEquals(r.get("E"), e);
            }
        }
    }
}
