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
        SyntaxErrors listener = new SyntaxErrors();
        BufDslParser.ProgramContext tree = fastParse(source);
        if (tree == null) {
            tree = fullParse(source, listener);
        }
        diagnostics.addAll(UnclosedBlocks.explain(listener.diagnostics(), source));
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

    private static BufDslParser parser(Source source, org.antlr.v4.runtime.ANTLRErrorListener listener) {
        BufDslLexer lexer = new BufDslLexer(CharStreams.fromString(source.text(), source.name()));
        lexer.removeErrorListeners();
        if (listener != null) {
            lexer.addErrorListener(listener);
        }
        BufDslParser parser = new BufDslParser(new CommonTokenStream(new NewlineFilter(lexer)));
        parser.removeErrorListeners();
        if (listener != null) {
            parser.addErrorListener(listener);
        }
        return parser;
    }

    /**
     * The first of two stages: ANTLR's faster SLL prediction, giving up at the first problem; a
     * valid script (nearly always) is parsed here. Null when the script needs the second stage.
     */
    private static BufDslParser.ProgramContext fastParse(Source source) {
        ThrowingListener lexerErrors = new ThrowingListener();
        BufDslParser parser = parser(source, lexerErrors);
        parser.getInterpreter().setPredictionMode(org.antlr.v4.runtime.atn.PredictionMode.SLL);
        parser.setErrorHandler(new org.antlr.v4.runtime.BailErrorStrategy());
        try {
            return parser.program();
        } catch (org.antlr.v4.runtime.misc.ParseCancellationException | ThrowingListener.Failed
                | NewlineFilter.TooDeep | StackOverflowError e) {
            return null; // the second stage parses again and reports what is wrong
        }
    }

    /** The second stage: full LL prediction with error recovery, every syntax error reported. */
    private static BufDslParser.ProgramContext fullParse(Source source, SyntaxErrors listener) {
        BufDslParser parser = parser(source, listener);
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
