package dev.ledger.domain.event;

import dev.ledger.domain.value.FollowMode;
import org.axonframework.serialization.Revision;

import java.math.BigDecimal;
import java.util.List;

/**
 * The copier's COPY account ({@code account}) started following {@code leader}: its settings, the
 * leader's profit-share rate at this moment (the follow keeps it), and the pair's net PnL per asset now
 * ({@code startNetPnl}, assets the pair never booked in count as 0), from which {@code maxLoss} is
 * measured. Copying starts with the next command.
 */
@Revision("1")
public record FollowStarted(String account, String leader, FollowMode mode, BigDecimal amount, BigDecimal ratio,
                            BigDecimal maxTotalMargin, BigDecimal maxLoss, BigDecimal profitShareRate,
                            List<AssetAmount> startNetPnl) implements AccountEvent {
}
