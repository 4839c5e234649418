package dev.ledger.domain.event;

import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/**
 * The profit share of the pair (copier, {@code leader}) in {@code asset} was settled in the copier's COPY
 * account: the pair's net PnL then; {@code accrued = round8((netPnl - highWaterMark) * rate)} when the net
 * PnL was above the high-water mark (which moves up to it, {@code highWaterMarkAfter}), else 0; {@code paid}
 * the part of what was owed that the copier's available allowed, moved to {@code leaderAccount}; what stays
 * owed and the pair's total paid after it; the copier's wallet after it.
 */
@Revision("1")
public record ProfitShareSettled(String account, String leader, String leaderAccount, String asset, BigDecimal netPnl,
                                 BigDecimal accrued, BigDecimal highWaterMarkAfter, BigDecimal paid,
                                 BigDecimal owedAfter, BigDecimal paidTotalAfter, BigDecimal walletAfter)
        implements AccountEvent {
}
