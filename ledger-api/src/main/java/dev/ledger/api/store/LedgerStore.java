package dev.ledger.api.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.statements.JdbcEventStorageEngineStatements;
import org.axonframework.modelling.saga.repository.jdbc.JdbcSagaStore;
import org.axonframework.modelling.saga.repository.jdbc.PostgresSagaSqlSchema;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.UUID;

/**
 * The ledger's database and everything Axon keeps in it: the JDBC event storage engine and the saga
 * store, sharing {@link JdbcTransactions} with the read models. Owns the connection pool when it created
 * it.
 */
public final class LedgerStore implements AutoCloseable {

    /** How long a ledger-owned pool makes a thread wait for a connection before it fails. */
    public static final long CONNECTION_TIMEOUT_MILLIS = 10_000;

    private final DataSource dataSource;
    private final boolean ownsDataSource;
    private final JdbcTransactions transactions;
    private final Serializer serializer;
    private final EventUpcasterChain upcasters = EventUpcasters.chain();
    private final StoredEventReader eventReader;
    private final JdbcEventStorageEngine eventStorage;
    private final JdbcSagaStore sagaStore;
    private final String nodeId = nodeName();
    private final boolean postgres;
    private final AppendLocks appendLocks;

    private LedgerStore(DataSource dataSource, boolean ownsDataSource) {
        this.dataSource = dataSource;
        this.ownsDataSource = ownsDataSource;
        LedgerSchema.migrate(dataSource);
        this.postgres = isPostgres(dataSource);
        this.appendLocks = AppendLocks.forDatabase(postgres);
        this.transactions = new JdbcTransactions(dataSource);
        this.serializer = JsonSerialization.serializer();
        this.eventReader = new StoredEventReader(serializer, upcasters, postgres);
        this.eventStorage = JdbcEventStorageEngine.builder()
                .connectionProvider(transactions)
                .transactionManager(transactions)
                .eventSerializer(serializer)
                .snapshotSerializer(serializer)
                .persistenceExceptionResolver(new SqlStateDuplicateKeyResolver())
                .upcasterChain(upcasters)
                .appendEvents((connection, schema, dataType, events, eventSerializer, timestampWriter) -> {
                    appendLocks.beforeInsert(connection);
                    return JdbcEventStorageEngineStatements.appendEvents(connection, schema, dataType, events,
                            eventSerializer, (statement, position, timestamp) ->
                                    statement.setString(position, StoredTimestamps.format(timestamp)));
                })
                .batchSize(1000)
                .build();
        this.sagaStore = JdbcSagaStore.builder()
                .connectionProvider(transactions)
                .sqlSchema(new PostgresSagaSqlSchema())
                .serializer(serializer)
                .build();
    }

    /** Opens (creating or migrating the schema) the store at {@code settings}, with its own pool. */
    public static LedgerStore open(StoreSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(20);
        config.setPoolName("ledger");
        // How long a thread waits for a connection: while the database is unreachable (restarting, failing
        // over), each of the writer's retries waits this long at most, so that commands fail within about
        // GroupCommitWriter's retry window plus this, instead of Hikari's default 30 s per attempt.
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        if (settings.isPostgres()) {
            // The driver then sends a batch of inserts (the events of a command group) as multi-row INSERTs.
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        config.setAutoCommit(true);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to " + settings.describe() + ": " + rootMessage(e), e);
        }
        try {
            return new LedgerStore(pool, true);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** Uses a pool that the embedding service owns; the ledger never closes it. */
    public static LedgerStore using(DataSource dataSource) {
        return new LedgerStore(Objects.requireNonNull(dataSource, "dataSource"), false);
    }

    /**
     * Whether the event store holds the event of {@code aggregateId} with this sequence number, on the calling
     * thread's transaction if it has one. One lookup in the (aggregate, sequence number) index, whatever the
     * length of the aggregate's history: unlike {@code MAX(sequencenumber)}, which H2 answers by scanning every
     * event of the aggregate (seconds for an account with millions of events).
     */
    public boolean hasEvent(String aggregateId, long sequenceNumber) {
        try (Connection connection = transactions.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT 1 FROM domainevententry WHERE aggregateidentifier = ? AND sequencenumber = ?")) {
            select.setString(1, aggregateId);
            select.setLong(2, sequenceNumber);
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot look up event " + sequenceNumber + " of " + aggregateId + ": "
                    + StoreProblem.describe(e), e);
        }
    }

    private static boolean isPostgres(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return CommitHorizon.isPostgres(connection);
        } catch (SQLException e) {
            throw new StoreException("cannot connect to the store: " + StoreProblem.describe(e), e);
        }
    }

    /** The locks the writer takes around a group's reads and appends (see {@link AppendLocks}). */
    public AppendLocks appendLocks() {
        return appendLocks;
    }

    /**
     * Whether this store is PostgreSQL, where appends commit in any order (readers use {@link CommitHorizon}),
     * rather than H2, where they commit in global-index order.
     */
    public boolean isPostgres() {
        return postgres;
    }

    /**
     * The highest global index below which no event can appear any more (see {@link CommitHorizon#settledHead});
     * what a reader that must not miss a late commit reads up to. Waits for appends in flight on PostgreSQL.
     */
    public long settledHead() {
        return CommitHorizon.settledHead(dataSource);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public JdbcTransactions transactions() {
        return transactions;
    }

    public Serializer serializer() {
        return serializer;
    }

    /** Reads the event table in index order, for read models and rebuilds. */
    public StoredEventReader eventReader() {
        return eventReader;
    }

    /** The upcasters the event storage reads stored events through. */
    public EventUpcasterChain upcasters() {
        return upcasters;
    }

    public JdbcEventStorageEngine eventStorage() {
        return eventStorage;
    }

    /** This process's name in the store (who moved a read model): {@code pid@host/random}. */
    public String nodeId() {
        return nodeId;
    }

    private static String nodeName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            host = "localhost";
        }
        String name = ProcessHandle.current().pid() + "@" + host + "/" + UUID.randomUUID().toString().substring(0, 8);
        return name.length() <= 100 ? name : name.substring(0, 100);
    }

    public JdbcSagaStore sagaStore() {
        return sagaStore;
    }

    /**
     * The highest global index in the event store now, or -1 when it is empty. On PostgreSQL an append still in
     * flight may yet commit a lower index; use {@link #settledHead()} to read up to a point with nothing missing.
     */
    public long headIndex() {
        try (Connection connection = dataSource.getConnection()) {
            return CommitHorizon.head(connection);
        } catch (SQLException e) {
            throw new StoreException("cannot read the head of the event store", e);
        }
    }

    /**
     * Whether the event store holds any event of the stream {@code aggregateIdentifier} (an account, a symbol, ...),
     * on the calling thread's transaction if it has one. One index probe, however long the stream.
     */
    public boolean hasEvents(String aggregateIdentifier) {
        try (Connection connection = transactions.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT 1 FROM domainevententry WHERE aggregateidentifier = ? LIMIT 1")) {
            query.setString(1, aggregateIdentifier);
            try (ResultSet row = query.executeQuery()) {
                return row.next();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the events of " + aggregateIdentifier, e);
        }
    }

    @Override
    public void close() {
        if (ownsDataSource && dataSource instanceof HikariDataSource pool) {
            pool.close();
        }
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
