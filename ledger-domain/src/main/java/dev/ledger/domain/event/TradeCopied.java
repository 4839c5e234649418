package dev.ledger.domain.event;

import dev.ledger.domain.value.CopyOutcome;
import dev.ledger.domain.value.CopyReason;
import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/**
 * What one follow of {@code leader} made of one lead trade ({@code leadTrade}, the id of the leader's
 * command) in the copier's COPY account: the outcome and its reason, the lead quantity, the quantity the
 * copier booked (0 when nothing was), and the bookings themselves: the same records a fill or a
 * liquidation of the copier's own would book, each null when it did not happen ({@code reduced} and
 * {@code opened} both for a flip; {@code liquidated} and {@code insuranceCover} for a mirrored
 * liquidation). One event per copier per lead trade, so a fan-out writes one row per copier.
 */
@Revision("1")
public record TradeCopied(String account, String leader, String leadTrade, String symbol, CopyOutcome outcome,
                          CopyReason reason, BigDecimal leadQuantity, BigDecimal quantity, PositionReduced reduced,
                          PositionOpened opened, PositionIncreased increased, FeeCharged fee,
                          PositionLiquidated liquidated, InsuranceFundCovered insuranceCover) implements AccountEvent {
}
