package dev.ledger.domain.market;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.domain.command.CommandRejectedException;
import dev.ledger.domain.event.MarkPriceUpdated;
import dev.ledger.domain.event.MigrationPhaseChanged;
import dev.ledger.domain.event.SymbolConfigured;
import dev.ledger.domain.value.MigrationPhase;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.domain.value.SymbolSpec;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * The market, one aggregate for the whole ledger: listed symbols, their latest mark prices and the
 * global migration phase. A mark-price tick appends one event here and touches no account, so its
 * cost does not depend on how many positions are open; accounts read the latest marks when they decide.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class Market implements MarketState {

    /** The aggregate identifier of the one market. */
    public static final String ID = "MARKET";

    @AggregateIdentifier
    private String marketId;
    private final Map<String, SymbolSpec> symbols = new HashMap<>();
    private final Map<String, BigDecimal> markPrices = new HashMap<>();
    private MigrationPhase migrationPhase = MigrationPhase.LIVE;

    protected Market() {
    }

    /** A new, empty market; the command that creates it applies its first event. */
    static Market create() {
        Market market = new Market();
        market.marketId = ID;
        return market;
    }

    void configure(String symbol, String settleAsset, BigDecimal maintenanceMarginRate, int maxLeverage) {
        apply(new SymbolConfigured(symbol, settleAsset, maintenanceMarginRate, maxLeverage));
    }

    void updateMarkPrice(String symbol, BigDecimal price) {
        requireListed(symbol);
        apply(new MarkPriceUpdated(symbol, price));
    }

    void moveMigrationPhase(MigrationPhase to) {
        if (to.compareTo(migrationPhase) <= 0) {
            throw new CommandRejectedException(RejectionCode.MIGRATION_RESTRICTED,
                    "the migration phase moves forward only: it is " + migrationPhase + ", " + to + " is not after it");
        }
        apply(new MigrationPhaseChanged(migrationPhase, to));
    }

    void requireListed(String symbol) {
        if (!symbols.containsKey(symbol)) {
            throw new CommandRejectedException(RejectionCode.UNKNOWN_SYMBOL, symbol + " is not listed (ConfigureSymbol first)");
        }
    }

    @Override
    public SymbolSpec symbol(String symbol) {
        return symbols.get(symbol);
    }

    @Override
    public BigDecimal markPrice(String symbol) {
        return markPrices.get(symbol);
    }

    @Override
    public MigrationPhase migrationPhase() {
        return migrationPhase;
    }

    @EventSourcingHandler
    void on(SymbolConfigured event) {
        marketId = ID;
        symbols.put(event.symbol(), new SymbolSpec(event.symbol(), event.settleAsset(),
                event.maintenanceMarginRate(), event.maxLeverage()));
    }

    @EventSourcingHandler
    void on(MarkPriceUpdated event) {
        marketId = ID;
        markPrices.put(event.symbol(), event.price());
    }

    @EventSourcingHandler
    void on(MigrationPhaseChanged event) {
        marketId = ID;
        migrationPhase = event.to();
    }
}
