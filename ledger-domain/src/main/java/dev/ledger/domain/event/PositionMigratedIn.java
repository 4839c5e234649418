package dev.ledger.domain.event;

import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.PositionSide;
import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/** A position moved in by the migration, with exactly the figures it had in the legacy account. */
@Revision("1")
public record PositionMigratedIn(String account, String from, String symbol, String settleAsset, PositionSide side,
                                 BigDecimal quantity, BigDecimal entryNotional, int leverage, MarginMode marginMode,
                                 BigDecimal positionMargin) implements AccountEvent {
}
