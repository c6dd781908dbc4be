package io.github.bufdsl.analysis;

import io.github.bufdsl.runtime.BufferRules;
import java.util.Collection;
import java.util.function.Function;

/**
 * The analyzer's abstract stack of one buffer as {@link BufferRules} reads it, so the checks before
 * running decide with the runtime's own rules and say the runtime's own messages. Built from the
 * stack's records, top first, and how to read a record: its buffer, how it was given back, its
 * name. Sizes stay the analyzer's business: the capacity is unknown here (-1), a fixed buffer's
 * peak is checked once, with {@link BufferRules#peak}.
 *
 * @param <T> the analyzer's record of a tensor
 */
final class AbstractStack<T> implements BufferRules.StackView<T> {
    private final String name;
    private final String identity;
    private final Collection<T> topFirst;
    private final Function<T, String> owner;
    private final Function<T, String> endedBy;
    private final Function<T, String> describe;
    private final String reshapeMode;

    /**
     * @param name the buffer as the statement names it (messages)
     * @param identity the buffer the name stands for (a function's parameter names its caller's buffer)
     * @param topFirst the live records, the top first
     * @param owner the buffer a record belongs to (an identity)
     * @param endedBy how a record was given back, null while live
     * @param describe how messages call a record
     * @param reshapeMode what put the buffer in reshape mode, or null
     */
    AbstractStack(String name, String identity, Collection<T> topFirst, Function<T, String> owner,
            Function<T, String> endedBy, Function<T, String> describe, String reshapeMode) {
        this.name = name;
        this.identity = identity;
        this.topFirst = topFirst;
        this.owner = owner;
        this.endedBy = endedBy;
        this.describe = describe;
        this.reshapeMode = reshapeMode;
    }

    /**
     * How run names a call in its messages ({@code alloc!(buf, n, 2)}; {@code f(...)} past 60
     * characters), from the sizing IR: the buffer, the arguments after it, an offset (printed when
     * not 0).
     */
    static String call(String function, String buffer, java.util.List<SizeExpr> args, SizeExpr offset) {
        StringBuilder sb = new StringBuilder(function).append('(').append(buffer);
        for (SizeExpr a : args) {
            sb.append(", ").append(JuliaPrinter.expr(a));
        }
        if (offset != null && !(offset instanceof SizeExpr.Num n && n.value() == 0)) {
            sb.append("; offset=").append(JuliaPrinter.expr(offset));
        }
        String text = sb.append(')').toString();
        return text.length() > 60 ? function + "(...)" : text;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int depth() {
        return topFirst.size();
    }

    @Override
    public String describeFromTop(int k) {
        int i = 0;
        for (T t : topFirst) {
            if (i++ == k) {
                return describe.apply(t);
            }
        }
        throw new IndexOutOfBoundsException(k);
    }

    @Override
    public int fromTop(T t) {
        int i = 0;
        for (T x : topFirst) {
            if (x == t) {
                return i;
            }
            i++;
        }
        return -1;
    }

    @Override
    public String owner(T t) {
        return owner.apply(t);
    }

    @Override
    public boolean owns(T t) {
        return identity.equals(owner.apply(t));
    }

    @Override
    public String endedBy(T t) {
        return endedBy.apply(t);
    }

    @Override
    public String describe(T t) {
        return describe.apply(t);
    }

    @Override
    public String reshapeMode() {
        return reshapeMode;
    }

    @Override
    public long capacity() {
        return -1;
    }

    @Override
    public boolean extendable() {
        return true;
    }

    @Override
    public long used() {
        return -1;
    }
}
