package dev.ledger.domain.value;

/**
 * Which leader a position copies, as part of the position's identity: a COPY account holds one position
 * per symbol and leader (the leader of its copied positions, none for its own); every other position is
 * one per symbol (per symbol and book in a LEGACY account, whose COPY-book position keeps its first leader
 * without that leader being part of its identity).
 */
public final class CopiedPosition {

    /** The value used for a position that copies nobody, where a key needs a value. */
    public static final String NONE = "";

    private CopiedPosition() {
    }

    /** The leader that the position {@code (book, leader)} of {@code account} copies, or {@link #NONE}. */
    public static String copyOf(String account, Book book, String leader) {
        if (leader == null || book != Book.COPY) {
            return NONE;
        }
        AccountId id = AccountId.parseOrNull(account);
        return id != null && id.type() == AccountType.COPY ? leader : NONE;
    }
}
