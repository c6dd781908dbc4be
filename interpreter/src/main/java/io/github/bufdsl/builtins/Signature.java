package io.github.bufdsl.builtins;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a builtin accepts: required positional parameters, then optional ones, then (maybe) any
 * number of a last one; keyword arguments by name; its result type; and the usage text messages
 * show ({@code alloc!(buf, dims...)}).
 *
 * @param required positional parameters every call gives
 * @param optional positional parameters a call may give after them, in order
 * @param rest the type of any further arguments ({@code dims...}), or null
 * @param keywords keyword arguments by name, with their types
 */
public record Signature(String name, List<Param> required, List<Param> optional, Param rest,
        Map<String, ArgType> keywords, ArgType returns, String usage) {
    public Signature {
        required = List.copyOf(required);
        optional = List.copyOf(optional);
        keywords = Collections.unmodifiableMap(new LinkedHashMap<>(keywords));
    }

    /** Fewest arguments. */
    public int min() {
        return required.size();
    }

    /** Most arguments, -1 for any number. */
    public int max() {
        return rest != null ? -1 : required.size() + optional.size();
    }

    public boolean accepts(int n) {
        return n >= min() && (max() < 0 || n <= max());
    }

    /** The keyword names. */
    public Set<String> keywordNames() {
        return keywords.keySet();
    }

    /** The parameter that takes argument {@code i} (from 0), or null if there is none. */
    public Param param(int i) {
        if (i < required.size()) {
            return required.get(i);
        }
        if (i < required.size() + optional.size()) {
            return optional.get(i - required.size());
        }
        return rest;
    }

    /** Starts a signature with its usage text, as {@code of("size(A[, k])").arg("A", TENSOR)...}. */
    public static Builder of(String name, String usage) {
        return new Builder(name, usage);
    }

    /** Builds a signature. */
    public static final class Builder {
        private final String name;
        private final String usage;
        private final List<Param> required = new ArrayList<>();
        private final List<Param> optional = new ArrayList<>();
        private final Map<String, ArgType> keywords = new LinkedHashMap<>();
        private Param rest;

        private Builder(String name, String usage) {
            this.name = name;
            this.usage = usage;
        }

        public Builder arg(String param, ArgType type) {
            required.add(new Param(param, type));
            return this;
        }

        public Builder opt(String param, ArgType type) {
            optional.add(new Param(param, type));
            return this;
        }

        public Builder rest(String param, ArgType type) {
            rest = new Param(param, type);
            return this;
        }

        public Builder kw(String keyword, ArgType type) {
            keywords.put(keyword, type);
            return this;
        }

        public Signature returns(ArgType type) {
            return new Signature(name, required, optional, rest, keywords, type, usage);
        }
    }
}
