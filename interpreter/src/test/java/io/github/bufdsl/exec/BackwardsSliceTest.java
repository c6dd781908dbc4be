package io.github.bufdsl.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.api.ScriptOutput;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Slices with a negative step are views with a negative stride: contractions read and write them right. */
class BackwardsSliceTest {
    private static String run(String text) throws ScriptException {
        return ScriptOutput.of(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Buffer(200)", "Buffer{Float32}(200)"})
    void contractionsTakeBackwardsViewsAsOperandsAndOutputs(String buffer) throws ScriptException {
        String out = run("buf = " + buffer + "\nA = alloc!(buf, 4, 3)\nfor i in 1:4, j in 1:3\n    A[i, j] = 10 * i + j\n"
                + "end\nR = A[end:-1:1, 3:-1:1]\nC = alloc!(buf, 3, 3)\n@tensor C[j, k] = R[i, j] * A[i, k]\n"
                + "println(C)\nX = alloc!(buf, 3, 4)\nfill!(X, 0.0)\nY = X[end:-1:1, 4:-1:1]\n"
                + "@tensor Y[k, i] = R[i, j] * C[j, k]\nprintln(X)\n");
        double[][] a = new double[4][3];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                a[i][j] = 10 * (i + 1) + (j + 1);
            }
        }
        double[][] r = new double[4][3];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                r[i][j] = a[3 - i][2 - j];
            }
        }
        double[][] c = new double[3][3];
        for (int j = 0; j < 3; j++) {
            for (int k = 0; k < 3; k++) {
                for (int i = 0; i < 4; i++) {
                    c[j][k] += r[i][j] * a[i][k];
                }
            }
        }
        double[][] x = new double[3][4]; // Y[k, i] = X[4 - k, 5 - i] (1-based): X[2 - k][3 - i] 0-based
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 4; i++) {
                double y = 0;
                for (int j = 0; j < 3; j++) {
                    y += r[i][j] * c[j][k];
                }
                x[2 - k][3 - i] = y;
            }
        }
        String type = buffer.contains("Float32") ? "Float32" : ""; // Julia shows a Vector{Float32} as Float32[...]
        assertEquals(type + show(c) + "\n" + type + show(x) + "\n", out);
    }

    private static String show(double[][] m) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < m.length; i++) {
            sb.append(i == 0 ? "" : "; ");
            for (int j = 0; j < m[i].length; j++) {
                sb.append(j == 0 ? "" : " ").append(m[i][j]);
            }
        }
        return sb.append("]").toString();
    }
}
