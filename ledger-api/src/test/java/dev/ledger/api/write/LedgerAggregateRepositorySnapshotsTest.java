package dev.ledger.api.write;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.api.store.JsonSerialization;
import dev.ledger.api.store.LedgerSchema;
import org.axonframework.common.lock.NullLockFactory;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a command group snapshots an aggregate from memory ({@link AggregateSnapshots}): the group that applies
 * the event completing an interval stores the aggregate as it stands after the group, at the version of its last
 * event, replacing older snapshots; unless a rolled-back command changed it after it became due (its state in
 * memory then holds events that are never stored). A snapshot that cannot be stored is skipped without failing the
 * group. Each command runs in a nested unit of work of the group's, and the snapshots are stored in the group's
 * prepare-commit phase on its connection (the real schema, on H2), as in the writer; the events go to Axon's
 * in-memory store.
 */
class LedgerAggregateRepositorySnapshotsTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private final InMemoryEventStorageEngine storage = new InMemoryEventStorageEngine();
    private final EmbeddedEventStore eventStore = EmbeddedEventStore.builder().storageEngine(storage).build();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final Serializer serializer = JsonSerialization.serializer();
    private final AggregateSnapshots snapshots = new AggregateSnapshots(serializer, 3, clock);
    private final LedgerAggregateRepository<Counter> repository = new LedgerAggregateRepository<>(
            EventSourcingRepository.builder(Counter.class)
                    .eventStore(eventStore)
                    .cache(new BoundedAggregateCache(100))
                    .lockFactory(NullLockFactory.INSTANCE),
            eventStore, snapshots, clock);
    private Connection connection;

    /** One store for the class (the schema migration is the slow part); each test starts with no snapshot. */
    private static final JdbcDataSource STORE = new JdbcDataSource();

    @BeforeAll
    static void createTheStore() {
        STORE.setURL("jdbc:h2:mem:snapshots-" + UUID.randomUUID() + ";MODE=PostgreSQL;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        LedgerSchema.migrate(STORE);
    }

    @BeforeEach
    void openTheStore() throws SQLException {
        connection = STORE.getConnection();
        connection.createStatement().execute("DELETE FROM snapshotevententry");
        connection.setAutoCommit(false);
    }

    @AfterEach
    void shutDown() throws SQLException {
        eventStore.shutDown();
        connection.close();
    }

    @Test
    void theGroupThatCompletesAnIntervalStoresTheAggregateAsItStandsAfterTheGroup() {
        group(() -> {
            command(this::create);
            command(() -> add(2));                                            // event 1
            command(() -> add(3));                                            // event 2: the third, due
            command(() -> add(4));                                            // event 3
        });

        assertThat(snapshot()).contains(new StoredSnapshot(3, "Counter", "2026-01-02T03:04:05.000Z", 10));
    }

    @Test
    void noSnapshotBeforeTheIntervalIsComplete() {
        group(() -> {
            command(this::create);
            command(() -> add(2));
        });

        assertThat(snapshot()).isEmpty();
    }

    @Test
    void aCommandThatChangedTheAggregateAfterItBecameDueAndWasRolledBackCancelsTheSnapshot() {
        group(() -> {
            command(this::create);
            command(() -> add(2));
            command(() -> add(3));                                            // due
            refusedAfter(() -> add(100));                                      // applied, then rolled back
        });

        assertThat(snapshot()).isEmpty();
        assertThat(storage.readEvents("x").asStream().count()).as("events stored").isEqualTo(3);
    }

    @Test
    void aRolledBackCommandThatCompletedTheIntervalItselfCancelsTheSnapshot() {
        group(() -> {
            command(this::create);
            command(() -> add(2));
            refusedAfter(() -> add(3));                                        // due, then rolled back
        });

        assertThat(snapshot()).isEmpty();
    }

    @Test
    void aCommandRefusedBeforeItChangedTheAggregateLeavesTheSnapshotDue() {
        group(() -> {
            command(this::create);
            command(() -> add(2));
            command(() -> add(3));                                            // due
            refusedAfter(() -> repository.load("x"));                          // read, nothing applied
        });

        assertThat(snapshot()).map(StoredSnapshot::sequence).contains(2L);
        assertThat(snapshot()).map(StoredSnapshot::total).contains(6);
    }

    @Test
    void aReloadedCopyThatCompletesTheIntervalIsSnapshotted() {
        group(() -> {
            command(this::create);
        });
        group(() -> {
            command(() -> add(2));
            refusedAfter(() -> add(100));                                      // the copy in memory is dropped
            command(() -> add(3));                                            // a fresh copy: event 2, due
        });

        assertThat(snapshot()).map(StoredSnapshot::sequence).contains(2L);
        assertThat(snapshot()).map(StoredSnapshot::total).contains(6);
    }

    @Test
    void ofTwoCopiesOfOneAggregateDueInOneGroupOnlyTheLaterIsStored() {
        group(() -> command(this::create));
        group(() -> {
            command(() -> add(2));
            command(() -> add(3));                                            // event 2: the first copy is due
            refusedAfter(() -> repository.load("x"));                          // takes that copy out of the group
            command(() -> add(4));                                            // a second copy, events 0 to 2 replayed
            command(() -> add(5));
            command(() -> add(6));                                            // event 5: the second copy is due
        });

        assertThat(storage.readEvents("x").asStream().count()).as("events stored").isEqualTo(6);
        assertThat(snapshots()).as("snapshots stored").hasSize(1);
        assertThat(snapshot()).map(StoredSnapshot::sequence).contains(5L);
        assertThat(snapshot()).map(StoredSnapshot::total).contains(21);
    }

    @Test
    void aLaterSnapshotReplacesTheEarlierOne() {
        group(() -> {
            command(this::create);
            command(() -> add(2));
            command(() -> add(3));                                            // event 2: due
        });
        group(() -> {
            command(() -> add(4));
            command(() -> add(5));
            command(() -> add(6));                                            // event 5: due
        });

        assertThat(snapshots()).extracting(StoredSnapshot::sequence).containsExactly(5L);
    }

    @Test
    void aSnapshotThatCannotBeStoredIsSkippedAndTheGroupCommits() throws SQLException {
        try (PreparedStatement taken = connection.prepareStatement("INSERT INTO snapshotevententry (aggregateidentifier,"
                + " sequencenumber, type, eventidentifier, payload, payloadtype) VALUES ('x', 2, 'Counter', 'other', ?, 'other')")) {
            taken.setBytes(1, new byte[]{'{', '}'});
            taken.executeUpdate();
        }
        connection.commit();

        group(() -> {
            command(this::create);
            command(() -> add(2));
            command(() -> add(3));                                            // event 2: due, its row is taken
        });

        assertThat(storage.readEvents("x").asStream().count()).as("events stored").isEqualTo(3);
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT eventidentifier FROM snapshotevententry WHERE aggregateidentifier = 'x'");
             ResultSet rows = query.executeQuery()) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).as("the row that was there").isEqualTo("other");
            assertThat(rows.next()).isFalse();
        }
    }

    private void create() {
        try {
            repository.newInstance(() -> new Counter("x", 1));                // event 0
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void add(int amount) {
        repository.load("x").execute(counter -> counter.add(amount));
    }

    /** The stored snapshots of {@code x}, by sequence number. */
    private List<StoredSnapshot> snapshots() {
        List<StoredSnapshot> stored = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT sequencenumber, type, timestamp, payload,"
                + " payloadtype FROM snapshotevententry WHERE aggregateidentifier = 'x' ORDER BY sequencenumber");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                Counter counter = serializer.deserialize(new SimpleSerializedObject<>(rows.getBytes(4), byte[].class,
                        rows.getString(5), null));
                stored.add(new StoredSnapshot(rows.getLong(1), rows.getString(2), rows.getString(3), counter.total));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return stored;
    }

    private Optional<StoredSnapshot> snapshot() {
        List<StoredSnapshot> stored = snapshots();
        assertThat(stored).as("snapshots of x").hasSizeLessThanOrEqualTo(1);
        return stored.stream().findFirst();
    }

    record StoredSnapshot(long sequence, String type, String timestamp, int total) {
    }

    /** A command group, as the writer runs one: its snapshots are stored after its events, in its transaction. */
    private void group(Runnable commands) {
        UnitOfWork<?> root = DefaultUnitOfWork.startAndGet(GenericCommandMessage.asCommandMessage("group"));
        try {
            commands.run();
        } catch (RuntimeException e) {
            root.rollback(e);
            throw e;
        }
        root.onPrepareCommit(u -> snapshots.storeDue(u, connection));
        root.onCommit(u -> commitTheConnection());
        root.commit();
    }

    private void commitTheConnection() {
        try {
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void command(Runnable body) {
        UnitOfWork<?> nested = DefaultUnitOfWork.startAndGet(GenericCommandMessage.asCommandMessage("command"));
        try {
            body.run();
        } catch (RuntimeException e) {
            nested.rollback(e);
            throw e;
        }
        nested.commit();
    }

    /** A command that runs {@code body} and is then refused: its unit of work rolls back. */
    private static void refusedAfter(Runnable body) {
        UnitOfWork<?> nested = DefaultUnitOfWork.startAndGet(GenericCommandMessage.asCommandMessage("command"));
        body.run();
        nested.rollback(new IllegalStateException("refused"));
    }

    /** A minimal event-sourced aggregate. */
    @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
    static final class Counter {

        @AggregateIdentifier
        private String id;
        private int total;

        Counter() {
        }

        Counter(String id, int first) {
            AggregateLifecycle.apply(new Created(id, first));
        }

        void add(int amount) {
            AggregateLifecycle.apply(new Added(amount));
        }

        @EventSourcingHandler
        void on(Created created) {
            this.id = created.id();
            this.total = created.first();
        }

        @EventSourcingHandler
        void on(Added added) {
            this.total += added.amount();
        }
    }

    record Created(String id, int first) {
    }

    record Added(int amount) {
    }
}
