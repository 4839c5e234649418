package dev.ledger.projections.market;

import dev.ledger.domain.event.MarkPriceUpdated;
import dev.ledger.domain.event.SymbolConfigured;
import dev.ledger.projections.support.BufferedTable;
import dev.ledger.projections.support.ReadModelTables;
import org.axonframework.eventhandling.EventHandler;

import java.util.List;

/**
 * Listed symbols and the latest mark price of each. A burst of mark ticks within one batch of events
 * writes one row per symbol.
 */
public class MarketProjection {

    public static final String NAME = "market";
    public static final List<String> TABLES = List.of("rm_symbol", "rm_mark_price");

    private final BufferedTable symbols;
    private final BufferedTable marks;

    public MarketProjection(ReadModelTables tables) {
        this.symbols = tables.table("rm_symbol", List.of("symbol"),
                List.of("settle_asset", "maintenance_margin_rate", "max_leverage"));
        this.marks = tables.table("rm_mark_price", List.of("symbol"), List.of("price"));
    }

    @EventHandler
    void on(SymbolConfigured event) {
        symbols.row(event.symbol())
                .set("settle_asset", event.settleAsset())
                .set("maintenance_margin_rate", event.maintenanceMarginRate())
                .set("max_leverage", event.maxLeverage());
    }

    @EventHandler
    void on(MarkPriceUpdated event) {
        marks.row(event.symbol()).set("price", event.price());
    }
}
