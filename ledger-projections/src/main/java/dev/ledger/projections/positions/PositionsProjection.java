package dev.ledger.projections.positions;

import dev.ledger.domain.event.IsolatedMarginAdjusted;
import dev.ledger.domain.event.PositionIncreased;
import dev.ledger.domain.event.PositionLiquidated;
import dev.ledger.domain.event.PositionOpened;
import dev.ledger.domain.event.PositionReduced;
import dev.ledger.domain.event.PositionMigratedIn;
import dev.ledger.domain.event.PositionMigratedOut;
import dev.ledger.domain.value.Book;
import dev.ledger.projections.support.BufferedTable;
import dev.ledger.projections.support.ReadModelTables;
import org.axonframework.eventhandling.EventHandler;

import java.util.List;

/** The open positions of every account, as their events leave them. */
public class PositionsProjection {

    public static final String NAME = "positions";
    public static final List<String> TABLES = List.of("rm_position");

    private final BufferedTable positions;

    public PositionsProjection(ReadModelTables tables) {
        this.positions = tables.table("rm_position", List.of("account", "symbol", "book"),
                List.of("leader", "side", "quantity", "entry_notional", "leverage", "margin_mode", "position_margin",
                        "settle_asset"));
    }

    @EventHandler
    void on(PositionOpened event) {
        positions.row(event.account(), event.symbol(), event.book().name())
                .set("leader", event.leader())
                .set("side", event.side())
                .set("quantity", event.quantity())
                .set("entry_notional", event.entryNotional())
                .set("leverage", event.leverage())
                .set("margin_mode", event.marginMode())
                .set("position_margin", event.positionMargin())
                .set("settle_asset", event.settleAsset());
    }

    @EventHandler
    void on(PositionIncreased event) {
        positions.row(event.account(), event.symbol(), event.book().name())
                .set("quantity", event.quantityAfter())
                .set("entry_notional", event.entryNotionalAfter())
                .set("position_margin", event.positionMarginAfter());
    }

    @EventHandler
    void on(PositionReduced event) {
        BufferedTable.Row row = positions.row(event.account(), event.symbol(), event.book().name());
        if (event.closed()) {
            row.delete();
        } else {
            row.set("quantity", event.quantityAfter())
                    .set("entry_notional", event.entryNotionalAfter())
                    .set("position_margin", event.positionMarginAfter());
        }
    }

    @EventHandler
    void on(IsolatedMarginAdjusted event) {
        positions.row(event.account(), event.symbol(), event.book().name())
                .set("position_margin", event.positionMarginAfter());
    }

    @EventHandler
    void on(PositionMigratedOut event) {
        positions.row(event.account(), event.symbol(), event.book().name()).delete();
    }

    @EventHandler
    void on(PositionMigratedIn event) {
        positions.row(event.account(), event.symbol(), Book.PERSONAL.name())
                .set("leader", null)
                .set("side", event.side())
                .set("quantity", event.quantity())
                .set("entry_notional", event.entryNotional())
                .set("leverage", event.leverage())
                .set("margin_mode", event.marginMode())
                .set("position_margin", event.positionMargin())
                .set("settle_asset", event.settleAsset());
    }

    @EventHandler
    void on(PositionLiquidated event) {
        positions.row(event.account(), event.symbol(), event.book().name()).delete();
    }
}
