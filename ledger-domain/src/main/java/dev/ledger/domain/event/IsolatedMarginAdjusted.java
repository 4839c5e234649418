package dev.ledger.domain.event;

import dev.ledger.domain.value.Book;
import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/**
 * Free balance moved into ({@code amount > 0}) or out of ({@code amount < 0}) an ISOLATED position's
 * margin. The wallet is unchanged; only what is available moves.
 */
@Revision("1")
public record IsolatedMarginAdjusted(String account, String commandId, String symbol, String settleAsset, Book book,
                                     BigDecimal amount, BigDecimal positionMarginAfter) implements AccountEvent {
}
