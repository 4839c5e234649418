package dev.ledger.domain.event;

import dev.ledger.domain.value.Book;
import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/**
 * The insurance fund covered {@code amount} of a liquidation loss beyond what the position (ISOLATED)
 * or the account (CROSS) could bear. No account's wallet changes by this event.
 */
@Revision("2") // 2: leader, the copied elite trader of a COPY-book position (null for other positions)
public record InsuranceFundCovered(String account, String commandId, String symbol, String asset, Book book,
                                   BigDecimal amount, String leader) implements AccountEvent {

    /** Without a leader: a position that copies nobody (revision 1 had no leader). */
    public InsuranceFundCovered(String account, String commandId, String symbol, String asset, Book book,
                                BigDecimal amount) {
        this(account, commandId, symbol, asset, book, amount, null);
    }
}
