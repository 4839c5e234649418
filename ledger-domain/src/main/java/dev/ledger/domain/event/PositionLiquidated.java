package dev.ledger.domain.event;

import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.PositionSide;
import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/**
 * A position was closed whole at {@code price} by liquidation, with no fee. {@code uncappedPnl} is the
 * result of the close as a reduce; {@code realizedPnl} is what was booked to the wallet: a loss capped at
 * the position's margin (ISOLATED) or at {@code max(wallet, 0)} before the liquidation (CROSS).
 * {@code insuranceCover = realizedPnl - uncappedPnl} is the part of the loss the insurance fund covers.
 */
@Revision("2") // 2: leader, the copied elite trader of a COPY-book position (null for other positions)
public record PositionLiquidated(String account, String commandId, String symbol, String settleAsset, Book book,
                                 PositionSide side, MarginMode marginMode, BigDecimal quantity, BigDecimal price,
                                 BigDecimal releasedCost, BigDecimal releasedMargin, BigDecimal uncappedPnl,
                                 BigDecimal realizedPnl, BigDecimal insuranceCover, BigDecimal walletAfter, String leader)
        implements AccountEvent {

    /** Without a leader: a position that copies nobody (revision 1 had no leader). */
    public PositionLiquidated(String account, String commandId, String symbol, String settleAsset, Book book,
                              PositionSide side, MarginMode marginMode, BigDecimal quantity, BigDecimal price,
                              BigDecimal releasedCost, BigDecimal releasedMargin, BigDecimal uncappedPnl,
                              BigDecimal realizedPnl, BigDecimal insuranceCover, BigDecimal walletAfter) {
        this(account, commandId, symbol, settleAsset, book, side, marginMode, quantity, price, releasedCost,
                releasedMargin, uncappedPnl, realizedPnl, insuranceCover, walletAfter, null);
    }
}
