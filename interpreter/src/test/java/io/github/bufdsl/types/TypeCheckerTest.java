package io.github.bufdsl.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.Problem;
import io.github.bufdsl.api.ScriptException;
import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.Source;
import io.github.bufdsl.parse.Parser;
import io.github.bufdsl.resolve.Resolver;
import io.github.bufdsl.runtime.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The static types and shapes: what they must find, and what they must leave alone. */
class TypeCheckerTest {
    private static List<Diagnostic> errors(String text, Map<String, ?> bindings, boolean commandLine) {
        return TypeChecker.infer(Resolver.resolve(Parser.parse(new Source("t.buf", text))),
                new TypeChecker.Options(bindings, commandLine)).errors();
    }

    private static String messages(String text) {
        return errors(text, Map.of(), true).stream().map(d -> d.pos().line() + ":" + d.pos().column() + " "
                + d.message()).collect(Collectors.joining("\n"));
    }

    private static void finds(String text, String expected) {
        String found = messages(text);
        assertTrue(found.contains(expected), "expected «" + expected + "» in «" + found + "» for\n" + text);
    }

    /** Scripts that run: the inference must not say a word about them (and they must indeed run). */
    @Test
    void scriptsThatRunHaveNoTypeErrors() throws ScriptException {
        String[] scripts = {
            // dotted expressions on numbers are values; on tensors they are written into one with .=
            "buf = Buffer(10)\nA = alloc!(buf, 3)\nB = alloc!(buf, 3)\nx = abs.(-2.5) .+ 1\n"
                    + "A .= abs.(B .- 1) .* x\nB .= max.(A, sum(A)) .- 1\ndrop!(buf, B, A)\n",
            // a function with a threaded loop given a ThreadsBuffer; a Buffer made in the iteration
            "tbuf = ThreadsBuffer(100, 2)\nfunction kernel(t, n)\n    Threads.@threads for k in 1:2\n"
                    + "        own = Buffer(10)\n        A = alloc!(t, n)\n        B = alloc!(own, n)\n"
                    + "        @tensor C[i] := A[i] + B[i]\n        drop!(t, C, A)\n        reset!(t)\n    end\nend\n"
                    + "kernel(tbuf, 3)\n",
            // a threaded loop: a ThreadsBuffer, and a Buffer made in the iteration, give memory to iterations
            "tbuf = ThreadsBuffer(10, 2)\nThreads.@threads for i in 1:2\n    B = alloc!(tbuf, i)\n    own = Buffer(4)\n"
                    + "    C = alloc!(own, 2)\n    drop!(own, C)\n    reset!(tbuf)\nend\n",
            // ... and a := from a tensor of either, a function given either; a tensor made before the loop is read
            "tbuf = ThreadsBuffer(100, 2)\nfunction work(b, n)\n    T = alloc!(b, n)\n    @tensor U[i] := T[i]\n"
                    + "    drop!(b, U, T)\nend\nbuf = Buffer(10)\nA = alloc!(buf, 4)\nfill!(A, 1.0)\n"
                    + "Threads.@threads for t in 1:2\n    own = Buffer(100)\n    work(own, 8)\n    B = alloc!(own, 4)\n"
                    + "    @tensor C[i] := B[i] + A[i]\n    @tensor D[i] := 2 * B[i]\n    drop!(own, D, C, B)\n"
                    + "    work(tbuf, 3)\n    X = alloc!(tbuf, 4)\n    @tensor E[i] := X[i] + A[i]\n    drop!(tbuf, E, X)\n"
                    + "    reset!(tbuf)\n    s = sum(A)\nend\ndrop!(buf, A)\n",
            // a dead branch on a constant
            "buf = Buffer(10)\nA = alloc!(buf, 2)\ndebug = false\nif debug\n    x = A[5]\nend\ndrop!(buf, A)\n",
            // a variable that changes type
            "x = 3\nx = \"three\"\nprintln(x)\nbuf = Buffer(10)\nx = alloc!(buf, 2)\nx[2] = 1.0\ndrop!(buf, x)\n",
            // a loop that grows what it indexes
            "buf = Buffer(100)\nn = 1\nfor k in 1:3\n    A = alloc!(buf, n)\n    A[n] = 1.0\n    drop!(buf, A)\n"
                    + "    n += 1\nend\n",
            // a while loop whose counter starts as a constant
            "buf = Buffer(10)\nA = alloc!(buf, 3)\nk = 0\nwhile k < 3\n    k += 1\n    A[k] = k\nend\ndrop!(buf, A)\n",
            // branches that give different shapes: nothing certain about A afterwards
            "buf = Buffer(100)\nif flag\n    A = alloc!(buf, 2)\nelse\n    A = alloc!(buf, 5)\nend\nx = A[4]\n",
            // linear indexing, whole floats as indices, slices
            "buf = Buffer(10)\nA = alloc!(buf, 2, 3)\nA[6] = 1.0\nA[2.0, 3] = 2.0\nA[:, 3] .= 4.0\nc = A[:, 1]\n"
                    + "println(c[2])\ndrop!(buf, A)\n",
            // Float32 values: indices, arithmetic, a Float32 buffer's elements
            "buf = Buffer{Float32}(10)\nA = alloc!(buf, 3)\nA[2f0] = 1.5f0\nx = A[1] + 2 * A[2]\ny = max(x, 1)\n"
                    + "println(sqrt(y) + Float32(1) / 3)\ndrop!(buf, A)\n",
            // function parameters of any type
            "function twice(x)\n    return x + x\nend\nprintln(twice(2))\nprintln(twice(2.5))\n",
            "buf = Buffer(10)\nfunction get(b, n)\n    return alloc!(b, n)\nend\nA = get(buf, 2)\nA[2] = 1.0\n"
                    + "drop!(buf, A)\n",
            // tuples, sizes, @tensor :=, Refs
            "buf = Buffer(100)\nA = alloc!(buf, 2, 3)\nm, n = size(A)\nB = alloc!(buf, n, m)\n"
                    + "@tensor C[j, i] := A[i, j]\nx = C[3, 2] + B[3, 2]\nr = Ref(0)\nr[] = 5\nprintln(r[] + 1)\n"
                    + "drop!(buf, A, B, C)\n",
            // a threaded loop whose iterations assign their own variables
            "tbuf = ThreadsBuffer(16, 2)\nx = 1\nThreads.@threads for k in 1:2\n    x = alloc!(tbuf, 2)\n"
                    + "    x[2] = k\n    reset!(tbuf)\nend\n",
            // an empty loop's body never runs
            "buf = Buffer(10)\nA = alloc!(buf, 2)\nfor k in 1:0\n    A[7] = 1.0\nend\ndrop!(buf, A)\n",
            // the Julia of issue 16: elementwise arithmetic, range slices, end, let, the ternary, nested for
            "buf = Buffer(100)\nA = alloc!(buf, 2, 3)\nB = alloc!(buf, 2, 3)\nfill!(A, 1.0)\nB .= A * 2 .+ A\n"
                    + "B .= -A + A\nB .+= 1\nC = A[2:end, :]\nx = A[end, 1] + C[1, end]\nlet y = 2\n    B[y, 3] = y\nend\n"
                    + "z = x > 1 ? A : 3\nfor i in 1:2, j in 1:3\n    A[i, j] = i * j\nend\ndrop!(buf, A, B)\n",
            // powers folded as constants, past 64 too
            "x = 2 ^ 70.0\ny = 1 ^ 100\nz = (-1) ^ 101\nw = 0 ^ 65\nprintln(x, y, z, w)\n",
            // a return before a statement that could not run
            "function f()\n    return 1\n    x = \"a\" + 1\nend\nprintln(f())\n",
            // return types: recursion (also mutual) gives an unknown value, never an error
            "function fact(n)\n    if n <= 1\n        return 1\n    end\n    return n * fact(n - 1)\nend\n"
                    + "x = fact(5) + 1\nbuf = Buffer(200)\nA = alloc!(buf, fact(3))\nA[6] = 1.0\ndrop!(buf, A)\n",
            "function even(k)\n    return k == 0 ? true : odd(k - 1)\nend\nfunction odd(k)\n"
                    + "    return k == 0 ? false : even(k - 1)\nend\nif even(4)\n    println(1)\nend\n",
            // a function that returns different types on its paths, and one that ends without return
            "function g(c)\n    if c\n        return 1\n    end\n    return \"one\"\nend\nprintln(g(true))\n"
                    + "function h(b)\n    x = 1\nend\ny = h(2)\nprintln(y)\n",
            // a function returning a tensor of its argument's size, indexed within it
            "buf = Buffer(100)\nfunction sq(b, k)\n    return alloc!(b, k, k + 1)\nend\nA = sq(buf, 3)\n"
                    + "A[3, 4] = 1.0\nx = size(A, 2)\nB = alloc!(buf, x)\nB[4] = 2.0\ndrop!(buf, B)\ndrop!(buf, A)\n",
            // a one-element backwards range is a slice of one
            "buf = Buffer(10)\nA = alloc!(buf, 4)\nB = A[3:-2:2]\nprintln(B[1])\ndrop!(buf, A)\n",
        };
        for (String s : scripts) {
            String text = s;
            assertEquals("", messages(text), text);
            BufScript script = BufScript.fromString("t.buf", text).forCommandLine();
            script.run(text.contains("flag") ? Map.of("flag", false) : Map.of(), new PrintStream(
                    new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), 1L);
        }
    }

    @Test
    void leavesTheRunItsOwnErrors() {
        // an overflowing power is the run's error (found by the fuzz test: folding it threw)
        assertEquals("", messages("x = 2 ^ 100\ny = 3 ^ 70\n"));
    }

    @Test
    void findsWhatMustFail() {
        // Julia's literal power: an integer to a negative literal power is a Float64
        finds("buf = Buffer(10)\nx = 2\nA = alloc!(buf, x^-1)\n", "dimension 1 must be an integer, not a Float64");
        assertEquals("", messages("buf = Buffer(10)\nx = 2\nA = alloc!(buf, x^2, Int(4 * 2^-1))\n"));
        finds("x = 3\nA = alloc!(x, 4)\n", "2:5 alloc!(x, 4): argument 1 must be a buffer, not Int64 3");
        finds("buf = Buffer(10)\nA = alloc!(buf, 2)\nB = alloc!(A, 2)\n",
                "argument 1 must be a buffer, not a tensor of size 2");
        finds("buf = Buffer(10)\nA = alloc!(buf, 2, 2)\nA[1, 2, 3] = 1.0\n", "takes 2 indices, not 3");
        // a Threads.@threads loop may not change the stack of a buffer made before it (the run's own words)
        finds("buf = Buffer(10)\nThreads.@threads for i in 1:2\n    B = alloc!(buf, i)\n    drop!(buf, B)\nend\n",
                "3:9 alloc!(buf, i): buf was made before this Threads.@threads loop");
        finds("buf = Buffer(10)\nThreads.@threads for i in 1:2\n    reset!(buf)\nend\n", "3:5 reset!(buf): buf was made");
        // ... nor a := whose new tensor comes from it (the run's rule, exec/Defines: the first tensor of
        // the first term), through a view too, nor a function given it or a tensor of it, however deep
        finds("buf = Buffer(100)\nA = alloc!(buf, 2, 2)\nThreads.@threads for t in 1:2\n"
                + "    @tensor C[i, k] := A[i, j] * A[j, k]\nend\n",
                "4:5 := would allocate C from buf, which was made before this Threads.@threads loop");
        finds("buf = Buffer(100)\nA = alloc!(buf, 3, 2)\nThreads.@threads for t in 1:2\n    own = Buffer(10)\n"
                + "    B = alloc!(own, 2)\n    V = A[2:end, :]\n    @tensor C[i] := 2 * V[i, j] * B[j] + B[i]\nend\n",
                "7:5 := would allocate C from buf, which");
        assertEquals("", messages("buf = Buffer(100)\nA = alloc!(buf, 2)\nThreads.@threads for t in 1:2\n"
                + "    own = Buffer(10)\n    B = alloc!(own, 2)\n    @tensor C[i] := (1 + 2) * B[i] + A[i]\n"
                + "    drop!(own, C, B)\nend\n"), "the first term's first tensor is B");
        finds("buf = Buffer(100)\nfunction work(b, n)\n    T = alloc!(b, n)\n    drop!(b, T)\nend\n"
                + "Threads.@threads for t in 1:4\n    work(buf, 8)\nend\n",
                "7:5 work(buf, 8) would change the stack of buf (alloc!(b, n), line 3), which was made before this"
                        + " Threads.@threads loop");
        finds("buf = Buffer(100)\nfunction f(b, X)\n    @tensor Y[i] := X[i]\n    return Y\nend\n"
                + "function g(b, Z)\n    return f(b, Z)\nend\nA = alloc!(buf, 2)\nThreads.@threads for t in 1:4\n"
                + "    own = Buffer(10)\n    Y = g(own, A)\nend\n",
                "12:9 g(own, A) would change the stack of buf (:= of Y, line 3)");
        finds("buf = Buffer(100)\nfunction make(b)\n    return alloc!(b, 2)\nend\nA = make(buf)\n"
                + "Threads.@threads for t in 1:4\n    @tensor C[i] := A[i]\nend\n", "7:5 := would allocate C from buf");
        // a function whose own threaded loop changes the stack of the buffer it is given: at the call
        finds("buf = Buffer(100)\nfunction outer(b, n)\n    Threads.@threads for t in 1:2\n        T = alloc!(b, n)\n"
                + "        drop!(b, T)\n    end\nend\nfunction twice(c)\n    outer(c, 2)\nend\ntwice(buf)\n",
                "11:1 twice(buf) runs a Threads.@threads loop (line 3) whose iterations would change the stack of buf"
                        + " (alloc!(b, n), line 4), which was made before this Threads.@threads loop");
        // ... and a Buffer the function makes before its loop: at the statement, once
        assertEquals("4:13 alloc!(b, 2): b was made before this Threads.@threads loop",
                messages("function f()\n    b = Buffer(10)\n    Threads.@threads for t in 1:2\n        T = alloc!(b, 2)\n"
                        + "    end\nend\nf()\n").replaceAll(", so its iterations.*", ""));
        // a dotted expression used as a value whose operand is a tensor: a new array (the run's own words)
        finds("buf = Buffer(10)\nA = alloc!(buf, 3)\nB = alloc!(buf, 3)\nx = maximum(abs.(A .- B))\n",
                "4:13 abs.(A .- B) would make a new array, and bufdsl allocates only from buffers; write it into a"
                        + " tensor: C .= abs.(A .- B)");
        finds("buf = Buffer(10)\nA = alloc!(buf, 3)\ny = sum(2 .* -A)\n", "3:11 2 .* -A would make a new array");
        finds("buf = Buffer(10)\nA = alloc!(buf, 2, 2)\nA[3, 1] = 1.0\n", "3:3 index 3 is out of bounds 1:2");
        finds("buf = Buffer(10)\nA = alloc!(buf, 100000, 100000, 100)\n", "larger than the largest buffer");
        finds("buf = Buffer(10)\nA = alloc!(bfu, 2)\n", "bfu is not defined; it is used as a buffer here, which"
                + " --var cannot give; did you mean `buf`?");
        // symbolic dimensions: the rank is known though the sizes are not
        finds("buf = Buffer(10)\nA = alloc!(buf, n, n)\nx = A[1, 2, 3]\n", "a tensor of size n×n takes 2 indices");
        // slices, range slices, constants carried through assignments and functions' bodies
        finds("buf = Buffer(10)\nA = alloc!(buf, 2, 2)\nB = A[:, 1]\nx = B[3]\n", "index 3 is out of bounds 1:2");
        finds("buf = Buffer(10)\nA = alloc!(buf, 4)\nx = A[2:5]\n", "index 2:5 is out of bounds 1:4");
        finds("function f()\n    return \"a\" * 2\nend\nf()\n", "cannot apply * to String \"a\" and Int64 2");
        finds("buf = Buffer(10)\nA = alloc!(buf, 2)\n@tensor C[i, j] := A[i] * A[j]\nx = C[1, 3]\n",
                "index 3 is out of bounds 1:2 in dimension 2");
        finds("buf = Buffer(10)\nA = alloc!(buf, 2)\n@tensor A[i, j] = A[i] * 2\n",
                "the output A has 1 dimension but 2 indices [i,j]");
        finds("b = Buffer(4)\nreset!(b)\nset_extendable!(b, 1)\n", "argument 2 must be true or false, not Int64 1");
        finds("t = ThreadsBuffer(4, 0)\n", "a ThreadsBuffer has 1 to 1024 buffers, not 0");
        finds("if 1 < 2 && 3\nend\n", "a condition must be true or false, not Int64 3");
        finds("buf = Buffer(10)\nA = alloc!(buf, 2, 3)\nx = A[end + 1, 1]\n", "index 3 is out of bounds 1:2");
        finds("x = 3\ny = x ? 1 : 2\n", "a condition must be true or false, not Int64 3");
        // a Float32 is a number of its own type, never a size
        finds("x = 1.5f0\ny = x * \"a\"\n", "cannot apply * to Float32 1.5f0 and String \"a\"");
        finds("buf = Buffer(10)\nA = alloc!(buf, 2f0 + 1)\n", "dimension 1 must be an integer, not a Float32");
        finds("x = sqrt(4f0)\ny = x * \"a\"\n", "cannot apply * to a Float32 and String \"a\"");
    }

    /** What the functions return flows to their calls: types, ranks and dimensions. */
    @Test
    void returnTypesOfFunctionsFlowToTheirCalls() {
        finds("buf = Buffer(10)\nfunction f(b)\n    return 3\nend\nx = f(buf)\ny = alloc!(x, 2)\n",
                "6:5 alloc!(x, 2): argument 1 must be a buffer, not Int64 3");
        finds("buf = Buffer(100)\nfunction make(b, k)\n    return alloc!(b, k, k + 1)\nend\nA = make(buf, 3)\n"
                + "A[4, 1] = 1.0\n", "6:3 index 4 is out of bounds 1:3 in dimension 1 of a tensor of size 3×4");
        finds("buf = Buffer(100)\nfunction make(b)\n    return alloc!(b, 2, 2)\nend\nA = make(buf)\nx = A[1, 2, 3]\n",
                "a tensor of size 2×2 takes 2 indices, not 3");
        // through a chain of calls, and a function whose last statement has no value gives nothing
        finds("function inner()\n    return \"s\"\nend\nfunction outer()\n    return inner()\nend\nx = outer() + 1\n",
                "cannot apply + to String \"s\" and Int64 1");
        finds("function h()\n    x = 1\n    println(x)\nend\ny = h() + 1\n", "cannot apply + to nothing and Int64 1");
        finds("function h()\n    for i in 1:2\n    end\nend\ny = h() + 1\n", "cannot apply + to nothing and Int64 1");
        // as in Julia, a function returns the value of its last statement: here a string
        finds("function h()\n    x = \"s\"\nend\ny = h() + 1\n", "cannot apply + to String \"s\" and Int64 1");
        // a recursive function's other returns still say what it is
        finds("function down(b, k)\n    if k == 0\n        return \"done\"\n    end\n    return down(b, k - 1)\nend\n"
                + "x = down(1, 3)\nif x\nend\n", "");
        assertEquals("", messages("function r(k)\n    return k == 0 ? 1 : r(k - 1) + 1\nend\n"
                + "buf = Buffer(10)\nA = alloc!(buf, r(3))\nA[9] = 1.0\n"), "recursion: unknown, no error");
    }

    /** Dimensions that are polynomials of free variables: decided where the difference is a number. */
    @Test
    void symbolicDimensionsAreCheckedWhereDecidable() {
        finds("buf = Buffer(10)\nA = alloc!(buf, n, n + 1)\nA[n + 2, 1] = 1.0\n",
                "index n + 2 is out of bounds 1:n in dimension 1 of a tensor of size n×(n + 1)");
        finds("buf = Buffer(10)\nA = alloc!(buf, n, n + 1)\nx = A[1, n + 2]\n",
                "index n + 2 is out of bounds 1:n + 1 in dimension 2");
        finds("buf = Buffer(10)\nB = alloc!(buf, 2 * n)\nB[2 * n + 1] = 1.0\n", "index 2n + 1 is out of bounds 1:2n");
        finds("buf = Buffer(10)\nC = alloc!(buf, n, m)\nC[n * m + 1] = 1.0\n", "index m*n + 1 is out of bounds 1:m*n");
        finds("buf = Buffer(10)\nA = alloc!(buf, n, n)\nD = A[2:end, :]\nD[n, 1] = 1.0\n",
                "index n is out of bounds 1:n - 1 in dimension 1 of a tensor of size (n - 1)×n");
        finds("buf = Buffer(10)\nA = alloc!(buf, n + 1)\nk = size(A, 1) + 1\nA[k] = 1.0\n", "index n + 2 is out of bounds");
        finds("buf = Buffer(10)\nA = alloc!(buf, n)\nx = A[n:n + 1]\n", "index n:n + 1 is out of bounds 1:n");
        // @tensor: an index over n on one tensor and n + 1 on another, at the second
        finds("buf = Buffer(10)\nA = alloc!(buf, n, n + 1)\nB = alloc!(buf, n, n)\n@tensor C[i, j] := A[i, k] * B[k, j]\n",
                "4:32 index k has dimension n + 1 on A but n on B");
        finds("buf = Buffer(10)\nA = alloc!(buf, n, n)\nC = alloc!(buf, n, n + 2)\n@tensor C[i, j] = A[i, k] * A[k, j]\n",
                "index j has dimension n on A but n + 2 on C");
        // undecidable: nothing said
        String[] quiet = {
            "buf = Buffer(10)\nA = alloc!(buf, n, m)\nB = alloc!(buf, m, n)\n@tensor C[i, j] := A[i, k] * B[k, j]\n"
                    + "D = alloc!(buf, n, 2)\n@tensor E[i, j] := D[i, k] * B[k, j]\n"
                    + "F = alloc!(buf, n, 2 * n)\nG = alloc!(buf, n, n)\n@tensor F[i, j] = G[i, k] * G[k, j]\n",
            "buf = Buffer(10)\nA = alloc!(buf, n, n + 1)\nA[n, n + 1] = 1.0\nx = A[5, 1]\n",
            "buf = Buffer(10)\nA = alloc!(buf, n)\nx = A[2 * n]\ny = A[m]\nz = A[2:n + 2]\n",
            "buf = Buffer(10)\nA = alloc!(buf, n, m)\nx = A[n * m]\ny = A[m, n]\nB = A[1:n, :]\nz = B[n, m]\n",
        };
        for (String q : quiet) {
            assertEquals("", messages(q), q);
        }
        assertEquals("n*m - 2", Sym.sub(Sym.mul(Sym.variable("n"), Sym.variable("m")), Sym.constant(2)).toString()
                .replace("m*n", "n*m"));
        assertEquals("n^2 + 2n + 1", Sym.mul(Sym.add(Sym.variable("n"), Sym.constant(1)),
                Sym.add(Sym.variable("n"), Sym.constant(1))).toString());
    }

    /** A second error from the same cause is left out; an erroneous value silences what follows from it. */
    @Test
    void aSecondErrorFromTheSameCauseIsLeftOut() {
        String found = messages("buf = Buffer(100)\nx = \"abc\"\nA = alloc!(buf, x)\nB = alloc!(buf, x)\n"
                + "y = x + 1\nA[1, 2, 3] = 1.0\nz = (x + 1) * 2\nC = alloc!(buf, 2, 2)\nC[1, 2, 3] = 2.0\n");
        assertEquals("3:5 alloc!(buf, x): dimension 1 must be an integer, not String \"abc\"\n"
                + "9:1 a tensor of size 2×2 takes 2 indices, not 3", found);
        // the same variable of another value is another cause
        assertEquals(2, errors("x = \"a\"\ny = x + 1\nx = \"b\"\nz = x + 1\n", Map.of(), true).size());
        // a name --var cannot give, used several times: once
        assertEquals(1, errors("A = alloc!(bfu, 2)\nB = alloc!(bfu, 3)\n", Map.of(), true).size());
    }

    /** @tensor index errors stand at the index they concern, from the violation and the tree's positions. */
    @Test
    void tensorIndexErrorsStandAtTheIndex() throws ScriptException {
        String dims = "buf = Buffer(100)\nA = alloc!(buf, 2, 3)\nB = alloc!(buf, 4, 2)\nC = alloc!(buf, 2, 2)\n";
        finds(dims + "@tensor C[i,k] = A[i,j] * B[j,k]\n", "5:29 index j has dimension 3 on A but 4 on B");
        finds(dims + "@tensor C[i,k] = A[i,j] * B[k,i]\n", "5:31 index i appears three times");
        finds(dims + "@tensor C[i,i] = A[i,j] * B[j,k]\n", "5:13 an index repeats on the output C: i,i");
        finds(dims + "@tensor C[i,k] = A[i,j,k]\n", "5:18 A has 2 dimensions but 3 indices [i,j,k]");
        finds(dims + "@tensor C[i,m] = A[i,j] * B[j,k]\n", "5:31 index k appears only once");
        finds(dims + "@tensor D[i,j] = A[i,k] * B[k,j]\n", "5:9 D is not defined; to create it here, write `:=`:"
                + " @tensor D[i,j] := ...");
        // in the run, where only the run knows the dimensions (a function's parameter): the same place
        String text = "buf = Buffer(100)\nfunction f(X, Y, Z)\n    @tensor Z[i,k] = X[i,j] * Y[j,k]\nend\n"
                + "A = alloc!(buf, 2, 3)\nB = alloc!(buf, 4, 2)\nC = alloc!(buf, 2, 2)\nf(A, B, C)\n";
        ScriptException e = org.junit.jupiter.api.Assertions.assertThrows(ScriptException.class,
                () -> BufScript.fromString("t.buf", text).run(Map.of(), new PrintStream(new ByteArrayOutputStream(),
                        true, StandardCharsets.UTF_8)));
        Problem p = e.problems().get(0);
        assertTrue(p.message().contains("index j has dimension 3 on"), p.message());
        assertEquals(3, p.line());
        assertEquals(33, p.column(), "at j of Y[j,k]: " + e.formatted());
    }

    /** Backwards slices are views as in Julia; their bounds are checked at both ends, their length known. */
    @Test
    void backwardsSlicesAreCheckedAtBothEnds() {
        finds("buf = Buffer(100)\nA = alloc!(buf, 4, 3)\nB = A[5:-1:1, :]\n",
                "3:7 index 5:-1:1 is out of bounds 1:4 in dimension 1");
        finds("buf = Buffer(100)\nA = alloc!(buf, 4)\nB = A[4:-2:0]\n", "index 4:-2:0 is out of bounds 1:4");
        finds("buf = Buffer(100)\nA = alloc!(buf, n)\nB = A[n + 1:-1:n]\n", "index n + 1:-1:n is out of bounds 1:n");
        finds("buf = Buffer(100)\nA = alloc!(buf, 4, 3)\nB = A[end:-1:1, :]\nx = B[5, 1]\n",
                "index 5 is out of bounds 1:4 in dimension 1 of a tensor of size 4×3");
        finds("buf = Buffer(100)\nA = alloc!(buf, 4)\nB = A[4:-2:1]\nx = B[3]\n", "index 3 is out of bounds 1:2");
        assertEquals("", messages("buf = Buffer(100)\nA = alloc!(buf, 4, 3)\nB = A[end:-1:1, 3:-1:1]\n"
                + "C = A[4:-3:1, :]\nx = B[4, 3] + C[2, 1]\nD = A[n:-1:1, :]\nE = A[1:-1:2, :]\n"));
    }

    @Test
    void freeVariablesGetTheirTypesFromTheirUses() throws ScriptException {
        BufScript s = BufScript.fromString("t.buf", "buf = Buffer(100)\nif small\n    A = alloc!(buf, n)\n"
                + "    drop!(buf, A)\nend\nx = scale * 2\nprintln(label)\n");
        assertEquals(Map.of("small", "Bool", "n", "Int", "scale", "Number", "label", "Any"), s.freeVariableTypes());
        ScriptException e = org.junit.jupiter.api.Assertions.assertThrows(ScriptException.class,
                () -> s.usage(Map.of("small", 1L, "n", 2L, "scale", 1.0, "label", 1L)));
        assertTrue(e.problems().get(0).message().contains("small is used as a condition at line 2, so it must be"
                + " true or false"), e.problems().toString());
        assertTrue(e.beforeRunning());
    }

    @Test
    void aJavaProgramMayBindABufferTheScriptDoesNotCreate() throws ScriptException {
        BufScript s = BufScript.fromString("k.buf", "A = alloc!(buf, n)\nA[n] = 1.0\ndrop!(buf, A)\n");
        assertEquals("Buffer", s.freeVariableTypes().get("buf"));
        assertEquals(3L, s.usage(Map.of("n", 3)).buffer("buf").peak());
        assertEquals(List.of(), s.check(Map.of("n", 3)));
        s.run(Map.of("n", 3, "buf", new Buffer(3)), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        // the command line cannot give it
        ScriptException e = org.junit.jupiter.api.Assertions.assertThrows(ScriptException.class,
                () -> s.forCommandLine().usage(Map.of("n", 3L)));
        assertTrue(e.problems().get(0).message().contains("which --var cannot give"));
        // through the API, errors of the types come back as problems of check
        List<Problem> problems = BufScript.fromString("k.buf", "buf = Buffer(4)\nA = alloc!(buf, 2)\nx = A[3]\n")
                .check(Map.of());
        assertEquals(1, problems.size());
        assertEquals(3, problems.get(0).line());
    }
}
