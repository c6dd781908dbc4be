package io.github.bufdsl.exec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the variables of one part of a script live, decided before it runs: each name a scope
 * declares gets a slot, so reading or writing it at run time is an array access.
 *
 * <p>The global scope declares every name the top level uses and grows as the REPL adds
 * statements. A function's scope declares its parameters and every name its body assigns; a
 * {@code Threads.@threads} loop's body has its own scope too (its variables are the iteration's,
 * as in Julia). Reads not declared locally fall back to the enclosing scope, then to the globals.
 */
final class Scope {
    final Scope parent;
    private final Map<String, Integer> slots = new HashMap<>();
    private final List<String> names = new ArrayList<>();

    private Scope(Scope parent) {
        this.parent = parent;
    }

    static Scope global() {
        return new Scope(null);
    }

    /** A scope inside {@code parent} (the globals for a function, the enclosing scope for a loop body). */
    static Scope inside(Scope parent) {
        return new Scope(parent);
    }

    boolean isGlobal() {
        return parent == null;
    }

    /** The slot of a name, declaring it when new. */
    synchronized int declare(String name) {
        Integer s = slots.get(name);
        if (s != null) {
            return s;
        }
        slots.put(name, names.size());
        names.add(name);
        return names.size() - 1;
    }

    /** The slot of a name declared here, or -1. */
    synchronized int find(String name) {
        Integer s = slots.get(name);
        return s == null ? -1 : s;
    }

    synchronized int size() {
        return names.size();
    }

    synchronized String name(int slot) {
        return names.get(slot);
    }
}
