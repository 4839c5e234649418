package dev.ledger.projections.valuation;

import java.math.BigDecimal;

/**
 * An open position valued at the latest mark: the figures of the risk view. {@code liquidationPrice}
 * is {@code null} for CROSS positions and when its exact value is {@code <= 0}.
 */
public record ValuedPosition(OpenPosition position, BigDecimal entryPrice, BigDecimal markPrice,
                             BigDecimal unrealizedPnl, BigDecimal maintenanceMargin, BigDecimal initialMargin,
                             BigDecimal liquidationPrice, boolean liquidatable) {
}
