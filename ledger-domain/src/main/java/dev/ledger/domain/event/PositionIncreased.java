package dev.ledger.domain.event;

import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.PositionSide;
import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/**
 * A fill added {@code quantity} at {@code price} to a position: {@code notional = round8(price*quantity)},
 * {@code marginAdded = round8(price*quantity/leverage)} for ISOLATED (else 0); the figures after it follow.
 */
@Revision("2") // 2: leader, the copied elite trader of a COPY-book position (null for other positions)
public record PositionIncreased(String account, String tradeId, String symbol, String settleAsset, Book book,
                                PositionSide side, BigDecimal quantity, BigDecimal price, BigDecimal notional,
                                BigDecimal marginAdded, BigDecimal quantityAfter, BigDecimal entryNotionalAfter,
                                BigDecimal positionMarginAfter, String leader) implements AccountEvent {

    /** Without a leader: a position that copies nobody (revision 1 had no leader). */
    public PositionIncreased(String account, String tradeId, String symbol, String settleAsset, Book book,
                             PositionSide side, BigDecimal quantity, BigDecimal price, BigDecimal notional,
                             BigDecimal marginAdded, BigDecimal quantityAfter, BigDecimal entryNotionalAfter,
                             BigDecimal positionMarginAfter) {
        this(account, tradeId, symbol, settleAsset, book, side, quantity, price, notional, marginAdded, quantityAfter,
                entryNotionalAfter, positionMarginAfter, null);
    }
}
