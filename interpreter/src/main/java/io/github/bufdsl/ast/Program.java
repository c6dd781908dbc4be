package io.github.bufdsl.ast;

import io.github.bufdsl.diag.Source;
import java.util.List;

/** A parsed script: its source and its top-level statements. */
public record Program(Source source, List<Stmt> body) {
}
