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
@Revision("2") // 2: leader, the copied elite trader of a COPY-book position (null for other positions)
public record PositionReduced(String account, String tradeId, String symbol, String settleAsset, Book book,
                              PositionSide side, BigDecimal quantity, BigDecimal price, BigDecimal releasedCost,
                              BigDecimal releasedMargin, BigDecimal realizedPnl, BigDecimal quantityAfter,
                              BigDecimal entryNotionalAfter, BigDecimal positionMarginAfter,
                              BigDecimal walletAfter, String leader) implements AccountEvent {

    /** Without a leader: a position that copies nobody (revision 1 had no leader). */
    public PositionReduced(String account, String tradeId, String symbol, String settleAsset, Book book,
                           PositionSide side, BigDecimal quantity, BigDecimal price, BigDecimal releasedCost,
                           BigDecimal releasedMargin, BigDecimal realizedPnl, BigDecimal quantityAfter,
                           BigDecimal entryNotionalAfter, BigDecimal positionMarginAfter, BigDecimal walletAfter) {
        this(account, tradeId, symbol, settleAsset, book, side, quantity, price, releasedCost, releasedMargin,
                realizedPnl, quantityAfter, entryNotionalAfter, positionMarginAfter, walletAfter, null);
    }

    public boolean closed() {
        return quantityAfter.signum() == 0;
    }
}
