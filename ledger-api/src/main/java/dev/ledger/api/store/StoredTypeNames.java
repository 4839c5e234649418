package dev.ledger.api.store;

/**
 * One {@code String} per stored payload type name, however many rows carry it. A row read from the event table
 * brings a new {@code String} for its type name, and everything downstream looks the name up in hash maps (the
 * serializer's class of a type, the upcasters): each new string has its hash computed again, character by
 * character, which took about a seventh of a rebuild decoder's CPU. Handing out the one instance seen first lets
 * the hash be computed once. The lookup itself does not hash: a slot chosen from the name's length and two of its
 * characters, then one {@link String#equals}. A name whose slot holds another name takes the slot; nothing is
 * ever wrong, only a hash computed again. Safe from any thread (strings are immutable; a slot written by one
 * thread and read by another is at worst a miss).
 */
final class StoredTypeNames {

    private static final int SLOTS = 256;
    private static final String[] KNOWN = new String[SLOTS];

    private StoredTypeNames() {
    }

    /** {@code name}, or an equal instance handed out before; {@code null} for {@code null}. */
    static String canonical(String name) {
        if (name == null || name.isEmpty()) {
            return name;
        }
        int length = name.length();
        int slot = (length * 31 + name.charAt(length - 1) * 7 + name.charAt(length / 2)) & (SLOTS - 1);
        String known = KNOWN[slot];
        if (name.equals(known)) {
            return known;
        }
        KNOWN[slot] = name;
        return name;
    }
}
