package dev.ledger.domain.market;

import dev.ledger.domain.value.MigrationPhase;
import dev.ledger.domain.value.SymbolSpec;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.function.Supplier;

/** A market state loaded the first time a decision reads it, then kept for that decision. */
final class LazyMarketState implements MarketState {

    private final Supplier<MarketState> loader;
    private MarketState loaded;

    LazyMarketState(Supplier<MarketState> loader) {
        this.loader = Objects.requireNonNull(loader, "loader");
    }

    private MarketState market() {
        if (loaded == null) {
            loaded = loader.get();
        }
        return loaded;
    }

    @Override
    public SymbolSpec symbol(String symbol) {
        return market().symbol(symbol);
    }

    @Override
    public BigDecimal markPrice(String symbol) {
        return market().markPrice(symbol);
    }

    @Override
    public MigrationPhase migrationPhase() {
        return market().migrationPhase();
    }
}
