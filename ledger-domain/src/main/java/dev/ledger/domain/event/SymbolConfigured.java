package dev.ledger.domain.event;

import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/** A linear perpetual contract was listed, or its values replaced. */
@Revision("1")
public record SymbolConfigured(String symbol, String settleAsset, BigDecimal maintenanceMarginRate, int maxLeverage)
        implements MarketEvent {
}
