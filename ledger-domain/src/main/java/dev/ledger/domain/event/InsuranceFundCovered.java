package dev.ledger.domain.event;

import dev.ledger.domain.value.Book;
import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/**
 * The insurance fund covered {@code amount} of a liquidation loss beyond what the position (ISOLATED)
 * or the account (CROSS) could bear. No account's wallet changes by this event.
 */
@Revision("1")
public record InsuranceFundCovered(String account, String commandId, String symbol, String asset, Book book,
                                   BigDecimal amount) implements AccountEvent {
}
