package dev.ledger.projections.positions;

import dev.ledger.domain.event.IsolatedMarginAdjusted;
import dev.ledger.domain.event.PositionIncreased;
import dev.ledger.domain.event.PositionLiquidated;
import dev.ledger.domain.event.PositionOpened;
import dev.ledger.domain.event.PositionReduced;
import dev.ledger.domain.event.PositionMigratedIn;
import dev.ledger.domain.event.PositionMigratedOut;
import dev.ledger.domain.event.TradeCopied;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.CopiedPosition;
import dev.ledger.projections.support.BufferedTable;
import dev.ledger.projections.support.ReadModelTables;
import dev.ledger.projections.support.StreamKeys;
import org.axonframework.eventhandling.EventHandler;

import java.util.List;

/**
 * The open positions of every account, as their events leave them; a COPY account's positions are one per
 * symbol and copied leader ({@code copy_of}).
 */
public class PositionsProjection {

    public static final String NAME = "positions";
    public static final List<String> TABLES = List.of("rm_position");

    private final BufferedTable positions;

    public PositionsProjection(ReadModelTables tables) {
        this.positions = tables.table("rm_position", List.of("account", "symbol", "book", "copy_of"),
                List.of("leader", "side", "quantity", "entry_notional", "leverage", "margin_mode", "position_margin",
                        "settle_asset")).prefetchedByStream(StreamKeys::account);
    }

    @EventHandler
    void on(PositionOpened event) {
        row(event.account(), event.symbol(), event.book(), event.leader())
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
        row(event.account(), event.symbol(), event.book(), event.leader())
                .set("quantity", event.quantityAfter())
                .set("entry_notional", event.entryNotionalAfter())
                .set("position_margin", event.positionMarginAfter());
    }

    @EventHandler
    void on(PositionReduced event) {
        BufferedTable.Row row = row(event.account(), event.symbol(), event.book(), event.leader());
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
        row(event.account(), event.symbol(), event.book(), event.leader())
                .set("position_margin", event.positionMarginAfter());
    }

    @EventHandler
    void on(PositionMigratedOut event) {
        row(event.account(), event.symbol(), event.book(), null).delete();
    }

    @EventHandler
    void on(PositionMigratedIn event) {
        row(event.account(), event.symbol(), Book.PERSONAL, null)
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
        row(event.account(), event.symbol(), event.book(), event.leader()).delete();
    }

    /** A mirrored lead trade books on the copier's position as a trade of its own would. */
    @EventHandler
    void on(TradeCopied event) {
        if (event.reduced() != null) {
            on(event.reduced());
        }
        if (event.opened() != null) {
            on(event.opened());
        }
        if (event.increased() != null) {
            on(event.increased());
        }
        if (event.liquidated() != null) {
            on(event.liquidated());
        }
    }

    private BufferedTable.Row row(String account, String symbol, Book book, String leader) {
        return positions.row(account, symbol, book.name(), CopiedPosition.copyOf(account, book, leader));
    }
}
