package dev.ledger.projections.valuation;

import dev.ledger.domain.value.Book;
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
}
