package io.github.bufdsl.parse;

import io.github.bufdsl.ast.AssignOp;
import io.github.bufdsl.ast.Expr;
import io.github.bufdsl.ast.ExprPrinter;
import io.github.bufdsl.ast.ImplicitReturn;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.grammar.BufDslBaseVisitor;
import io.github.bufdsl.grammar.BufDslParser.*;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;

/**
 * Builds the immutable AST from a parse tree. Checks what the grammar leaves open (what may be
 * assigned to, how a macro is used) and reports those as diagnostics; nesting deeper than
 * {@link #MAX_DEPTH} is a diagnostic too, not a stack overflow.
 */
final class AstBuilder extends ExprBuilder {
    /** Reads Printf's {@code @printf} and {@code @sprintf}. */
    private final PrintfMacro printf = new PrintfMacro(this);

    AstBuilder(List<Diagnostic> diagnostics) {
        super(diagnostics);
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
            return values.statement(pos(ctx), () -> statements.visit(ctx));
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
                if (m.equals("Printf")) {
                    printfImported(ctx.usingItem().stream().map(i -> i.getText()).toList());
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
                TensorValues.Hoisted<Expr> value = values.hoisted(() -> expr(b.expr())); // after the bindings before
                body.addAll(value.then(new Stmt.Assign(n.pos(), List.of(n), AssignOp.SET, value.value())));
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
            List<List<Stmt>> before = new ArrayList<>(); // what an elseif's condition computes first
            for (int i = 0; i < ctx.expr().size(); i++) {
                ExprContext c = ctx.expr(i);
                TensorValues.Hoisted<Expr> condition = i == 0 ? new TensorValues.Hoisted<>(List.of(), expr(c))
                        : values.hoisted(() -> expr(c));
                before.add(condition.before());
                branches.add(new Stmt.Branch(pos(c), condition.value(), block(ctx.block(i))));
            }
            List<Stmt> elseBody = ctx.block().size() > ctx.expr().size()
                    ? block(ctx.block(ctx.block().size() - 1)) : null;
            return TensorValues.ifFrom(pos(ctx.getStart()), 0, branches, before, elseBody);
        }

        @Override
        public Stmt visitForStmt(ForStmtContext ctx) {
            return forLoop(ctx.forLoop(), false);
        }

        @Override
        public Stmt visitWhileStmt(WhileStmtContext ctx) {
            TensorValues.Hoisted<Expr> condition = values.hoisted(() -> expr(ctx.expr()));
            return TensorValues.whileLoop(pos(ctx.getStart()), condition, block(ctx.block()));
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
            if (op == AssignOp.SET && left.size() == 1 && right.size() == 1 && left.get(0) instanceof NameExprContext
                    && right.get(0) instanceof MacroExprContext m && TensorValues.givesValue(m)) {
                return values.assigned(m, (Expr.Name) expr(left.get(0))); // s = @tensor ...: s holds it
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
            TensorValues.Hoisted<Stmt> jump = values.hoisted(() -> j instanceof ReturnJumpContext r
                    ? new Stmt.Return(pos(r.getStart()), exprList(r, r.expr()))
                    : j instanceof BreakJumpContext ? new Stmt.Break(pos(j)) : new Stmt.Continue(pos(j)));
            return new Stmt.If(p, List.of(new Stmt.Branch(p, and ? condition : new Expr.Unary(p, Expr.UnOp.NOT,
                    condition), jump.then(jump.value()))), List.of(new Stmt.ExprStmt(p, new Expr.BoolLit(p, !and))));
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
        TensorValues.Hoisted<Expr> value = values.hoisted(() -> right.size() == 1 ? expr(right.get(0))
                : new Expr.Tuple(pos(right.get(0)), right.stream().map(this::expr).toList())); // in the body
        return new Stmt.Function(name.pos(), name.name(), params,
                value.then(new Stmt.Return(value.value().pos(), value.value())));
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
        List<TensorValues.Hoisted<Expr>> iterables = new ArrayList<>();
        for (ForSpecContext spec : specs) { // an inner range is computed in each iteration of the loop outside it
            iterables.add(iterables.isEmpty() ? new TensorValues.Hoisted<>(List.of(), expr(spec.expr()))
                    : values.hoisted(() -> expr(spec.expr())));
        }
        List<Stmt> body = block(ctx.block());
        for (int k = specs.size() - 1; k > 0; k--) {
            ForSpecContext spec = specs.get(k);
            body = iterables.get(k).then(new Stmt.For(pos(spec), spec.name().getText(), iterables.get(k).value(), body,
                    false, true));
        }
        return new Stmt.For(pos(ctx.getStart()), specs.get(0).name().getStart().getText(), iterables.get(0).value(),
                body, threaded);
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
            case "@tensor", "@tensoropt": // alone, a value is computed and left in the variable its text names
                return tensors.build(p, name, args, () -> new Expr.Name(pos(ctx), TensorValues.name(text(ctx))));
            case "@show": {
                if (args.size() != 1 || !(args.get(0) instanceof MacroExprArgContext a) || a.assignOp() != null) {
                    throw error(p, "@show takes one expression: @show x");
                }
                return new Stmt.Show(p, expr(a.expr(0)), text(a.expr(0)));
            }
            case "@assert":
                return assertion(p, args);
            case "@printf":
                imported(p, name);
                return printf.printf(p, ctx.MACRO().getSymbol(), args);
            case "@sprintf":
                imported(p, name);
                // a value no one takes, as in Julia
                return new Stmt.ExprStmt(p, printf.sprintf(p, name, ctx.MACRO().getSymbol(), args));
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
                throw error(p, unsupported(name));
        }
    }

    /** The macros that are statements, not values. */
    static final java.util.Set<String> STATEMENT_MACROS = java.util.Set.of("@show", "@assert", "@printf",
            "@print_buffer_usage", "@buffer", "@threadsbuffer", "Threads.@threads", "@threads");

    static String unsupported(String name) {
        return "the macro " + name + " is not supported in bufdsl; the macros are @tensor, @tensoropt, @show, @assert,"
                + " @printf, @sprintf, @print_buffer_usage, @buffer, @threadsbuffer, Threads.@threads (@threads after"
                + " `using Base.Threads`), and @inbounds, @views, @simd, which change nothing here";
    }

    /** A macro call inside an expression: {@code @sprintf(...)}'s string, or a value of @tensor ({@link TensorValues}). */
    @Override
    Expr macroValue(MacroExprContext ctx) {
        org.antlr.v4.runtime.Token at = ctx.MACRO().getSymbol();
        if (at.getText().equals("@sprintf")) {
            imported(pos(at), "@sprintf");
            return printf.sprintf(pos(at), "@sprintf", at, ctx.macroArg());
        }
        return values.value(ctx);
    }

    /** {@code using Printf} brings both macros; {@code using Printf: @printf} only those it names. */
    private void printfImported(List<String> items) {
        for (String m : List.of("@printf", "@sprintf")) {
            if (items.isEmpty() || items.contains(m)) {
                printfMacros.add(m);
            }
        }
    }

    private void imported(Pos p, String macro) {
        if (!printfMacros.contains(macro)) {
            throw error(p, macro + " is not defined: write `using Printf` before it, as in Julia");
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
        List<TensorValues.Hoisted<Expr>> parts = new ArrayList<>();
        for (MacroArgContext a : args) {
            if (!(a instanceof MacroExprArgContext e) || e.assignOp() != null) {
                throw error(pos(a), usage);
            }
            // the condition's values of @tensor computed before it, the message's only when it fails
            parts.add(parts.isEmpty() ? new TensorValues.Hoisted<>(List.of(), expr(e.expr(0)))
                    : values.hoisted(() -> expr(e.expr(0))));
        }
        TensorValues.Hoisted<Expr> message = parts.size() == 2 ? parts.get(1) : new TensorValues.Hoisted<>(List.of(),
                new Expr.StrLit(p, text(((MacroExprArgContext) args.get(0)).expr(0))));
        Expr fail = new Expr.Call(p, new Expr.Name(p, "error"),
                List.of(new Expr.StrLit(p, "AssertionError: "), message.value()), List.of());
        Expr condition = parts.get(0).value();
        Expr failed = new Expr.Unary(condition.pos(), Expr.UnOp.NOT, condition);
        return new Stmt.If(p, List.of(new Stmt.Branch(p, failed, message.then(new Stmt.ExprStmt(p, fail)))), null);
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
}
