package io.github.bufdsl.builtins;

/** One parameter of a builtin: its name (as its usage text says it) and type. */
public record Param(String name, ArgType type) {
}
