package dev.ledger.projections.copy;

import dev.ledger.domain.event.TradeCopied;
import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.CopyOutcome;
import dev.ledger.domain.value.CopyReason;
import dev.ledger.projections.support.BufferedTable;
import dev.ledger.projections.support.ReadModelTables;
import dev.ledger.projections.support.Sql;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.queryhandling.QueryHandler;

import java.util.List;

/**
 * The copies read model: for each copier, what each lead trade its follows looked at became (COPIED,
 * CLIPPED or SKIPPED and why, the lead quantity and what the copier booked), in the order of the lead
 * trades (the order of the copier's COPY account).
 */
public class CopiesProjection {

    public static final String NAME = "copies";
    public static final List<String> TABLES = List.of("rm_copy_outcome");

    private final ReadModelTables tables;
    private final BufferedTable outcomes;

    public CopiesProjection(ReadModelTables tables) {
        this.tables = tables;
        this.outcomes = tables.table("rm_copy_outcome", List.of("copier", "seq"),
                List.of("lead_trade", "leader", "symbol", "lead_quantity", "quantity", "outcome", "reason"));
    }

    @EventHandler
    void on(TradeCopied event, @SequenceNumber long sequence) {
        outcomes.row(AccountId.parse(event.account()).user(), sequence)
                .set("lead_trade", event.leadTrade())
                .set("leader", event.leader())
                .set("symbol", event.symbol())
                .set("lead_quantity", event.leadQuantity())
                .set("quantity", event.quantity())
                .set("outcome", event.outcome())
                .set("reason", event.reason());
    }

    @QueryHandler
    public CopiesView handle(FindCopies query) {
        String sql = "SELECT lead_trade, leader, symbol, lead_quantity, quantity, outcome, reason FROM "
                + tables.name("rm_copy_outcome") + " WHERE copier = ?" + (query.leader() == null ? "" : " AND leader = ?")
                + " ORDER BY seq";
        List<CopiesView.Outcome> rows = Sql.query(tables.connections(), sql, s -> {
            s.setString(1, query.copier());
            if (query.leader() != null) {
                s.setString(2, query.leader());
            }
        }, r -> new CopiesView.Outcome(r.getString(1), r.getString(2), r.getString(3), Sql.decimal(r, "lead_quantity"),
                Sql.decimal(r, "quantity"), CopyOutcome.valueOf(r.getString(6)),
                r.getString(7) == null ? null : CopyReason.valueOf(r.getString(7))));
        return new CopiesView(query.copier(), rows);
    }
}
