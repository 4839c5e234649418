package dev.ledger.domain.testing;

import dev.ledger.domain.market.MarketState;
import dev.ledger.domain.value.MigrationPhase;
import dev.ledger.domain.value.SymbolSpec;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * The market as an account decision sees it, set up directly by a test: listed symbols, latest marks
 * and the migration phase. (The real {@code Market} aggregate is exercised by its own tests and by
 * {@link InMemoryLedger}.)
 */
public final class TestMarket implements MarketState {

    private final Map<String, SymbolSpec> symbols = new HashMap<>();
    private final Map<String, BigDecimal> marks = new HashMap<>();
    private MigrationPhase phase = MigrationPhase.LIVE;

    /** BTCUSDT and ETHUSDT settled in USDT, mmr 0.005, max leverage 125; no marks; phase LIVE. */
    public static TestMarket standard() {
        return new TestMarket()
                .list("BTCUSDT", "USDT", "0.005", 125)
                .list("ETHUSDT", "USDT", "0.01", 50);
    }

    public TestMarket list(String symbol, String settleAsset, String mmr, int maxLeverage) {
        symbols.put(symbol, new SymbolSpec(symbol, settleAsset, new BigDecimal(mmr), maxLeverage));
        return this;
    }

    public TestMarket mark(String symbol, String price) {
        marks.put(symbol, new BigDecimal(price));
        return this;
    }

    public TestMarket phase(MigrationPhase phase) {
        this.phase = phase;
        return this;
    }

    @Override
    public SymbolSpec symbol(String symbol) {
        return symbols.get(symbol);
    }

    @Override
    public BigDecimal markPrice(String symbol) {
        return marks.get(symbol);
    }

    @Override
    public MigrationPhase migrationPhase() {
        return phase;
    }
}
