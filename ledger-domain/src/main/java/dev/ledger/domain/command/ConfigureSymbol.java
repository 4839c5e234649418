package dev.ledger.domain.command;

import java.math.BigDecimal;

/**
 * Lists (or re-lists with new values) a linear perpetual contract, e.g. {@code BTCUSDT} settled in
 * {@code USDT}. Never refused for its state: configuring again replaces the values.
 */
public record ConfigureSymbol(String id, String symbol, String settleAsset, BigDecimal maintenanceMarginRate,
                              Integer maxLeverage) implements LedgerCommand {
}
