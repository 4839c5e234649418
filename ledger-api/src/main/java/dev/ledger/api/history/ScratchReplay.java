package dev.ledger.api.history;

import dev.ledger.api.store.JdbcTransactions;
import dev.ledger.api.store.StoreException;
import dev.ledger.projections.ProjectionCatalog;
import dev.ledger.projections.support.ReadModelTables;
import dev.ledger.projections.support.RetainedRows;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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

    /** What one replay covered: the last sequence number replayed ({@code -1} for none) and how many. */
    record Replayed(long lastSequence, long events) {
    }

    private final Connection keepAlive;
    private final JdbcTransactions transactions;
    private final ReadModelTables tables;
    private final List<Object> projections = new ArrayList<>();
    private final List<AnnotationEventHandlerAdapter> handlers = new ArrayList<>();
    private Transaction transaction;
    private UnitOfWork<?> unitOfWork;

    private ScratchReplay(Connection keepAlive, JdbcDataSource dataSource) {
        this.keepAlive = keepAlive;
        this.transactions = new JdbcTransactions(dataSource);
        this.tables = ReadModelTables.scratch(transactions, RetainedRows.sizedToHeap());
        for (ProjectionCatalog.Projection projection : ProjectionCatalog.ALL) {
            Object instance = projection.create(tables);
            projections.add(instance);
            handlers.add(new AnnotationEventHandlerAdapter(instance));
        }
    }

    /**
     * The statements that create the read models' schema in a scratch database, taken from the first one this
     * JVM migrated with Flyway (migrating every scratch again cost more than most replays).
     */
    private static volatile List<String> schema;

    /** A fresh scratch database with the read models' schema and no rows. */
    static ScratchReplay create() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:scratch-" + UUID.randomUUID() + ";MODE=PostgreSQL;DEFAULT_NULL_ORDERING=HIGH");
        dataSource.setUser("sa");
        Connection keepAlive = null;
        try {
            // The in-memory database lives as long as this connection is open.
            keepAlive = dataSource.getConnection();
            List<String> statements = schema;
            if (statements == null) {
                Flyway.configure(ScratchReplay.class.getClassLoader())
                        .dataSource(dataSource)
                        .locations("classpath:db/projections")
                        .table("projection_schema_history")
                        .load()
                        .migrate();
                schema = script(keepAlive);
            } else {
                try (Statement statement = keepAlive.createStatement()) {
                    for (String sql : statements) {
                        statement.execute(sql);
                    }
                }
            }
            return new ScratchReplay(keepAlive, dataSource);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(keepAlive);
            throw new StoreException("cannot create a scratch database for a replay", e);
        }
    }

    /** The statements that create the schema of the database behind {@code connection}, without its rows. */
    private static List<String> script(Connection connection) throws SQLException {
        List<String> statements = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet script = statement.executeQuery("SCRIPT NODATA NOPASSWORDS NOSETTINGS")) {
            while (script.next()) {
                String sql = script.getString(1);
                if (!sql.startsWith("CREATE USER") && !sql.startsWith("--")) {
                    statements.add(sql);
                }
            }
        }
        return List.copyOf(statements);
    }

    /** The format of the checkpoint states this code writes (see {@link ScratchState}). */
    long format() {
        try {
            return ScratchState.format(keepAlive);
        } catch (SQLException e) {
            throw new StoreException("cannot read the scratch database's layout", e);
        }
    }

    /** {@link #format()}, from a scratch of its own the first time in this JVM. */
    static long currentFormat() {
        Long known = ScratchState.knownFormat();
        if (known != null) {
            return known;
        }
        try (ScratchReplay scratch = create()) {
            return scratch.format();
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
    Replayed replay(JdbcEventStorageEngine events, String stream, long firstSequence, Instant at, Listener listener) {
        long last = -1;
        long count = 0;
        begin(stream);
        try {
            DomainEventStream stored = events.readEvents(stream, firstSequence);
            while (stored.hasNext()) {
                DomainEventMessage<?> event = stored.next();
                if (at != null && event.getTimestamp().isAfter(at)) {
                    break;
                }
                for (AnnotationEventHandlerAdapter handler : handlers) {
                    handler.handle(event);
                }
                last = event.getSequenceNumber();
                count++;
                if (listener != null && !listener.replayed(event)) {
                    break;
                }
            }
            finish();
            return new Replayed(last, count);
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
