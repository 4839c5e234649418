package dev.ledger.domain.event;

import dev.ledger.domain.value.Book;
import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/**
 * Free balance moved into ({@code amount > 0}) or out of ({@code amount < 0}) an ISOLATED position's
 * margin. The wallet is unchanged; only what is available moves.
 */
@Revision("2") // 2: leader, the copied elite trader of a COPY-book position (null for other positions)
public record IsolatedMarginAdjusted(String account, String commandId, String symbol, String settleAsset, Book book,
                                     BigDecimal amount, BigDecimal positionMarginAfter, String leader) implements AccountEvent {

    /** Without a leader: a position that copies nobody (revision 1 had no leader). */
    public IsolatedMarginAdjusted(String account, String commandId, String symbol, String settleAsset, Book book,
                                  BigDecimal amount, BigDecimal positionMarginAfter) {
        this(account, commandId, symbol, settleAsset, book, amount, positionMarginAfter, null);
    }
}
