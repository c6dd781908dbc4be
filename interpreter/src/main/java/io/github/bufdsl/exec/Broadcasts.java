package io.github.bufdsl.exec;

import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.ExprPrinter;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.runtime.BufferException;
import io.github.bufdsl.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Julia's dot syntax ({@code C .= A .+ 2 .* B}, {@code C .= sqrt.(A)}, {@code C .= A + B}) as one
 * loop over the destination's elements: the right side is compiled once into a tree of operations
 * on numbers whose leaves (tensors, numbers) are evaluated once per statement, so no intermediate
 * array is made. An operand broadcasts as in Julia: each of its dimensions equals the
 * destination's or is 1 (missing trailing dimensions count as 1). Without a tensor among the
 * leaves the tree is evaluated once, on Julia's scalar values ({@code 2 .+ 3} is the Int 5).
 */
final class Broadcasts {
    private Broadcasts() {
    }

    /** A compiled elementwise expression: its leaves and the tree over them. */
    static final class Kernel {
        final Compiler.Eval[] leaves;
        final Expr[] leafExprs;
        final Node root;
        final Expr source;

        Kernel(Compiler.Eval[] leaves, Expr[] leafExprs, Node root, Expr source) {
            this.leaves = leaves;
            this.leafExprs = leafExprs;
            this.root = root;
            this.source = source;
        }
    }

    /** One operation of the tree. */
    abstract static class Node {
        final Pos pos;

        Node(Pos pos) {
            this.pos = pos;
        }

        /** The value for one element: tensor leaves read at it, number leaves as given. */
        abstract double at(double[] leafValues, Ctx c);

        /** The value when every leaf is a number, with Julia's types (Int stays Int). */
        abstract Value scalar(Value[] leafValues, Ctx c);

        /** The leaves' shapes combined (null for a number); checks Julia's rules of the operation. */
        abstract int[] shape(int[][] leafShapes);
    }

    static final class Leaf extends Node {
        final int index;

        Leaf(Pos pos, int index) {
            super(pos);
            this.index = index;
        }

        double at(double[] v, Ctx c) {
            return v[index];
        }

        Value scalar(Value[] v, Ctx c) {
            return v[index];
        }

        int[] shape(int[][] s) {
            return s[index];
        }
    }

    static final class Neg extends Node {
        final Node operand;

        Neg(Pos pos, Node operand) {
            super(pos);
            this.operand = operand;
        }

        double at(double[] v, Ctx c) {
            return -operand.at(v, c);
        }

        Value scalar(Value[] v, Ctx c) {
            return Interpreter.unary(new Expr.Unary(pos, Expr.UnOp.NEG, new Expr.IntLit(pos, 0)), operand.scalar(v, c));
        }

        int[] shape(int[][] s) {
            return operand.shape(s);
        }
    }

    /** {@code a op b}; {@code dotted} for {@code .+} and the like, else Julia's rules for arrays. */
    static final class Op extends Node {
        final Expr.BinOp op;
        final boolean dotted;
        final Node left;
        final Node right;

        /** The k of {@code x ^ k} or {@code x .^ k} with k an integer literal ({@link Expr.Binary#literalExponent}). */
        final Long literalExponent;

        Op(Pos pos, Expr.BinOp op, boolean dotted, Node left, Node right, Long literalExponent) {
            super(pos);
            this.literalExponent = literalExponent;
            this.op = op;
            this.dotted = dotted;
            this.left = left;
            this.right = right;
        }

        double at(double[] v, Ctx c) {
            double x = left.at(v, c);
            double y = right.at(v, c);
            return switch (op) {
                case ADD -> x + y;
                case SUB -> x - y;
                case MUL -> x * y;
                case DIV -> x / y;
                case REM -> x % y;
                default -> Arith.power(x, y, NumType.FLOAT64);
            };
        }

        Value scalar(Value[] v, Ctx c) {
            try {
                if (literalExponent != null) { // 2 .^ -1: Julia's literal power, element by element
                    return Arith.literalPower(left.scalar(v, c), literalExponent);
                }
                return Arith.binary(op, left.scalar(v, c), right.scalar(v, c));
            } catch (ScriptError e) {
                throw e.at(pos);
            }
        }

        int[] shape(int[][] s) {
            int[] a = left.shape(s);
            int[] b = right.shape(s);
            if (a == null || b == null || dotted) {
                return a == null ? b : b == null ? a : broadcastShape(pos, a, b);
            }
            String sym = op.symbol();
            switch (op) {
                case ADD, SUB:
                    if (!Arrays.equals(a, b)) {
                        throw new ScriptError(pos, "`" + sym + "` needs tensors of the same size, not "
                                + shapeText(a) + " and " + shapeText(b) + "; `." + sym + "` broadcasts");
                    }
                    return a;
                case MUL:
                    throw new ScriptError(pos, "`*` of two tensors is a matrix product, which bufdsl writes as"
                            + " @tensor C[i,k] = A[i,j] * B[j,k]; `.*` multiplies element by element");
                default:
                    throw new ScriptError(pos, "`" + sym + "` of two tensors is not elementwise; write `." + sym + "`");
            }
        }
    }

    /** {@code f.(args...)}: a builtin or a function of the script, called on each element. */
    static final class Fn extends Node {
        final String name;
        final Node[] args;
        final Compiler.CallSite site;
        final Interpreter interp;
        final boolean user;

        Fn(Pos pos, String name, Node[] args, Compiler.CallSite site, Interpreter interp, boolean user) {
            super(pos);
            this.name = name;
            this.args = args;
            this.site = site;
            this.interp = interp;
            this.user = user;
        }

        double at(double[] v, Ctx c) {
            if (args.length == 1 && !user) {
                double x = args[0].at(v, c);
                switch (name) {
                    case "abs":
                        return Math.abs(x);
                    case "exp":
                        return Math.exp(x);
                    case "sqrt":
                        if (x >= 0) {
                            return Math.sqrt(x);
                        }
                        break;
                    default:
                        break;
                }
            }
            Value[] values = new Value[args.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = new Value.Float(args[i].at(v, c));
            }
            Value r = call(values, c);
            if (!Arith.isNumber(r)) {
                throw new ScriptError(pos, name + ".(...) gave " + Arith.describe(r) + " for an element; a tensor"
                        + " holds numbers");
            }
            return Arith.asDouble(r);
        }

        Value scalar(Value[] v, Ctx c) {
            Value[] values = new Value[args.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = args[i].scalar(v, c);
            }
            return call(values, c);
        }

        private Value call(Value[] values, Ctx c) {
            try {
                if (user) {
                    return interp.callUser(c, name, values, pos);
                }
                return site.impl().call(new Builtin.Call(c, site, Arrays.asList(values), Map.of(), List.of()));
            } catch (ScriptError err) {
                throw err.pos() != null ? err : new ScriptError(pos, name + ".(...): " + err.getMessage());
            }
        }

        int[] shape(int[][] s) {
            int[] out = null;
            for (Node a : args) {
                int[] x = a.shape(s);
                out = out == null ? x : x == null ? out : broadcastShape(pos, out, x);
            }
            return out;
        }
    }

    /** Compiles the right side of {@code .=} (or any dotted expression). */
    static Kernel compile(ExprCompiler compiler, Interpreter interp, Expr e) {
        List<Compiler.Eval> leaves = new ArrayList<>();
        List<Expr> leafExprs = new ArrayList<>();
        Node root = node(compiler, interp, e, leaves, leafExprs);
        return new Kernel(leaves.toArray(new Compiler.Eval[0]), leafExprs.toArray(new Expr[0]), root, e);
    }

    private static Node node(ExprCompiler compiler, Interpreter interp, Expr e, List<Compiler.Eval> leaves,
            List<Expr> leafExprs) {
        if (e instanceof Expr.Broadcast b) {
            Node[] args = new Node[b.args().size()];
            for (int i = 0; i < args.length; i++) {
                args[i] = node(compiler, interp, b.args().get(i), leaves, leafExprs);
            }
            if (b.isOperator()) {
                Expr.BinOp op = Expr.BinOp.of(b.op());
                return new Op(b.pos(), op, true, args[0], args[1],
                        new Expr.Binary(b.pos(), op, b.args().get(0), b.args().get(1)).literalExponent());
            }
            boolean user = interp.isUserFunction(b.op());
            Expr.Call call = new Expr.Call(b.pos(), new Expr.Name(b.pos(), b.op()), b.args(), List.of());
            Compiler.CallSite site = user ? null : new Compiler.CallSite(call, interp.builtin(b.op()));
            return new Fn(b.pos(), b.op(), args, site, interp, user);
        }
        if (Dotted.isElementwise(e) && e instanceof Expr.Binary b) {
            return new Op(b.pos(), b.op(), false, node(compiler, interp, b.left(), leaves, leafExprs),
                    node(compiler, interp, b.right(), leaves, leafExprs), b.literalExponent());
        }
        if (Dotted.isElementwise(e) && e instanceof Expr.Unary u) {
            return new Neg(u.pos(), node(compiler, interp, u.operand(), leaves, leafExprs));
        }
        leaves.add(compiler.expr(e));
        leafExprs.add(e);
        return new Leaf(e.pos(), leaves.size() - 1);
    }

    /** The value of a dotted expression used as a value: a number; a tensor result would be a new array. */
    static Value value(Kernel k, Ctx c) {
        Value[] values = evalLeaves(k, c);
        for (Value v : values) {
            if (v instanceof Value.TensorValue) {
                throw new ScriptError(k.source.pos(), Dotted.newArray(k.source));
            }
        }
        checkNumbers(k, values);
        return k.root.scalar(values, c);
    }

    private static Value[] evalLeaves(Kernel k, Ctx c) {
        Value[] values = new Value[k.leaves.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = k.leaves[i].eval(c);
        }
        return values;
    }

    private static void checkNumbers(Kernel k, Value[] values) {
        for (int i = 0; i < values.length; i++) {
            Value v = values[i];
            if (!Arith.isNumber(v) && !(v instanceof Value.TensorValue)) {
                throw new ScriptError(k.leafExprs[i].pos(), "cannot broadcast " + Arith.describe(v)
                        + "; elementwise operations take tensors and numbers");
            }
        }
    }

    /** {@code dst .= kernel}: one loop over dst's elements, no intermediate array. */
    static void assign(Kernel k, Expr target, Value dstValue, Ctx c) {
        if (!(dstValue instanceof Value.TensorValue tv)) {
            throw new ScriptError(target.pos(), "`.=` assigns into a tensor, not " + Arith.describe(dstValue));
        }
        Tensor dst = tv.tensor();
        Value[] values = evalLeaves(k, c);
        checkNumbers(k, values);
        int n = values.length;
        int[][] shapes = new int[n][];
        Tensor[] tensors = new Tensor[n];
        boolean any = false;
        for (int i = 0; i < n; i++) {
            if (values[i] instanceof Value.TensorValue t) {
                tensors[i] = t.tensor();
                shapes[i] = t.tensor().dims();
                any = true;
            }
        }
        if (!any) {
            Value v = k.root.scalar(values, c);
            if (!Arith.isNumber(v)) {
                throw new ScriptError(k.source.pos(), "cannot broadcast " + Arith.describe(v) + " into a tensor");
            }
            dst.fill(TensorElements.stored(dst, v));
            return;
        }
        int[] result = k.root.shape(shapes);
        int[] dims = dst.dims();
        if (!fits(result, dims)) {
            throw new ScriptError(target.pos(), "`.=` needs the right side to fit the size of the left: "
                    + shapeText(dims) + " and " + shapeText(result));
        }
        double[] leaf = new double[n];
        boolean same = true;
        // with a Float32 among the operands, each element is computed on Julia's values (Arith: Float32
        // arithmetic rounds every operation); Float64 and Int operands only take the loop over doubles
        Tensor[] typed = null;
        for (int i = 0; i < n; i++) {
            if (values[i] instanceof Value.Float32 || tensors[i] != null
                    && tensors[i].buffer().elementType() == io.github.bufdsl.runtime.ElementType.FLOAT32) {
                typed = tensors.clone();
            }
        }
        for (int i = 0; i < n; i++) {
            if (tensors[i] == null) {
                leaf[i] = Arith.asDouble(values[i]);
                continue;
            }
            if (tensors[i].mightAlias(dst)) { // Julia copies such an operand first too (unaliascopy)
                tensors[i] = Tensor.of(tensors[i].toArray(), toLong(tensors[i].dims()));
            }
            same &= Arrays.equals(tensors[i].dims(), dims);
        }
        try {
            long total = dst.length();
            if (same) {
                for (long e = 0; e < total; e++) {
                    for (int i = 0; i < n; i++) {
                        if (tensors[i] != null) {
                            leaf[i] = tensors[i].getLinear(e);
                        }
                    }
                    dst.setLinear(e, typed == null ? k.root.at(leaf, c) : typedAt(k, values, typed, leaf, dst, c));
                }
                return;
            }
            int rank = dims.length;
            int[] idx = new int[rank];
            int[][] own = new int[n][];
            for (int i = 0; i < n; i++) {
                if (tensors[i] != null) {
                    own[i] = new int[tensors[i].rank()];
                }
            }
            for (long e = 0; e < total; e++) {
                for (int i = 0; i < n; i++) {
                    if (tensors[i] != null) {
                        int[] d = shapes[i];
                        for (int r = 0; r < own[i].length; r++) {
                            own[i][r] = r < rank && d[r] != 1 ? idx[r] : 0;
                        }
                        leaf[i] = own[i].length == 0 ? tensors[i].getLinear(0) : tensors[i].get(own[i]);
                    }
                }
                dst.set(typed == null ? k.root.at(leaf, c) : typedAt(k, values, typed, leaf, dst, c), idx);
                for (int r = 0; r < rank && ++idx[r] == dims[r]; r++) {
                    idx[r] = 0;
                }
            }
        } catch (BufferException err) {
            throw new ScriptError(target.pos(), err.getMessage());
        }
    }

    /**
     * One element computed on Julia's values: the tensor operands' elements of their own element
     * types ({@code typed}: the operands as given, before any copy), numbers as given, the result
     * converted to the destination's element type.
     */
    private static double typedAt(Kernel k, Value[] values, Tensor[] typed, double[] leaf, Tensor dst, Ctx c) {
        Value[] element = values.clone();
        for (int i = 0; i < element.length; i++) {
            if (typed[i] != null) {
                element[i] = TensorElements.read(typed[i], leaf[i]);
            }
        }
        Value r = k.root.scalar(element, c);
        if (!Arith.isNumber(r)) {
            throw new ScriptError(k.source.pos(), "an element of the right side is " + Arith.describe(r)
                    + "; a tensor holds numbers");
        }
        return TensorElements.stored(dst, r);
    }

    private static long[] toLong(int[] dims) {
        long[] out = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = dims[i];
        }
        return out;
    }

    /** Julia's broadcast of two shapes: each dimension equal, or 1 on one side. */
    static int[] broadcastShape(Pos pos, int[] a, int[] b) {
        int[] out = new int[Math.max(a.length, b.length)];
        for (int i = 0; i < out.length; i++) {
            int x = i < a.length ? a[i] : 1;
            int y = i < b.length ? b[i] : 1;
            if (x != y && x != 1 && y != 1) {
                throw new ScriptError(pos, "cannot broadcast sizes " + shapeText(a) + " and " + shapeText(b)
                        + " together: dimension " + (i + 1) + " is " + x + " and " + y);
            }
            out[i] = x == 1 ? y : x;
        }
        return out;
    }

    /** Whether a result of shape {@code r} broadcasts into a destination of shape {@code d}. */
    private static boolean fits(int[] r, int[] d) {
        for (int i = 0; i < Math.max(r.length, d.length); i++) {
            int x = i < r.length ? r[i] : 1;
            int y = i < d.length ? d[i] : 1;
            if (x != y && x != 1) {
                return false;
            }
        }
        return true;
    }

    static String shapeText(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            sb.append(i > 0 ? "×" : "").append(dims[i]);
        }
        return dims.length == 0 ? "()" : sb.toString();
    }
}
