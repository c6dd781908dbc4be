package io.github.bufdsl.parse;

import io.github.bufdsl.ast.Program;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
import io.github.bufdsl.diag.Source;
import io.github.bufdsl.grammar.BufDslLexer;
import io.github.bufdsl.grammar.BufDslParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;

/** Source text to AST: lex, parse with the generated ANTLR parser, build the AST. */
public final class Parser {
    private Parser() {
    }

    /**
     * Parses a script.
     *
     * @throws DiagnosticException (static) with every syntax error found
     */
    public static Program parse(Source source) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        List<Stmt> fast = fastParse(source, diagnostics);
        if (fast != null) {
            if (!diagnostics.isEmpty()) {
                throw new DiagnosticException(Phase.STATIC, diagnostics);
            }
            return new Program(source, fast);
        }
        diagnostics.clear();
        SyntaxErrors listener = new SyntaxErrors();
        BufDslParser.ProgramContext tree = fullParse(source, listener);
        List<Diagnostic> syntax = UnclosedBlocks.explain(listener.diagnostics(), source);
        if (!syntax.isEmpty()) {
            syntax = Unsupported.merge(Unsupported.scan(source), syntax);
        }
        diagnostics.addAll(syntax);
        if (!diagnostics.isEmpty()) {
            throw new DiagnosticException(Phase.STATIC, diagnostics);
        }
        List<Stmt> body;
        try {
            body = new AstBuilder(diagnostics).program(tree);
        } catch (StackOverflowError e) {
            throw new DiagnosticException(Phase.STATIC, List.of(Diagnostic.error(
                    new io.github.bufdsl.diag.Pos(1, 1, 1), "the script nests too deeply")));
        }
        if (!diagnostics.isEmpty()) {
            throw new DiagnosticException(Phase.STATIC, diagnostics);
        }
        return new Program(source, body);
    }

    private static BufDslParser parser(Source source, org.antlr.v4.runtime.ANTLRErrorListener listener,
            boolean unbuffered) {
        BufDslLexer lexer = new BufDslLexer(CharStreams.fromString(source.text(), source.name()));
        lexer.removeErrorListeners();
        if (listener != null) {
            lexer.addErrorListener(listener);
        }
        // the first stage keeps only the tokens a decision looks at; the second keeps them all, for messages
        BufDslParser parser = new BufDslParser(unbuffered
                ? new org.antlr.v4.runtime.UnbufferedTokenStream<>(new NewlineFilter(lexer))
                : new CommonTokenStream(new NewlineFilter(lexer)));
        parser.removeErrorListeners();
        if (listener != null) {
            parser.addErrorListener(listener);
        }
        return parser;
    }

    /**
     * The first of two stages: ANTLR's faster SLL prediction, giving up at the first problem; a
     * valid script (nearly always) is parsed here. Each top-level statement becomes AST as soon as
     * it is parsed and its parse tree is let go, so that the tree of a long script never exists
     * whole (less memory, less for the garbage collector to copy). The statements, with the AST's
     * errors in {@code diagnostics}; null when the script needs the second stage.
     */
    private static List<Stmt> fastParse(Source source, List<Diagnostic> diagnostics) {
        ThrowingListener lexerErrors = new ThrowingListener();
        BufDslParser parser = parser(source, lexerErrors, true);
        parser.getInterpreter().setPredictionMode(org.antlr.v4.runtime.atn.PredictionMode.SLL);
        parser.setErrorHandler(new org.antlr.v4.runtime.BailErrorStrategy());
        List<Stmt> body = new ArrayList<>();
        AstBuilder builder = new AstBuilder(diagnostics);
        parser.addParseListener(new org.antlr.v4.runtime.tree.ParseTreeListener() {
            @Override
            public void exitEveryRule(org.antlr.v4.runtime.ParserRuleContext ctx) {
                // a rule also exits while the parser gives up (the generated code exits in finally):
                // a statement with an error, or cut short by the lexer, is left to the second stage
                if (ctx instanceof BufDslParser.StatementContext st && ctx.exception == null
                        && ctx.getParent() instanceof BufDslParser.ProgramContext program) {
                    try {
                        builder.topLevel(st, body);
                    } catch (RuntimeException incomplete) {
                        throw new org.antlr.v4.runtime.misc.ParseCancellationException(incomplete);
                    }
                    program.children.remove(program.children.size() - 1);
                }
            }

            @Override
            public void enterEveryRule(org.antlr.v4.runtime.ParserRuleContext ctx) {
            }

            @Override
            public void visitTerminal(org.antlr.v4.runtime.tree.TerminalNode node) {
            }

            @Override
            public void visitErrorNode(org.antlr.v4.runtime.tree.ErrorNode node) {
            }
        });
        try {
            parser.program();
            return body;
        } catch (org.antlr.v4.runtime.misc.ParseCancellationException | ThrowingListener.Failed
                | NewlineFilter.TooDeep | StackOverflowError e) {
            return null; // the second stage parses again and reports what is wrong
        }
    }

    /** The second stage: full LL prediction with error recovery, every syntax error reported. */
    private static BufDslParser.ProgramContext fullParse(Source source, SyntaxErrors listener) {
        BufDslParser parser = parser(source, listener, false);
        try {
            return parser.program();
        } catch (NewlineFilter.TooDeep e) {
            throw new DiagnosticException(Phase.STATIC, List.of(Diagnostic.error(new io.github.bufdsl.diag.Pos(
                    e.token.getLine(), e.token.getCharPositionInLine() + 1, 1), e.getMessage())));
        } catch (StackOverflowError e) {
            throw new DiagnosticException(Phase.STATIC, List.of(Diagnostic.error(
                    new io.github.bufdsl.diag.Pos(1, 1, 1), "the script nests too deeply to parse")));
        }
    }

    /** Stops the first stage at the lexer's first error. */
    private static final class ThrowingListener extends org.antlr.v4.runtime.BaseErrorListener {
        static final class Failed extends RuntimeException {
            Failed() {
                super(null, null, false, false);
            }
        }

        @Override
        public void syntaxError(org.antlr.v4.runtime.Recognizer<?, ?> recognizer, Object offendingSymbol, int line,
                int charPositionInLine, String msg, org.antlr.v4.runtime.RecognitionException e) {
            throw new Failed();
        }
    }
}
