package io.github.bufdsl.parse;

import io.github.bufdsl.ast.AssignOp;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.ExprPrinter;
import io.github.bufdsl.ast.ImplicitReturn;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.ast.TensorExpr;
import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.grammar.BufDslBaseVisitor;
import io.github.bufdsl.grammar.BufDslLexer;
import io.github.bufdsl.grammar.BufDslParser;
import io.github.bufdsl.grammar.BufDslParser.*;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.Interval;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Builds the immutable AST from a parse tree. Checks what the grammar leaves open (what may be
 * assigned to, how a macro is used) and reports those as diagnostics; nesting deeper than
 * {@link #MAX_DEPTH} is a diagnostic too, not a stack overflow.
 */
final class AstBuilder {
    static final int MAX_DEPTH = 500;

    private final List<Diagnostic> diagnostics;
    /** Blocks and expressions are counted apart, so a diagnostic names what nests too deeply. */
    private int blockDepth;
    private int exprDepth;
    /** Whether {@code using Base.Threads} came before: then {@code @threads} is Threads.@threads. */
    private boolean threadsImported;
    /** The tensors being indexed, innermost last: what {@code end} in an index refers to. */
    private final java.util.ArrayDeque<Expr> indexed = new java.util.ArrayDeque<>();
    private final java.util.ArrayDeque<int[]> indexAt = new java.util.ArrayDeque<>();

    AstBuilder(List<Diagnostic> diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** Signals a construct that cannot be built; the diagnostic is already recorded. */
    private static final class BuildError extends RuntimeException {
        BuildError() {
            super(null, null, false, false);
        }
    }

    private BuildError error(Pos pos, String message) {
        diagnostics.add(Diagnostic.error(pos, message));
        return new BuildError();
    }

    static Pos pos(ParserRuleContext ctx) {
        Token start = ctx.getStart();
        Token stop = ctx.getStop();
        int length = stop == null || stop.getStopIndex() < start.getStartIndex()
                ? 1 : stop.getStopIndex() - start.getStartIndex() + 1;
        if (stop != null && stop.getLine() != start.getLine()) {
            length = Math.max(1, start.getText() == null ? 1 : start.getText().length());
        }
        return new Pos(start.getLine(), start.getCharPositionInLine() + 1, length);
    }

    static Pos pos(Token t) {
        int length = t.getStopIndex() >= t.getStartIndex() && t.getStartIndex() >= 0
                ? t.getStopIndex() - t.getStartIndex() + 1 : t.getText() == null ? 1 : t.getText().length();
        return new Pos(t.getLine(), t.getCharPositionInLine() + 1, Math.max(1, length));
    }

    // ------------------------------------------------------------------ statements

    List<Stmt> program(ProgramContext ctx) {
        return statements(ctx.statement());
    }

    /** One top-level statement, added to {@code out} (nothing when it has errors; they are recorded). */
    void topLevel(StatementContext ctx, List<Stmt> out) {
        try {
            out.add(statement(ctx));
        } catch (BuildError e) {
            // recorded; go on to find more errors
        }
    }

    private List<Stmt> block(BlockContext ctx) {
        return statements(ctx.statement());
    }

    private List<Stmt> statements(List<StatementContext> list) {
        List<Stmt> out = new ArrayList<>();
        for (StatementContext s : list) {
            try {
                out.add(statement(s));
            } catch (BuildError e) {
                // recorded; go on to find more errors
            }
        }
        return out;
    }

    private Stmt statement(StatementContext ctx) {
        if (++blockDepth > MAX_DEPTH) {
            blockDepth = 0;
            throw error(pos(ctx), "the script nests blocks deeper than " + MAX_DEPTH + " levels");
        }
        try {
            return statements.visit(ctx);
        } finally {
            blockDepth--;
        }
    }

    private final BufDslBaseVisitor<Stmt> statements = new BufDslBaseVisitor<>() {
        @Override
        public Stmt visitUsingStmt(UsingStmtContext ctx) {
            List<String> modules = ctx.modulePath().stream().map(m -> m.getText()).toList();
            for (String m : modules) {
                if (m.equals("Base.Threads") || m.endsWith(".Threads") || m.equals("Threads")) {
                    threadsImported = true;
                }
            }
            return new Stmt.Using(pos(ctx), modules);
        }

        @Override
        public Stmt visitLetStmt(LetStmtContext ctx) {
            List<Stmt> body = new ArrayList<>();
            for (LetBindingContext b : ctx.letBinding()) {
                if (b.expr() == null) {
                    throw error(pos(b), "a let binding needs a value in bufdsl: let " + b.name().getText() + " = value");
                }
                Expr.Name n = new Expr.Name(pos(b.name()), b.name().getText());
                body.add(new Stmt.Assign(n.pos(), List.of(n), AssignOp.SET, expr(b.expr())));
            }
            Pos p = pos(ctx.getStart());
            body.add(new Stmt.Block(p, block(ctx.block())));
            return new Stmt.Block(p, body, true);
        }

        @Override
        public Stmt visitConstStmt(ConstStmtContext ctx) {
            Expr.Name n = new Expr.Name(pos(ctx.name()), ctx.name().getText());
            return new Stmt.Assign(n.pos(), List.of(n), AssignOp.SET, expr(ctx.expr()));
        }

        @Override
        public Stmt visitPassMacroStmt(PassMacroStmtContext ctx) {
            return statement(ctx.statement());
        }

        @Override
        public Stmt visitIfStmt(IfStmtContext ctx) {
            List<Stmt.Branch> branches = new ArrayList<>();
            for (int i = 0; i < ctx.expr().size(); i++) {
                ExprContext c = ctx.expr(i);
                branches.add(new Stmt.Branch(pos(c), expr(c), block(ctx.block(i))));
            }
            List<Stmt> elseBody = ctx.block().size() > ctx.expr().size()
                    ? block(ctx.block(ctx.block().size() - 1)) : null;
            return new Stmt.If(pos(ctx.getStart()), branches, elseBody);
        }

        @Override
        public Stmt visitForStmt(ForStmtContext ctx) {
            return forLoop(ctx.forLoop(), false);
        }

        @Override
        public Stmt visitWhileStmt(WhileStmtContext ctx) {
            return new Stmt.While(pos(ctx.getStart()), expr(ctx.expr()), block(ctx.block()));
        }

        @Override
        public Stmt visitBeginStmt(BeginStmtContext ctx) {
            return new Stmt.Block(pos(ctx.getStart()), block(ctx.block()));
        }

        @Override
        public Stmt visitFunctionStmt(FunctionStmtContext ctx) {
            List<Stmt.Param> params = new ArrayList<>();
            for (ParamContext p : ctx.param()) {
                params.add(new Stmt.Param(pos(p), p.getText()));
            }
            return new Stmt.Function(pos(ctx.name()), ctx.name().getStart().getText(), params,
                    ImplicitReturn.of(block(ctx.block())));
        }

        @Override
        public Stmt visitReturnStmt(ReturnStmtContext ctx) {
            return new Stmt.Return(pos(ctx.getStart()), exprList(ctx, ctx.expr()));
        }

        @Override
        public Stmt visitBreakStmt(BreakStmtContext ctx) {
            return new Stmt.Break(pos(ctx));
        }

        @Override
        public Stmt visitContinueStmt(ContinueStmtContext ctx) {
            return new Stmt.Continue(pos(ctx));
        }

        @Override
        public Stmt visitMacroStmt(MacroStmtContext ctx) {
            return macro(ctx);
        }

        @Override
        public Stmt visitAssignStmt(AssignStmtContext ctx) {
            String opText = ctx.assignOp().getText();
            if (opText.length() == 3 && opText.startsWith(".")) {
                return dottedUpdate(ctx, opText.substring(1, 2));
            }
            if (opText.equals("\u00F7=") || opText.equals("^=") || opText.equals("%=")) {
                return updating(ctx, opText.substring(0, 1));
            }
            AssignOp op = AssignOp.of(opText);
            int nTargets = ctx.expr().size();
            // targets are the expressions before the operator
            int opIndex = ctx.assignOp().getStart().getTokenIndex();
            List<ExprContext> left = new ArrayList<>();
            List<ExprContext> right = new ArrayList<>();
            for (ExprContext e : ctx.expr()) {
                (e.getStart().getTokenIndex() < opIndex ? left : right).add(e);
            }
            Pos p = pos(left.get(0));
            if (left.size() == 1 && left.get(0) instanceof CallExprContext call && op == AssignOp.SET) {
                return shortFunction(ctx, call, right);
            }
            List<Expr> targets = new ArrayList<>();
            for (ExprContext e : left) {
                targets.add(target(expr(e), op, left.size() > 1));
            }
            if (op == AssignOp.DEFINE) {
                throw error(p, "`:=` is only for `@tensor`; use `=` to assign a variable");
            }
            if (targets.size() > 1 && op != AssignOp.SET) {
                throw error(p, "only `=` can assign several variables at once");
            }
            Expr value = right.size() == 1 ? expr(right.get(0))
                    : new Expr.Tuple(pos(right.get(0)), right.stream().map(AstBuilder.this::expr).toList());
            assert nTargets == left.size() + right.size();
            return new Stmt.Assign(p, targets, op, value);
        }

        /**
         * {@code cond && return x} is {@code if cond return x else false end} ({@code ||}: on !cond, else
         * true), so that as a function's last statement it gives what Julia's gives.
         */
        @Override
        public Stmt visitShortCircuitStmt(ShortCircuitStmtContext ctx) {
            boolean and = ctx.op.getText().equals("&&");
            Pos p = pos(ctx.op);
            Expr condition = expr(ctx.expr());
            JumpContext j = ctx.jump();
            Stmt jump = j instanceof ReturnJumpContext r ? new Stmt.Return(pos(r.getStart()), exprList(r, r.expr()))
                    : j instanceof BreakJumpContext ? new Stmt.Break(pos(j)) : new Stmt.Continue(pos(j));
            return new Stmt.If(p, List.of(new Stmt.Branch(p, and ? condition : new Expr.Unary(p, Expr.UnOp.NOT,
                    condition), List.of(jump))), List.of(new Stmt.ExprStmt(p, new Expr.BoolLit(p, !and))));
        }

        @Override
        public Stmt visitExprStmt(ExprStmtContext ctx) {
            return new Stmt.ExprStmt(pos(ctx), expr(ctx.expr()));
        }
    };

    /** {@code x ÷= y}, {@code x ^= y}, {@code x %= y} are {@code x = x ÷ y} and so on, as in Julia. */
    private Stmt updating(AssignStmtContext ctx, String op) {
        if (ctx.expr().size() != 2) {
            throw error(pos(ctx.expr(0)), "only `=` can assign several variables at once");
        }
        Expr target = target(expr(ctx.expr(0)), AssignOp.SET, false);
        return new Stmt.Assign(target.pos(), List.of(target), AssignOp.SET,
                binary(ctx, op, ctx.expr(0), ctx.expr(1)));
    }

    /** {@code A .+= B} is {@code A .= A .+ B}, as in Julia. */
    private Stmt dottedUpdate(AssignStmtContext ctx, String op) {
        if (ctx.expr().size() != 2) {
            throw error(pos(ctx.expr(0)), "only `=` can assign several variables at once");
        }
        Expr target = target(expr(ctx.expr(0)), AssignOp.BROADCAST, false);
        Expr value = expr(ctx.expr(1));
        return new Stmt.Assign(target.pos(), List.of(target), AssignOp.BROADCAST,
                new Expr.Broadcast(pos(ctx.assignOp()), op, List.of(target, value)));
    }

    private Stmt shortFunction(AssignStmtContext ctx, CallExprContext call, List<ExprContext> right) {
        Expr callee = expr(call.expr());
        if (!(callee instanceof Expr.Name name)) {
            throw error(pos(call), "cannot assign to a call");
        }
        List<Stmt.Param> params = new ArrayList<>();
        if (call.callArgs() != null) {
            for (ArgumentContext a : call.callArgs().argument()) {
                if (a.expr() == null || !(expr(a.expr()) instanceof Expr.Name p)) {
                    throw error(pos(a), "a parameter of " + name.name() + " must be a plain name");
                }
                params.add(new Stmt.Param(p.pos(), p.name()));
            }
            if (!call.callArgs().keywordArg().isEmpty()) {
                throw error(pos(call), "keyword parameters are not supported in function definitions");
            }
        }
        Expr value = right.size() == 1 ? expr(right.get(0))
                : new Expr.Tuple(pos(right.get(0)), right.stream().map(this::expr).toList());
        return new Stmt.Function(name.pos(), name.name(), params, List.of(new Stmt.Return(value.pos(), value)));
    }

    private Expr target(Expr e, AssignOp op, boolean several) {
        if (e instanceof Expr.Name) {
            return e;
        }
        if (e instanceof Expr.Index ix && !several) {
            for (Expr i : ix.indices()) {
                if ((i instanceof Expr.Colon || i instanceof Expr.Range) && op != AssignOp.BROADCAST) {
                    throw error(i.pos(), "assigning to a slice needs `.=`, as in Julia: "
                            + ExprPrinter.print(ix) + " .= x");
                }
            }
            return e;
        }
        throw error(e.pos(), "cannot assign to this expression; the left of `" + op.symbol()
                + "` must be a variable or an indexed element (A[i, j])");
    }

    /** {@code for i in 1:n, j in 1:m}: a loop over j inside a loop over i; break leaves both, as in Julia. */
    private Stmt.For forLoop(ForLoopContext ctx, boolean threaded) {
        List<ForSpecContext> specs = ctx.forSpec();
        if (threaded && specs.size() > 1) {
            throw error(pos(specs.get(1)), "Threads.@threads takes one loop variable (nested outer loops are not"
                    + " supported, as in Julia): Threads.@threads for k in 1:n ... end");
        }
        List<Expr> iterables = new ArrayList<>();
        for (ForSpecContext spec : specs) {
            iterables.add(expr(spec.expr()));
        }
        List<Stmt> body = block(ctx.block());
        for (int k = specs.size() - 1; k > 0; k--) {
            ForSpecContext spec = specs.get(k);
            body = List.of(new Stmt.For(pos(spec), spec.name().getText(), iterables.get(k), body, false, true));
        }
        return new Stmt.For(pos(ctx.getStart()), specs.get(0).name().getStart().getText(), iterables.get(0), body,
                threaded);
    }

    private Expr exprList(ParserRuleContext owner, List<ExprContext> list) {
        if (list.isEmpty()) {
            return null;
        }
        if (list.size() == 1) {
            return expr(list.get(0));
        }
        return new Expr.Tuple(pos(list.get(0)), list.stream().map(this::expr).toList());
    }

    // ------------------------------------------------------------------ macros

    private Stmt macro(MacroStmtContext ctx) {
        String name = ctx.MACRO().getText();
        Pos p = pos(ctx.MACRO().getSymbol());
        List<MacroArgContext> args = ctx.macroArg();
        switch (name) {
            case "@tensor", "@tensoropt":
                return tensor(p, name, args);
            case "@show": {
                if (args.size() != 1 || !(args.get(0) instanceof MacroExprArgContext a) || a.assignOp() != null) {
                    throw error(p, "@show takes one expression: @show x");
                }
                return new Stmt.Show(p, expr(a.expr(0)), text(a.expr(0)));
            }
            case "@assert":
                return assertion(p, args);
            case "@print_buffer_usage":
                return printBufferUsage(p, args);
            case "@buffer":
                return bufferScope(p, args, false);
            case "@threadsbuffer":
                return bufferScope(p, args, true);
            case "Threads.@threads": {
                if (args.size() != 1 || !(args.get(0) instanceof MacroForArgContext f)) {
                    throw error(p, "Threads.@threads takes a for loop: Threads.@threads for k in 1:n ... end");
                }
                return forLoop(f.forLoop(), true);
            }
            case "@threads": {
                if (!threadsImported) {
                    throw error(p, "@threads is not defined: write `using Base.Threads` before it, or"
                            + " Threads.@threads");
                }
                if (args.size() != 1 || !(args.get(0) instanceof MacroForArgContext f)) {
                    throw error(p, "@threads takes a for loop: @threads for k in 1:n ... end");
                }
                return forLoop(f.forLoop(), true);
            }
            default:
                throw error(p, "the macro " + name + " is not supported in bufdsl; the macros are @tensor,"
                        + " @tensoropt, @show, @assert, @print_buffer_usage, @buffer, @threadsbuffer, Threads.@threads"
                        + " (@threads after `using Base.Threads`), and @inbounds, @views, @simd, which change"
                        + " nothing here");
        }
    }

    /**
     * {@code @assert cond} and {@code @assert cond message}, as Julia's: when the condition is false
     * the run stops with "AssertionError: " and the message (the condition as written when there is
     * none). It is read as {@code if !(cond) error("AssertionError: ", message) end}, so that every
     * pass gives it the meaning of those two.
     */
    private Stmt assertion(Pos p, List<MacroArgContext> args) {
        String usage = "@assert takes a condition and, if you like, a message: @assert n > 0 \"n must be positive\"";
        if (args.isEmpty() || args.size() > 2) {
            throw error(p, usage);
        }
        List<Expr> parts = new ArrayList<>();
        for (MacroArgContext a : args) {
            if (!(a instanceof MacroExprArgContext e) || e.assignOp() != null) {
                throw error(pos(a), usage);
            }
            parts.add(expr(e.expr(0)));
        }
        Expr message = parts.size() == 2 ? parts.get(1)
                : new Expr.StrLit(p, text(((MacroExprArgContext) args.get(0)).expr(0)));
        Expr fail = new Expr.Call(p, new Expr.Name(p, "error"),
                List.of(new Expr.StrLit(p, "AssertionError: "), message), List.of());
        Expr failed = new Expr.Unary(parts.get(0).pos(), Expr.UnOp.NOT, parts.get(0));
        return new Stmt.If(p, List.of(new Stmt.Branch(p, failed, List.of(new Stmt.ExprStmt(p, fail)))), null);
    }

    private Stmt bufferScope(Pos p, List<MacroArgContext> args, boolean threads) {
        String usage = threads ? "@threadsbuffer takes pools and a block: @threadsbuffer tbuf(1000) begin ... end"
                : "@buffer takes buffers and a block: @buffer buf1(1000) buf2(Float32, 200) begin ... end";
        if (args.size() < 2 || !(args.get(args.size() - 1) instanceof MacroBlockArgContext body)) {
            throw error(p, usage);
        }
        List<Stmt.ScopedBuffer> buffers = new ArrayList<>();
        for (MacroArgContext a : args.subList(0, args.size() - 1)) {
            if (!(a instanceof MacroExprArgContext e) || e.assignOp() != null
                    || !(expr(e.expr(0)) instanceof Expr.Call c) || !(c.callee() instanceof Expr.Name n)
                    || c.args().isEmpty() || c.args().size() > 2 || !c.kwargs().isEmpty()) {
                throw error(pos(a), usage);
            }
            Expr type = c.args().size() == 2 ? c.args().get(0) : null;
            buffers.add(new Stmt.ScopedBuffer(n.pos(), n.name(), type, c.args().get(c.args().size() - 1)));
        }
        return new Stmt.BufferScope(p, buffers, block(body.block()), threads);
    }

    private Stmt printBufferUsage(Pos p, List<MacroArgContext> args) {
        String usage = "@print_buffer_usage takes buffer names and a block: @print_buffer_usage buf begin ... end";
        if (args.isEmpty() || !(args.get(args.size() - 1) instanceof MacroBlockArgContext body)) {
            throw error(p, usage);
        }
        List<Expr.Name> buffers = new ArrayList<>();
        for (MacroArgContext a : args.subList(0, args.size() - 1)) {
            if (!(a instanceof MacroExprArgContext e) || e.assignOp() != null
                    || !(expr(e.expr(0)) instanceof Expr.Name n)) {
                throw error(pos(a), usage);
            }
            buffers.add(n);
        }
        if (buffers.isEmpty()) {
            throw error(p, "@print_buffer_usage needs at least one buffer name before `begin`");
        }
        return new Stmt.PrintBufferUsage(p, buffers, block(body.block()));
    }

    private Stmt tensor(Pos p, String macro, List<MacroArgContext> args) {
        String usage = macro + " takes one assignment in index notation: " + macro + " C[i,k] = A[i,j] * B[j,k]";
        List<String> order = new ArrayList<>();
        Expr maxIntermediate = null;
        for (MacroArgContext option : args.subList(0, Math.max(0, args.size() - 1))) {
            if (!(option instanceof MacroExprArgContext o) || o.assignOp() == null
                    || !o.assignOp().getText().equals("=") || !(expr(o.expr(0)) instanceof Expr.Name key)) {
                throw error(pos(option), usage);
            }
            Expr value = expr(o.expr(1));
            if (key.name().equals("order") && macro.equals("@tensor")) {
                List<Expr> items = value instanceof Expr.Tuple t ? t.items() : List.of(value);
                for (Expr i : items) {
                    if (!(i instanceof Expr.Name n)) {
                        throw error(i.pos(), "order=(...) lists index names, as order=(j, k)");
                    }
                    order.add(n.name());
                }
            } else if (key.name().equals("maxintermediate") && macro.equals("@tensoropt")) {
                maxIntermediate = value;
            } else {
                throw error(key.pos(), macro + " has no option " + key.name() + (macro.equals("@tensor")
                        ? "; it has order=(...)" : "; it has maxintermediate=N"));
            }
        }
        if (args.isEmpty() || !(args.get(args.size() - 1) instanceof MacroExprArgContext a) || a.assignOp() == null) {
            throw error(p, usage);
        }
        String symbol = a.assignOp().getText();
        if (!List.of("=", "+=", "-=", ":=").contains(symbol)) {
            throw error(pos(a.assignOp()), macro + " assigns with =, +=, -= or :=, not " + symbol);
        }
        AssignOp op = AssignOp.of(symbol);
        Expr lhs = expr(a.expr(0));
        TensorExpr left = tensorExpr(lhs);
        if (!(left instanceof TensorExpr.Ref ref)) {
            throw error(lhs.pos(), "the left of " + macro + " must be one indexed tensor, as C[i,k]");
        }
        TensorExpr right = tensorExpr(expr(a.expr(1)));
        return new Stmt.Tensor(p, ref, op, right, macro.equals("@tensoropt"), List.copyOf(order), maxIntermediate);
    }

    private TensorExpr tensorExpr(Expr e) {
        if (!hasIndex(e)) {
            return new TensorExpr.Scalar(e.pos(), e);
        }
        if (e instanceof Expr.Index ix) {
            List<String> labels = new ArrayList<>();
            List<Pos> positions = new ArrayList<>();
            for (Expr i : ix.indices()) {
                if (!(i instanceof Expr.Name n)) {
                    throw error(i.pos(), "an index in @tensor must be a name, as i or k");
                }
                labels.add(n.name());
                positions.add(n.pos());
            }
            if (hasIndex(ix.target())) {
                throw error(ix.pos(), "a tensor in @tensor is indexed once: A[i,j]");
            }
            return new TensorExpr.Ref(ix.pos(), ix.target(), labels, positions);
        }
        if (e instanceof Expr.Binary b) {
            char op = switch (b.op()) {
                case ADD -> '+';
                case SUB -> '-';
                case MUL -> '*';
                case DIV -> '/';
                default -> throw error(b.pos(), "`" + b.op().symbol() + "` is not allowed in @tensor");
            };
            return new TensorExpr.Binary(b.pos(), op, tensorExpr(b.left()), tensorExpr(b.right()));
        }
        if (e instanceof Expr.Unary u && u.op() == Expr.UnOp.NEG) {
            return new TensorExpr.Negate(u.pos(), tensorExpr(u.operand()));
        }
        if (e instanceof Expr.Unary u && u.op() == Expr.UnOp.PLUS) {
            return tensorExpr(u.operand());
        }
        throw error(e.pos(), "this is not index notation; @tensor takes sums and products of indexed tensors"
                + " and scalars");
    }

    private static boolean hasIndex(Expr e) {
        return e.accept(new IndexFinder());
    }

    // ------------------------------------------------------------------ expressions

    Expr expr(ExprContext ctx) {
        if (++exprDepth > MAX_DEPTH) {
            exprDepth = 0;
            throw error(pos(ctx), "the expression nests deeper than " + MAX_DEPTH + " levels");
        }
        try {
            return expressions.visit(ctx);
        } finally {
            exprDepth--;
        }
    }

    private String text(ParserRuleContext ctx) {
        return ctx.getStart().getInputStream().getText(
                Interval.of(ctx.getStart().getStartIndex(), ctx.getStop().getStopIndex()));
    }

    private final BufDslBaseVisitor<Expr> expressions = new BufDslBaseVisitor<>() {
        @Override
        public Expr visitCallExpr(CallExprContext ctx) {
            Expr callee = expr(ctx.expr());
            List<Expr> args = new ArrayList<>();
            List<Expr.KwArg> kwargs = new ArrayList<>();
            CallArgsContext ca = ctx.callArgs();
            if (ca != null) {
                for (ArgumentContext a : ca.argument()) {
                    if (a.keywordArg() != null) {
                        kwargs.add(kwarg(a.keywordArg()));
                    } else {
                        if (!kwargs.isEmpty()) {
                            throw error(pos(a), "a positional argument cannot follow a keyword argument");
                        }
                        args.add(expr(a.expr()));
                    }
                }
                for (KeywordArgContext k : ca.keywordArg()) {
                    kwargs.add(kwarg(k));
                }
            }
            return new Expr.Call(callee.pos(), callee, args, kwargs);
        }

        @Override
        public Expr visitIndexExpr(IndexExprContext ctx) {
            Expr target = expr(ctx.expr());
            List<Expr> indices = new ArrayList<>();
            int[] at = {0, ctx.indexArg().size()};
            indexed.push(target);
            indexAt.push(at);
            try {
                for (IndexArgContext i : ctx.indexArg()) {
                    indices.add(i instanceof ExprIndexContext e ? expr(e.expr()) : new Expr.Colon(pos(i)));
                    at[0]++;
                }
            } finally {
                indexed.pop();
                indexAt.pop();
            }
            return new Expr.Index(target.pos(), target, indices);
        }

        /**
         * {@code end} in an index: the last index of that dimension, {@code size(A, k)} (with one
         * index, {@code length(A)}), of the tensor (or tuple) being indexed.
         */
        @Override
        public Expr visitEndIndexExpr(EndIndexExprContext ctx) {
            Pos p = pos(ctx);
            Expr target = indexed.peek();
            if (target == null) {
                throw error(p, "`end` here is outside an index; it stands for the last index only inside A[...]");
            }
            if (!(target instanceof Expr.Name)) {
                throw error(p, "`end` in an index is supported when indexing a variable, as A[end, 1]");
            }
            Expr.Name a = new Expr.Name(p, ((Expr.Name) target).name());
            int[] at = indexAt.peek();
            if (at[1] == 1) {
                return new Expr.Call(p, new Expr.Name(p, "length"), List.of(a), List.of());
            }
            return new Expr.Call(p, new Expr.Name(p, "size"), List.of(a, new Expr.IntLit(p, at[0] + 1)), List.of());
        }

        @Override
        public Expr visitBeginIndexExpr(BeginIndexExprContext ctx) {
            return new Expr.IntLit(pos(ctx), 1);
        }

        @Override
        public Expr visitDotCallExpr(DotCallExprContext ctx) {
            Expr callee = expr(ctx.expr());
            if (!(callee instanceof Expr.Name f)) {
                throw error(callee.pos(), "only a named function can be broadcast, as f.(A)");
            }
            List<Expr> args = new ArrayList<>();
            CallArgsContext ca = ctx.callArgs();
            if (ca != null) {
                if (!ca.keywordArg().isEmpty() || ca.argument().stream().anyMatch(a -> a.keywordArg() != null)) {
                    throw error(pos(ca), "keyword arguments are not supported in a broadcast call " + f.name() + ".(...)");
                }
                for (ArgumentContext a : ca.argument()) {
                    args.add(expr(a.expr()));
                }
            }
            return new Expr.Broadcast(f.pos(), f.name(), args);
        }

        @Override
        public Expr visitTernaryExpr(TernaryExprContext ctx) {
            return new Expr.Ternary(pos(ctx.getChild(1)), expr(ctx.expr(0)), expr(ctx.expr(1)), expr(ctx.expr(2)));
        }

        @Override
        public Expr visitFieldExpr(FieldExprContext ctx) {
            return new Expr.Field(pos(ctx), expr(ctx.expr()), ctx.name().getStart().getText());
        }

        @Override
        public Expr visitPowerExpr(PowerExprContext ctx) {
            return binary(ctx, ctx.op.getText(), ctx.expr(0), ctx.expr(1));
        }

        @Override
        public Expr visitUnaryExpr(UnaryExprContext ctx) {
            Expr operand = expr(ctx.expr());
            String op = ctx.op.getText();
            if (op.equals("-") && operand instanceof Expr.IntLit i && i.value() != Long.MIN_VALUE) {
                return new Expr.IntLit(pos(ctx), -i.value());
            }
            if (op.equals("-") && operand instanceof Expr.FloatLit f) {
                return new Expr.FloatLit(pos(ctx), -f.value(), f.single());
            }
            Expr.UnOp u = switch (op) {
                case "-" -> Expr.UnOp.NEG;
                case "+" -> Expr.UnOp.PLUS;
                default -> Expr.UnOp.NOT;
            };
            return new Expr.Unary(pos(ctx), u, operand);
        }

        @Override
        public Expr visitMulExpr(MulExprContext ctx) {
            return binary(ctx, ctx.op.getText(), ctx.expr(0), ctx.expr(1));
        }

        @Override
        public Expr visitAddExpr(AddExprContext ctx) {
            return binary(ctx, ctx.op.getText(), ctx.expr(0), ctx.expr(1));
        }

        @Override
        public Expr visitCompareExpr(CompareExprContext ctx) {
            return binary(ctx, ctx.op.getText(), ctx.expr(0), ctx.expr(1));
        }

        @Override
        public Expr visitRangeExpr(RangeExprContext ctx) {
            Expr left = expr(ctx.expr(0));
            Expr right = expr(ctx.expr(1));
            if (left instanceof Expr.Range r && r.step() == null && !(ctx.expr(0) instanceof ParenExprContext)) {
                return new Expr.Range(r.pos(), r.start(), r.stop(), right);
            }
            return new Expr.Range(left.pos(), left, null, right);
        }

        @Override
        public Expr visitAndExpr(AndExprContext ctx) {
            return new Expr.Logical(pos(ctx.getChild(1)), true, expr(ctx.expr(0)), expr(ctx.expr(1)));
        }

        @Override
        public Expr visitOrExpr(OrExprContext ctx) {
            return new Expr.Logical(pos(ctx.getChild(1)), false, expr(ctx.expr(0)), expr(ctx.expr(1)));
        }

        @Override
        public Expr visitParametricExpr(ParametricExprContext ctx) {
            return new Expr.Parametric(pos(ctx), ctx.name().getStart().getText(),
                    ctx.expr().stream().map(AstBuilder.this::expr).toList());
        }

        @Override
        public Expr visitParenExpr(ParenExprContext ctx) {
            return expr(ctx.expr());
        }

        @Override
        public Expr visitTupleExpr(TupleExprContext ctx) {
            return new Expr.Tuple(pos(ctx), ctx.expr().stream().map(AstBuilder.this::expr).toList());
        }

        @Override
        public Expr visitEmptyTupleExpr(EmptyTupleExprContext ctx) {
            return new Expr.Tuple(pos(ctx), List.of());
        }

        @Override
        public Expr visitIntLiteral(IntLiteralContext ctx) {
            String digits = ctx.getStart().getText().replace("_", "");
            try {
                return new Expr.IntLit(pos(ctx), Long.parseLong(digits));
            } catch (NumberFormatException e) {
                throw error(pos(ctx), "the integer " + ctx.getText() + " does not fit in 64 bits");
            }
        }

        @Override
        public Expr visitFloatLiteral(FloatLiteralContext ctx) {
            String text = ctx.getStart().getText().replace("_", "");
            boolean single = ctx.getStart().getType() == BufDslLexer.FLOAT32;
            // a Float32 literal is read straight to the nearest Float32 (not through a Float64: that could round twice)
            double v = single ? Float.parseFloat(text.replace('f', 'e')) : Double.parseDouble(text);
            if (Double.isInfinite(v)) {
                throw error(pos(ctx), "the number " + ctx.getText() + " is too large for a " + (single ? "Float32"
                        : "Float64"));
            }
            return new Expr.FloatLit(pos(ctx), v, single);
        }

        @Override
        public Expr visitStringLiteral(StringLiteralContext ctx) {
            return string(ctx);
        }

        @Override
        public Expr visitBoolLiteral(BoolLiteralContext ctx) {
            return new Expr.BoolLit(pos(ctx), ctx.getStart().getText().equals("true"));
        }

        @Override
        public Expr visitNameExpr(NameExprContext ctx) {
            return new Expr.Name(pos(ctx), ctx.getStart().getText()); // one token: no tree walk
        }
    };

    private static Pos pos(org.antlr.v4.runtime.tree.ParseTree t) {
        if (t instanceof ParserRuleContext c) {
            return pos(c);
        }
        return pos(((TerminalNode) t).getSymbol());
    }

    private Expr binary(ParserRuleContext ctx, String op, ExprContext l, ExprContext r) {
        Pos p = pos(ctx.getChild(1));
        if (op.length() == 2 && op.startsWith(".")) {
            return new Expr.Broadcast(p, op.substring(1), List.of(expr(l), expr(r)));
        }
        if (op.equals("\u00F7")) { // a ÷ b is div(a, b), as in Julia
            return new Expr.Call(p, new Expr.Name(p, "div"), List.of(expr(l), expr(r)), List.of());
        }
        if (op.equals("\u2248") || op.equals("\u2249")) { // a ≈ b is isapprox(a, b), a ≉ b its negation
            Expr call = new Expr.Call(p, new Expr.Name(p, "isapprox"), List.of(expr(l), expr(r)), List.of());
            return op.equals("\u2248") ? call : new Expr.Unary(p, Expr.UnOp.NOT, call);
        }
        return new Expr.Binary(p, Expr.BinOp.of(op), expr(l), expr(r));
    }

    private Expr.KwArg kwarg(KeywordArgContext k) {
        return new Expr.KwArg(pos(k), k.name().getText(), expr(k.expr()));
    }

    /** A string literal; {@code $name} inside it is interpolated, as in Julia. */
    private Expr string(StringLiteralContext ctx) {
        String raw = ctx.getText();
        raw = raw.substring(1, raw.length() - 1);
        Pos p = pos(ctx);
        List<Expr> parts = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                char n = raw.charAt(++i);
                switch (n) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case '0' -> sb.append('\0');
                    case '\\', '"', '$' -> sb.append(n);
                    default -> throw error(p, "unknown escape sequence \\" + n + " in a string");
                }
            } else if (c == '$' && i + 1 < raw.length() && raw.charAt(i + 1) == '(') {
                int close = matchingParen(raw, i + 1);
                if (close < 0) {
                    throw error(p, "`$(` in a string has no matching `)`");
                }
                if (sb.length() > 0) {
                    parts.add(new Expr.StrLit(p, sb.toString()));
                    sb.setLength(0);
                }
                parts.add(interpolated(raw.substring(i + 2, close), p, p.column() + i + 2));
                i = close;
            } else if (c == '$') {
                int j = i + 1;
                while (j < raw.length() && (Character.isLetterOrDigit(raw.charAt(j)) || raw.charAt(j) == '_')) {
                    j++;
                }
                if (j == i + 1 || Character.isDigit(raw.charAt(i + 1))) {
                    throw error(p, "`$` in a string must be followed by a variable name (write \\$ for a dollar sign)");
                }
                if (sb.length() > 0) {
                    parts.add(new Expr.StrLit(p, sb.toString()));
                    sb.setLength(0);
                }
                parts.add(new Expr.Name(p, raw.substring(i + 1, j)));
                i = j - 1;
            } else {
                sb.append(c);
            }
        }
        if (parts.isEmpty()) {
            return new Expr.StrLit(p, sb.toString());
        }
        if (sb.length() > 0) {
            parts.add(new Expr.StrLit(p, sb.toString()));
        }
        return new Expr.Call(p, new Expr.Name(p, "string"), parts, List.of());
    }

    private static int matchingParen(String s, int open) {
        int depth = 0;
        for (int k = open; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return k;
            }
        }
        return -1;
    }

    /** The expression inside {@code $( )} in a string, parsed on its own; errors point at the string. */
    private Expr interpolated(String text, Pos at, int column0) {
        org.antlr.v4.runtime.BaseErrorListener fail = new org.antlr.v4.runtime.BaseErrorListener() {
            @Override
            public void syntaxError(org.antlr.v4.runtime.Recognizer<?, ?> r, Object sym, int line, int col,
                    String msg, org.antlr.v4.runtime.RecognitionException e) {
                throw error(at, "the expression in `$(" + text + ")` is not valid");
            }
        };
        io.github.bufdsl.grammar.BufDslLexer lexer = new io.github.bufdsl.grammar.BufDslLexer(
                org.antlr.v4.runtime.CharStreams.fromString(text));
        lexer.setLine(at.line());
        lexer.setCharPositionInLine(column0);
        lexer.removeErrorListeners();
        lexer.addErrorListener(fail);
        BufDslParser parser = new BufDslParser(new org.antlr.v4.runtime.CommonTokenStream(lexer));
        parser.removeErrorListeners();
        parser.addErrorListener(fail);
        BufDslParser.ExprContext ctx = parser.expr();
        if (parser.getCurrentToken().getType() != Token.EOF) {
            throw error(at, "the expression in `$(" + text + ")` is not valid");
        }
        return expr(ctx);
    }

    /** True if an expression contains an indexing {@code X[...]}. */
    private static final class IndexFinder implements Expr.Visitor<Boolean> {
        public Boolean visitInt(Expr.IntLit e) {
            return false;
        }

        public Boolean visitFloat(Expr.FloatLit e) {
            return false;
        }

        public Boolean visitString(Expr.StrLit e) {
            return false;
        }

        public Boolean visitBool(Expr.BoolLit e) {
            return false;
        }

        public Boolean visitName(Expr.Name e) {
            return false;
        }

        public Boolean visitCall(Expr.Call e) {
            return e.args().stream().anyMatch(AstBuilder::hasIndex);
        }

        public Boolean visitParametric(Expr.Parametric e) {
            return false;
        }

        public Boolean visitIndex(Expr.Index e) {
            return true;
        }

        public Boolean visitColon(Expr.Colon e) {
            return false;
        }

        public Boolean visitField(Expr.Field e) {
            return hasIndex(e.target());
        }

        public Boolean visitBinary(Expr.Binary e) {
            return hasIndex(e.left()) || hasIndex(e.right());
        }

        public Boolean visitLogical(Expr.Logical e) {
            return hasIndex(e.left()) || hasIndex(e.right());
        }

        public Boolean visitUnary(Expr.Unary e) {
            return hasIndex(e.operand());
        }

        public Boolean visitRange(Expr.Range e) {
            return false;
        }

        public Boolean visitTuple(Expr.Tuple e) {
            return e.items().stream().anyMatch(AstBuilder::hasIndex);
        }

        public Boolean visitBroadcast(Expr.Broadcast e) {
            return e.args().stream().anyMatch(AstBuilder::hasIndex);
        }

        public Boolean visitTernary(Expr.Ternary e) {
            return hasIndex(e.condition()) || hasIndex(e.ifTrue()) || hasIndex(e.ifFalse());
        }
    }
}
