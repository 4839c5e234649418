package dev.ledger.domain.value;

import java.math.BigDecimal;

/** A listed linear perpetual contract: its settle asset, maintenance margin rate and maximum leverage. */
public record SymbolSpec(String symbol, String settleAsset, BigDecimal maintenanceMarginRate, int maxLeverage) {
}
