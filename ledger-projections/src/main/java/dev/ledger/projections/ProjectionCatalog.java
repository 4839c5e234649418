package dev.ledger.projections;

import dev.ledger.projections.accounts.AccountsProjection;
import dev.ledger.projections.balance.BalanceProjection;
import dev.ledger.projections.copy.CopiesProjection;
import dev.ledger.projections.copy.FollowsProjection;
import dev.ledger.projections.copy.LeadersProjection;
import dev.ledger.projections.market.MarketProjection;
import dev.ledger.projections.migration.MigrationProjection;
import dev.ledger.projections.performance.PerformanceProjection;
import dev.ledger.projections.positions.PositionsProjection;
import dev.ledger.projections.support.ReadModelTables;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every projection of the ledger: its name (also its event processor's name), the tables it owns, and
 * how to make an instance that writes to a given set of tables (live, shadow for a rebuild, or a scratch
 * database for a point-in-time answer). One list, so live processing, rebuilds and point-in-time
 * answers can never disagree about what a read model is.
 */
public final class ProjectionCatalog {

    /** One projection. */
    public record Projection(String name, List<String> tables, Function<ReadModelTables, Object> factory) {
        public Object create(ReadModelTables tables) {
            return factory.apply(tables);
        }
    }

    public static final List<Projection> ALL = List.of(
            new Projection(AccountsProjection.NAME, AccountsProjection.TABLES, AccountsProjection::new),
            new Projection(BalanceProjection.NAME, BalanceProjection.TABLES, BalanceProjection::new),
            new Projection(PositionsProjection.NAME, PositionsProjection.TABLES, PositionsProjection::new),
            new Projection(MarketProjection.NAME, MarketProjection.TABLES, MarketProjection::new),
            new Projection(PerformanceProjection.NAME, PerformanceProjection.TABLES, PerformanceProjection::new),
            new Projection(MigrationProjection.NAME, MigrationProjection.TABLES, MigrationProjection::new),
            new Projection(LeadersProjection.NAME, LeadersProjection.TABLES, LeadersProjection::new),
            new Projection(FollowsProjection.NAME, FollowsProjection.TABLES, FollowsProjection::new),
            new Projection(CopiesProjection.NAME, CopiesProjection.TABLES, CopiesProjection::new));

    private ProjectionCatalog() {
    }

    public static Optional<Projection> named(String name) {
        return ALL.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public static List<String> names() {
        return ALL.stream().map(Projection::name).toList();
    }
}
