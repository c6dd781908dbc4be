/**
 * The vocabulary of the builtin registry: {@link io.github.bufdsl.builtins.Signature} (argument
 * counts and types, keywords, result), {@link io.github.bufdsl.builtins.Role} (what a builtin means
 * to sizing). The registry itself, one entry per builtin with its signature, role and
 * implementation, is {@code io.github.bufdsl.exec.Builtins}; the resolver, the interpreter, the
 * analyzer and the type checker all read it.
 */
package io.github.bufdsl.builtins;
