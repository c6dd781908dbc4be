package io.github.bufdsl.exec;

import io.github.bufdsl.builtins.Role;

/**
 * What the iterations of a Threads.@threads loop may do with a buffer made before the loop: read its
 * tensors, never change its stack (they would change it at the same time, a data race in Julia). The
 * run ({@link Ctx#ownStack}) and the type checker refuse it by this rule, in these words.
 */
public final class ThreadRules {
    private ThreadRules() {
    }

    /**
     * Whether a call of this builtin changes the stack of the buffer it is given first, by its role
     * in sizing (a builtin sizing cannot follow, as load, is checked when it runs).
     */
    public static boolean changesStack(String builtin) {
        Role r = Builtins.role(builtin);
        return r instanceof Role.Alloc || r instanceof Role.Drop || r instanceof Role.Reset
                || r instanceof Role.Reshape;
    }

    /**
     * The refusal of a change to {@code buffer}'s stack in such a loop; {@code lead} says what takes
     * from it (the buffer's name follows it), or null.
     */
    public static String sharedStack(String buffer, String lead) {
        return (lead == null ? buffer + " was" : lead + buffer + ", which was")
                + " made before this Threads.@threads loop, so its iterations would take from it and give back to"
                + " it at the same time; take an iteration's memory from a ThreadsBuffer (tbuf = ThreadsBuffer(len);"
                + " alloc!(tbuf, ...)) or from a Buffer made in the iteration";
    }
}
