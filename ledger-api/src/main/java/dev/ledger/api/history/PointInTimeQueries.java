package dev.ledger.api.history;

import dev.ledger.api.store.JdbcTransactions;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.api.store.StoreException;
import dev.ledger.domain.market.Market;
import dev.ledger.domain.event.FollowerJoined;
import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.AccountType;
import dev.ledger.projections.ProjectionCatalog;
import dev.ledger.projections.copy.CopiesProjection;
import dev.ledger.projections.copy.CopiesView;
import dev.ledger.projections.copy.FindCopies;
import dev.ledger.projections.copy.FindFollowers;
import dev.ledger.projections.copy.FindFollows;
import dev.ledger.projections.copy.FollowersView;
import dev.ledger.projections.copy.FollowsProjection;
import dev.ledger.projections.copy.FollowsView;
import dev.ledger.projections.balance.BalanceProjection;
import dev.ledger.projections.balance.BalanceView;
import dev.ledger.projections.balance.FindBalance;
import dev.ledger.projections.performance.FindPerformance;
import dev.ledger.projections.performance.PerformanceProjection;
import dev.ledger.projections.performance.PerformanceView;
import dev.ledger.projections.risk.FindRisk;
import dev.ledger.projections.risk.RiskQueries;
import dev.ledger.projections.risk.RiskView;
import dev.ledger.projections.support.ReadModelTables;
import dev.ledger.projections.support.RetainedRows;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Answers the balance, risk and performance views of an account as of an instant, from the events
 * (not from current state): the account's events and the market's events stamped at or before that
 * instant are replayed, through the very projections that build the live read models, into a scratch
 * in-memory database, and the live query code answers from there.
 */
public final class PointInTimeQueries {

    private final LedgerStore store;

    public PointInTimeQueries(LedgerStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    public Optional<BalanceView> balance(String account, Instant at) {
        return answer(account, at, scratch -> ((BalanceProjection) scratch.projection(BalanceProjection.NAME))
                .handle(new FindBalance(account)));
    }

    public Optional<RiskView> risk(String account, Instant at) {
        return answer(account, at, scratch -> new RiskQueries(scratch.transactions).handle(new FindRisk(account)));
    }

    public Optional<PerformanceView> performance(String account, Instant at) {
        return answer(account, at, scratch -> ((PerformanceProjection) scratch.projection(PerformanceProjection.NAME))
                .handle(new FindPerformance(account)));
    }

    /** A copier's follows as of {@code at}, from its COPY account's events and the market's. */
    public FollowsView follows(String copier, Instant at) {
        String account = AccountId.of(copier, AccountType.COPY).toString();
        return answer(List.of(account), at, scratch -> Optional.of(((FollowsProjection) scratch.projection(FollowsProjection.NAME))
                .handle(new FindFollows(copier)))).orElseThrow();
    }

    /** A copier's copy outcomes as of {@code at}, from its COPY account's events. */
    public CopiesView copies(String copier, String leader, Instant at) {
        String account = AccountId.of(copier, AccountType.COPY).toString();
        return answer(List.of(account), at, scratch -> Optional.of(((CopiesProjection) scratch.projection(CopiesProjection.NAME))
                .handle(new FindCopies(copier, leader)))).orElseThrow();
    }

    /**
     * A leader's terms and followers as of {@code at}: its book's events, the COPY account events of every
     * copier the book names by then, and the market's. Empty when the leader had no terms yet.
     */
    public Optional<FollowersView> followers(String leader, int limit, Instant at) {
        String book = leader + ":LEADER";
        List<String> streams = new ArrayList<>();
        streams.add(book);
        store.eventStorage().readEvents(book).asStream()
                .filter(event -> !event.getTimestamp().isAfter(at))
                .map(event -> event.getPayload() instanceof FollowerJoined joined ? joined.copier() : null)
                .filter(Objects::nonNull).distinct()
                .forEach(copier -> streams.add(AccountId.of(copier, AccountType.COPY).toString()));
        return answer(streams, at, scratch -> ((FollowsProjection) scratch.projection(FollowsProjection.NAME))
                .handle(new FindFollowers(leader, limit)));
    }

    private <T> Optional<T> answer(String account, Instant at, Function<Scratch, Optional<T>> query) {
        Objects.requireNonNull(account, "account");
        return answer(List.of(account), at, query);
    }

    private <T> Optional<T> answer(List<String> streams, Instant at, Function<Scratch, Optional<T>> query) {
        Objects.requireNonNull(at, "at");
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:point-in-time-" + UUID.randomUUID() + ";MODE=PostgreSQL;DEFAULT_NULL_ORDERING=HIGH");
        dataSource.setUser("sa");
        // The scratch database lives as long as this connection is open.
        try (Connection keepAlive = dataSource.getConnection()) {
            Flyway.configure(PointInTimeQueries.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/projections")
                    .table("projection_schema_history")
                    .load()
                    .migrate();
            Scratch scratch = new Scratch(new JdbcTransactions(dataSource));
            scratch.replay(Market.ID, at);
            for (String stream : streams) {
                scratch.replay(stream, at);
            }
            return query.apply(scratch);
        } catch (SQLException e) {
            throw new StoreException("cannot build the point-in-time view of " + streams + " at " + at, e);
        }
    }

    /** A scratch database with one instance of every projection writing to it. */
    private final class Scratch {
        private final JdbcTransactions transactions;
        private final List<Object> projections = new ArrayList<>();
        private final List<AnnotationEventHandlerAdapter> handlers = new ArrayList<>();

        private Scratch(JdbcTransactions transactions) {
            this.transactions = transactions;
            ReadModelTables tables = ReadModelTables.scratch(transactions, RetainedRows.sizedToHeap());
            for (ProjectionCatalog.Projection projection : ProjectionCatalog.ALL) {
                Object instance = projection.create(tables);
                projections.add(instance);
                handlers.add(new AnnotationEventHandlerAdapter(instance));
            }
        }

        Object projection(String name) {
            return projections.get(ProjectionCatalog.names().indexOf(name));
        }

        /** Replays one event stream's events stamped at or before {@code at}. */
        void replay(String aggregateId, Instant at) {
            Transaction transaction = transactions.startTransaction();
            UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(new GenericMessage<>("point in time " + aggregateId));
            try {
                DomainEventStream events = store.eventStorage().readEvents(aggregateId);
                while (events.hasNext()) {
                    var event = events.next();
                    if (event.getTimestamp().isAfter(at)) {
                        break;
                    }
                    for (AnnotationEventHandlerAdapter handler : handlers) {
                        handler.handle(event);
                    }
                }
                unitOfWork.commit();
                transaction.commit();
            } catch (Exception e) {
                if (unitOfWork.isActive()) {
                    unitOfWork.rollback(e);
                }
                if (transactions.inTransaction()) {
                    transaction.rollback();
                }
                throw new StoreException("cannot replay " + aggregateId + " up to " + at, e);
            }
        }
    }
}
