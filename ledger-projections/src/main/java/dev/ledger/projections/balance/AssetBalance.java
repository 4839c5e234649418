package dev.ledger.projections.balance;

import java.math.BigDecimal;

/**
 * The balance of one asset in one account, with the figures of {@code accounting.md}:
 * {@code equity = wallet + unrealizedPnl};
 * {@code available = wallet - isolatedMargin - crossInitialMargin + min(0, crossUnrealizedPnl)}.
 */
public record AssetBalance(String asset, BigDecimal wallet, BigDecimal inTransit, BigDecimal isolatedMargin,
                           BigDecimal crossInitialMargin, BigDecimal unrealizedPnl, BigDecimal equity,
                           BigDecimal available) {
}
