package dev.ledger.projections.performance;

import java.math.BigDecimal;

/**
 * The performance of one account (the Performance section of the accounting rules). {@code profitShare} is
 * the copy-trading profit share received (a leader's ELITE account) less paid (a copier's COPY account), 0 in
 * every other account; {@code netPnl = realizedPnl - fees + funding + profitShare}. {@code roi} is null while
 * {@code peakNetInflow} is 0; {@code winRate} is null before the first won or lost round trip.
 */
public record PerformanceView(String account, BigDecimal realizedPnl, BigDecimal fees, BigDecimal funding,
                              BigDecimal profitShare, BigDecimal netPnl, BigDecimal unrealizedPnl, BigDecimal totalPnl, BigDecimal netInflow,
                              BigDecimal peakNetInflow, BigDecimal roi, int wins, int losses, BigDecimal winRate,
                              BigDecimal maxDrawdown) {
}
