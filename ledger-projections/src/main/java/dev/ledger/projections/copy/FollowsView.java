package dev.ledger.projections.copy;

import dev.ledger.domain.value.CloseMode;
import dev.ledger.domain.value.FollowEndReason;
import dev.ledger.domain.value.FollowMode;
import dev.ledger.domain.value.FollowState;

import java.math.BigDecimal;
import java.util.List;

/** A copier's follows, sorted by leader: each pair's latest follow, its counts over all follows, its figures per asset. */
public record FollowsView(String copier, List<Follow> follows) {

    /** One pair. {@code close} is set once the follow ended; counts are over all follows of the pair. */
    public record Follow(String leader, FollowState state, FollowEndReason endReason, CloseMode close, FollowMode mode,
                         BigDecimal amount, BigDecimal ratio, BigDecimal maxTotalMargin, BigDecimal maxLoss,
                         BigDecimal profitShareRate, int copied, int clipped, int skipped, int openPositions,
                         List<PairFigures> assets) {
    }

    /**
     * A pair's figures in one asset: margin in use and unrealized PnL of its open positions at the latest
     * marks, what was booked on its positions ({@code netPnl = realizedPnl - fees + funding}), the profit-share
     * high-water mark, paid and owed.
     */
    public record PairFigures(String asset, BigDecimal marginInUse, BigDecimal realizedPnl, BigDecimal fees,
                              BigDecimal funding, BigDecimal netPnl, BigDecimal unrealizedPnl, BigDecimal highWaterMark,
                              BigDecimal profitSharePaid, BigDecimal profitShareOwed) {
    }
}
