package dev.ledger.domain.event;

import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.PositionSide;
import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/**
 * A fill reduced (or, with {@code quantityAfter} 0, closed) a position by {@code quantity} at {@code price}:
 * {@code releasedCost = round8(entryNotional*quantity/quantityBefore)} (all of it on close),
 * {@code realizedPnl = round8(price*quantity) - releasedCost} (LONG) or the reverse (SHORT), booked to the
 * wallet ({@code walletAfter}); {@code releasedMargin} likewise from the position margin for ISOLATED.
 */
@Revision("1")
public record PositionReduced(String account, String tradeId, String symbol, String settleAsset, Book book,
                              PositionSide side, BigDecimal quantity, BigDecimal price, BigDecimal releasedCost,
                              BigDecimal releasedMargin, BigDecimal realizedPnl, BigDecimal quantityAfter,
                              BigDecimal entryNotionalAfter, BigDecimal positionMarginAfter,
                              BigDecimal walletAfter) implements AccountEvent {
    public boolean closed() {
        return quantityAfter.signum() == 0;
    }
}
