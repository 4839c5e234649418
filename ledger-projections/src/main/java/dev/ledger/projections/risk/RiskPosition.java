package dev.ledger.projections.risk;

import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.PositionSide;

import java.math.BigDecimal;

/**
 * One position in the risk view. {@code book} and {@code leader} are set for LEGACY accounts only
 * ({@code leader} for COPY-book positions); {@code positionMargin} is 0 for CROSS.
 */
public record RiskPosition(String symbol, Book book, String leader, PositionSide side, BigDecimal quantity,
                           BigDecimal entryPrice, BigDecimal entryNotional, BigDecimal markPrice, int leverage,
                           MarginMode marginMode, BigDecimal positionMargin, BigDecimal unrealizedPnl,
                           BigDecimal maintenanceMargin, BigDecimal liquidationPrice, boolean liquidatable) {
}
