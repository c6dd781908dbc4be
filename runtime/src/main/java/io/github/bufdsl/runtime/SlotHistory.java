package io.github.bufdsl.runtime;

import java.util.Arrays;

/**
 * What messages say about the slots of a buffer's stack: per slot, the name of the last named
 * allocation and how the last generation given back was given back (the site of a {@code drop!},
 * a {@code reset!}, the end of a block), each with the generation it belongs to. Kept apart from
 * the slots themselves (offsets and generations, the buffer's): an unnamed tensor given back by a
 * plain drop, as in Java's hot loops, never touches it.
 */
final class SlotHistory {
    /** How a drop without a site is described. */
    static final String DEFAULT_DROP = "drop";

    private String[] names;
    private long[] nameGen;
    private String[] sites;
    private long[] siteGen;

    SlotHistory(int slots) {
        names = new String[slots];
        nameGen = new long[slots];
        sites = new String[slots];
        siteGen = new long[slots];
    }

    /** Room for {@code slots} slots. */
    void grow(int slots) {
        names = Arrays.copyOf(names, slots);
        nameGen = Arrays.copyOf(nameGen, slots);
        sites = Arrays.copyOf(sites, slots);
        siteGen = Arrays.copyOf(siteGen, slots);
    }

    /** Generation {@code gen} of slot {@code d} is called {@code name}. */
    void named(int d, long gen, String name) {
        names[d] = name;
        nameGen[d] = gen;
    }

    /** The name of generation {@code gen} of slot {@code d}, or null when it has none. */
    String name(int d, long gen) {
        return nameGen[d] == gen ? names[d] : null;
    }

    /** Generation {@code gen} of slot {@code d} was given back by {@code site} (not {@link #DEFAULT_DROP}). */
    void ended(int d, long gen, String site) {
        if (sites[d] != site) {
            sites[d] = site;
        }
        siteGen[d] = gen;
    }

    /**
     * How generation {@code gen} of slot {@code d} was given back, where the slot is at generation
     * {@code now}: said for the last generation given back there only.
     */
    String endedBy(int d, long gen, long now) {
        if (now - 1 != gen) {
            return "an earlier drop or reset (its memory has been allocated and given back again since)";
        }
        return siteGen[d] == gen && sites[d] != null ? sites[d] : DEFAULT_DROP;
    }

    /** What messages call generation {@code gen} of slot {@code d}, {@code length} elements at {@code offset}. */
    String describe(int d, long gen, int offset, int length) {
        String named = name(d, gen);
        return named != null ? named : "the tensor at offset " + offset + " (" + length + " elements)";
    }
}
