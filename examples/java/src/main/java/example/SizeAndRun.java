package example;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.RunResult;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.runtime.Buffer;
import io.github.bufdsl.runtime.Tensor;
import java.util.Map;

/**
 * Sizes a buffer from a .buf kernel's own sizing function, as the seed's
 * {@code buf = Buffer(preallocate_buffer(true))}, then runs the kernel over that buffer.
 */
public final class SizeAndRun {
    private SizeAndRun() {
    }

    public static void main(String[] args) throws Exception {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 4;
        BufScript kernel = BufScript.fromResource(SizeAndRun.class.getClassLoader(), "kernel.buf");
        try {
            long elements = kernel.usage(Map.of("n", n)).buffer("buf").peak();
            Buffer buf = new Buffer(elements, false).setName("buf"); // exactly the peak, and it may not grow
            RunResult result = kernel.run(Map.of("n", n, "buf", buf), System.out);
            Tensor c = result.tensor("C");
            System.out.println("buf holds " + buf.length() + " elements; the kernel used at most " + buf.highWater());
            System.out.println("trace(C) = " + result.get("trace"));
            System.out.println("C[1, 2] = " + c.get(0, 1));
        } catch (ScriptException e) {
            System.err.print(e.formatted());
            System.exit(e.exitCode());
        }
    }
}
