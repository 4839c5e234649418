package dev.ledger.domain.market;

import dev.ledger.domain.value.MigrationPhase;
import dev.ledger.domain.value.SymbolSpec;

import java.math.BigDecimal;

/** What account decisions read from the market: symbols, the latest mark prices, the migration phase. */
public interface MarketState {

    /** The symbol's listing, or {@code null} when it is not listed. */
    SymbolSpec symbol(String symbol);

    /** The latest recorded mark price, or {@code null} when none was recorded yet. */
    BigDecimal markPrice(String symbol);

    MigrationPhase migrationPhase();

    /** The market before anything was listed. */
    MarketState EMPTY = new MarketState() {
        @Override
        public SymbolSpec symbol(String symbol) {
            return null;
        }

        @Override
        public BigDecimal markPrice(String symbol) {
            return null;
        }

        @Override
        public MigrationPhase migrationPhase() {
            return MigrationPhase.LIVE;
        }
    };
}
