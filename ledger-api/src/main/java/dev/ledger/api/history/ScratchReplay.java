package dev.ledger.api.history;

import dev.ledger.api.read.ProjectionEventHandler;
import dev.ledger.api.store.JdbcTransactions;
import dev.ledger.api.store.StoreException;
import dev.ledger.projections.ProjectionCatalog;
import dev.ledger.projections.support.ReadModelTables;
import dev.ledger.projections.support.RetainedRows;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.RunScript;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A scratch in-memory database with the read models' schema and one instance of every projection writing to
 * it, and the replay of event streams into it: what a point-in-time answer and a history checkpoint are
 * built from. The projections are the very ones that build the live read models, so a scratch holds what
 * the live read models would hold had only the replayed events happened. One thread uses a scratch; closing
 * it drops the database.
 */
final class ScratchReplay implements AutoCloseable {

    /**
     * Told of every event replayed, after its handlers ran; may {@link #commit()} or {@link #state()} the
     * scratch. Returns whether the replay goes on.
     */
    interface Listener {
        boolean replayed(DomainEventMessage<?> event);
    }

    private final Connection keepAlive;
    private final JdbcTransactions transactions;
    private final ReadModelTables tables;
    private final List<Object> projections = new ArrayList<>();
    private final List<ProjectionEventHandler> handlers = new ArrayList<>();
    private Transaction transaction;
    private UnitOfWork<?> unitOfWork;

    private ScratchReplay(Connection keepAlive, JdbcDataSource dataSource) {
        this.keepAlive = keepAlive;
        this.transactions = new JdbcTransactions(dataSource);
        this.tables = ReadModelTables.scratch(transactions, RetainedRows.sizedToHeap());
        for (ProjectionCatalog.Projection projection : ProjectionCatalog.ALL) {
            Object instance = projection.create(tables);
            projections.add(instance);
            handlers.add(new ProjectionEventHandler(instance));
        }
    }

    /**
     * The read models' schema scripts, in their order (Flyway migrates the live tables with the same scripts;
     * {@code ScratchReplayTest} checks that a scratch ends up with the schema Flyway makes). A scratch runs
     * them directly: Flyway's own start-up cost more than a whole point-in-time answer.
     */
    static final List<String> SCHEMA_SCRIPTS = List.of("V1__balance_and_accounts.sql", "V2__trading.sql",
            "V3__migration.sql", "V4__rebuild_support.sql", "V5__read_model_positions.sql", "V6__copy_trading.sql");

    private static final String SCRIPTS_LOCATION = "db/projections/";

    /** A fresh scratch database with the read models' schema and no rows. */
    static ScratchReplay create() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:scratch-" + UUID.randomUUID() + ";MODE=PostgreSQL;DEFAULT_NULL_ORDERING=HIGH");
        dataSource.setUser("sa");
        Connection keepAlive = null;
        try {
            // The in-memory database lives as long as this connection is open.
            keepAlive = dataSource.getConnection();
            for (String script : SCHEMA_SCRIPTS) {
                RunScript.execute(keepAlive, new StringReader(schemaScript(script)));
            }
            return new ScratchReplay(keepAlive, dataSource);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(keepAlive);
            throw new StoreException("cannot create a scratch database for a replay", e);
        }
    }

    /** The text of one of the read models' schema scripts. */
    static String schemaScript(String name) {
        try (InputStream in = ScratchReplay.class.getClassLoader().getResourceAsStream(SCRIPTS_LOCATION + name)) {
            if (in == null) {
                throw new IllegalStateException("the read models' schema script " + SCRIPTS_LOCATION + name
                        + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SCRIPTS_LOCATION + name, e);
        }
    }

    JdbcTransactions transactions() {
        return transactions;
    }

    Object projection(String name) {
        return projections.get(ProjectionCatalog.names().indexOf(name));
    }

    /**
     * Replays the events of one stream from sequence number {@code firstSequence} on, stopping before the
     * first one stamped after {@code at}, or at the stream's end when {@code at} is {@code null}. The rows
     * are in the scratch once the replay returns (or when a listener commits).
     */
    void replay(JdbcEventStorageEngine events, String stream, long firstSequence, Instant at, Listener listener) {
        begin(stream);
        try {
            DomainEventStream stored = events.readEvents(stream, firstSequence);
            while (stored.hasNext()) {
                DomainEventMessage<?> event = stored.next();
                if (at != null && event.getTimestamp().isAfter(at)) {
                    break;
                }
                for (ProjectionEventHandler handler : handlers) {
                    handler.handle(event);
                }
                if (listener != null && !listener.replayed(event)) {
                    break;
                }
            }
            finish();
        } catch (Exception e) {
            rollback(e);
            throw e instanceof StoreException store ? store
                    : new StoreException("cannot replay " + stream + (at == null ? "" : " up to " + at), e);
        }
    }

    /** Writes what was replayed so far into the scratch's tables, and goes on in a new batch. */
    void commit() {
        finish();
        begin("replay");
    }

    private void finish() {
        unitOfWork.commit();
        transaction.commit();
        unitOfWork = null;
        transaction = null;
    }

    /** The rows of the scratch's state tables as they are now (commit first), see {@link ScratchState}. */
    byte[] state() {
        try (Connection connection = transactions.getConnection()) {
            return ScratchState.dump(connection);
        } catch (SQLException e) {
            throw new StoreException("cannot read the scratch's rows", e);
        }
    }

    /**
     * Adds the rows of a state taken with {@link #state()} to the scratch (of another stream than any
     * replayed or restored into it so far). The projections then read rows they have not written.
     */
    void restore(byte[] state) {
        try (Connection connection = transactions.getConnection()) {
            ScratchState.restore(connection, state);
        } catch (SQLException e) {
            throw new StoreException("cannot restore a history checkpoint into the scratch", e);
        }
        tables.forgetRetainedRows();
    }

    private void begin(String what) {
        if (transaction == null) {
            transaction = transactions.startTransaction();
            unitOfWork = DefaultUnitOfWork.startAndGet(new GenericMessage<>("replay of " + what));
        }
    }

    private void rollback(Exception cause) {
        try {
            if (unitOfWork != null && unitOfWork.isActive()) {
                unitOfWork.rollback(cause);
            }
            if (transactions.inTransaction()) {
                transaction.rollback();
            }
        } catch (RuntimeException suppressed) {
            cause.addSuppressed(suppressed);
        } finally {
            unitOfWork = null;
            transaction = null;
            transactions.abandon();
        }
    }

    @Override
    public void close() {
        if (unitOfWork != null || transaction != null) {
            rollback(new IllegalStateException("scratch closed"));
        }
        closeQuietly(keepAlive);
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // An in-memory database: nothing to lose.
        }
    }
}
