package dev.ledger.domain.event;

/** An event of the market: the listed symbols, their mark prices and the migration phase. */
public sealed interface MarketEvent permits SymbolConfigured, MarkPriceUpdated, MigrationPhaseChanged {
}
