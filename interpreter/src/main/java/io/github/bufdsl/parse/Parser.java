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
        BufDslLexer lexer = new BufDslLexer(CharStreams.fromString(source.text(), source.name()));
        lexer.removeErrorListeners();
        lexer.addErrorListener(listener);
        BufDslParser parser = new BufDslParser(new CommonTokenStream(new NewlineFilter(lexer)));
        parser.removeErrorListeners();
        parser.addErrorListener(listener);
        BufDslParser.ProgramContext tree;
        try {
            tree = parser.program();
        } catch (NewlineFilter.TooDeep e) {
            throw new DiagnosticException(Phase.STATIC, List.of(Diagnostic.error(new io.github.bufdsl.diag.Pos(
                    e.token.getLine(), e.token.getCharPositionInLine() + 1, 1), e.getMessage())));
        } catch (StackOverflowError e) {
            throw new DiagnosticException(Phase.STATIC, List.of(Diagnostic.error(
                    new io.github.bufdsl.diag.Pos(1, 1, 1), "the script nests too deeply to parse")));
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
}
