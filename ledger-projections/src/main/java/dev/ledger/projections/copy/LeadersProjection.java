package dev.ledger.projections.copy;

import dev.ledger.domain.event.FollowerJoined;
import dev.ledger.domain.event.FollowerLeft;
import dev.ledger.domain.event.LeaderTermsSet;
import dev.ledger.projections.support.BufferedTable;
import dev.ledger.projections.support.ReadModelTables;
import org.axonframework.eventhandling.EventHandler;

import java.util.List;

/** The leaders' read model: each leader's terms and how many follows of it are active, from its book. */
public class LeadersProjection {

    public static final String NAME = "leaders";
    public static final List<String> TABLES = List.of("rm_leader");

    private final BufferedTable leaders;

    public LeadersProjection(ReadModelTables tables) {
        this.leaders = tables.table("rm_leader", List.of("leader"),
                List.of("profit_share_rate", "max_followers", "active_followers"));
    }

    @EventHandler
    void on(LeaderTermsSet event) {
        BufferedTable.Row row = leaders.row(event.leader());
        if (row.isNull("active_followers")) {
            row.set("active_followers", 0);
        }
        row.set("profit_share_rate", event.profitShareRate()).set("max_followers", event.maxFollowers());
    }

    @EventHandler
    void on(FollowerJoined event) {
        leaders.row(event.leader()).set("active_followers", event.activeFollowers());
    }

    @EventHandler
    void on(FollowerLeft event) {
        leaders.row(event.leader()).set("active_followers", event.activeFollowers());
    }
}
