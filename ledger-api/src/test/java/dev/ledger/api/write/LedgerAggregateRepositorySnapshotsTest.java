package dev.ledger.api.write;

import org.axonframework.common.lock.NullLockFactory;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a command group snapshots an aggregate from memory ({@link AggregateSnapshots}): the group that applies
 * the event completing an interval stores the aggregate as it stands after the group, at the version of its last
 * event; unless a rolled-back command changed it after it became due (its state in memory then holds events that
 * are never stored). Each command runs in a nested unit of work of the group's, as in the writer.
 */
class LedgerAggregateRepositorySnapshotsTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private final List<DomainEventMessage<?>> snapshotsStored = new ArrayList<>();
    private final InMemoryEventStorageEngine storage = new InMemoryEventStorageEngine() {
        @Override
        public void storeSnapshot(DomainEventMessage<?> snapshot) {
            snapshotsStored.add(snapshot);
            super.storeSnapshot(snapshot);
        }
    };
    private final EmbeddedEventStore eventStore = EmbeddedEventStore.builder().storageEngine(storage).build();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final LedgerAggregateRepository<Counter> repository = new LedgerAggregateRepository<>(
            EventSourcingRepository.builder(Counter.class)
                    .eventStore(eventStore)
                    .cache(new BoundedAggregateCache(100))
                    .lockFactory(NullLockFactory.INSTANCE),
            eventStore, new AggregateSnapshots(eventStore, 3, clock), clock);

    @AfterEach
    void shutDown() {
        eventStore.shutDown();
    }

    @Test
    void theGroupThatCompletesAnIntervalStoresTheAggregateAsItStandsAfterTheGroup() {
        group(() -> {
            command(this::create);
            command(() -> add(2));                                            // event 1
            command(() -> add(3));                                            // event 2: the third, due
            command(() -> add(4));                                            // event 3
        });

        DomainEventMessage<?> snapshot = snapshot().orElseThrow();
        assertThat(snapshot.getSequenceNumber()).isEqualTo(3);
        assertThat(snapshot.getType()).isEqualTo("Counter");
        assertThat(snapshot.getTimestamp()).isEqualTo(NOW);
        assertThat(((Counter) snapshot.getPayload()).total).isEqualTo(10);
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

        DomainEventMessage<?> snapshot = snapshot().orElseThrow();
        assertThat(snapshot.getSequenceNumber()).isEqualTo(2);
        assertThat(((Counter) snapshot.getPayload()).total).isEqualTo(6);
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

        DomainEventMessage<?> snapshot = snapshot().orElseThrow();
        assertThat(snapshot.getSequenceNumber()).isEqualTo(2);
        assertThat(((Counter) snapshot.getPayload()).total).isEqualTo(6);
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
        assertThat(snapshotsStored).as("snapshots stored").hasSize(1);
        DomainEventMessage<?> snapshot = snapshot().orElseThrow();
        assertThat(snapshot.getSequenceNumber()).isEqualTo(5);
        assertThat(((Counter) snapshot.getPayload()).total).isEqualTo(21);
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

    private Optional<DomainEventMessage<?>> snapshot() {
        return storage.readSnapshot("x");
    }

    private static void group(Runnable commands) {
        UnitOfWork<?> root = DefaultUnitOfWork.startAndGet(GenericCommandMessage.asCommandMessage("group"));
        try {
            commands.run();
        } catch (RuntimeException e) {
            root.rollback(e);
            throw e;
        }
        root.commit();
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
