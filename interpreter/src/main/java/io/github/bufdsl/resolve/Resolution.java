package io.github.bufdsl.resolve;

import io.github.bufdsl.ast.Program;
import io.github.bufdsl.ast.Stmt;
import io.github.bufdsl.diag.Pos;
import java.util.Map;

/**
 * What name resolution learnt about a program: its user functions and its free variables (names
 * read but never assigned, which come from {@code --var}), each with the first place it is read.
 */
public record Resolution(Program program, Map<String, Stmt.Function> functions, Map<String, Pos> freeVariables) {
}
