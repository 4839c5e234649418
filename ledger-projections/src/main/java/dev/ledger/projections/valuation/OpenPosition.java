package dev.ledger.projections.valuation;

import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.Decimals;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.PositionSide;

import java.math.BigDecimal;

/**
 * An open position as the read models keep it, with what valuing it needs: the symbol's current
 * maintenance margin rate and the latest mark price ({@code null} when none was recorded yet).
 */
public record OpenPosition(String symbol, Book book, String leader, PositionSide side, BigDecimal quantity,
                           BigDecimal entryNotional, int leverage, MarginMode marginMode, BigDecimal positionMargin,
                           String settleAsset, BigDecimal maintenanceMarginRate, BigDecimal markPrice) {

    /** {@code round8(mark*quantity) - entryNotional} (LONG) or the reverse (SHORT); 0 before the first mark. */
    public BigDecimal unrealizedPnl() {
        if (markPrice == null) {
            return BigDecimal.ZERO.setScale(Decimals.SCALE);
        }
        BigDecimal value = Decimals.round8(markPrice.multiply(quantity));
        return side == PositionSide.LONG ? value.subtract(entryNotional) : entryNotional.subtract(value);
    }

    /** {@code round8(entryNotional/leverage)}: a CROSS position's initial margin. */
    public BigDecimal initialMargin() {
        return entryNotional.divide(BigDecimal.valueOf(leverage), Decimals.SCALE, Decimals.ROUNDING);
    }

    /** The margin the position holds: ISOLATED its position margin, CROSS its initial margin. */
    public BigDecimal marginInUse() {
        return marginMode == MarginMode.ISOLATED ? positionMargin : initialMargin();
    }
}
