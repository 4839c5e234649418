package dev.ledger.api.write;

import org.axonframework.common.IdentifierFactory;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;

import java.time.Clock;
import java.util.Objects;

/**
 * Snapshots of aggregates taken from memory. Each time an aggregate's stream reaches a multiple of
 * {@link #interval()} events, its repository ({@link LedgerAggregateRepository}) has the aggregate snapshotted in
 * the transaction of the command group that appended that event: the root as it stands once the group's commands
 * have run, at the version of its last event. Nothing is read back for it. Axon's {@code AggregateSnapshotter}
 * instead reread and replayed the stream since the last snapshot on a thread of its own, which on a busy account
 * cost about a third as much CPU as the writer itself; and the snapshot commits or rolls back with the events it
 * sums up.
 *
 * <p>A snapshot carries the ledger's clock, like the events (nothing reads its time), and replaces the
 * aggregate's older snapshots, as Axon's storage engine does.
 */
public final class AggregateSnapshots {

    private final EventStore eventStore;
    private final int interval;
    private final Clock clock;

    /**
     * @param interval the aggregate is snapshotted at its {@code interval}-th event, its {@code 2 × interval}-th, ...
     * @param clock    the time the snapshots carry
     */
    public AggregateSnapshots(EventStore eventStore, int interval, Clock clock) {
        if (interval < 1) {
            throw new IllegalArgumentException("the snapshot interval must be positive, got " + interval);
        }
        this.eventStore = Objects.requireNonNull(eventStore, "eventStore");
        this.interval = interval;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** After how many events of its stream an aggregate is snapshotted (and after twice as many, ...). */
    public int interval() {
        return interval;
    }

    /** Whether the event with this sequence number (0 for a stream's first) is the last of an interval. */
    boolean completesInterval(long sequenceNumber) {
        return (sequenceNumber + 1) % interval == 0;
    }

    /**
     * Stores the snapshot of {@code aggregate} at its current version, in the current transaction.
     *
     * @param type the aggregate type, as its events carry it
     */
    void store(String type, EventSourcedAggregate<?> aggregate) {
        Long version = aggregate.version();
        if (version == null) {
            throw new IllegalStateException(type + " " + aggregate.identifierAsString() + " has applied no event");
        }
        eventStore.storeSnapshot(new GenericDomainEventMessage<>(type, aggregate.identifierAsString(), version,
                aggregate.getAggregateRoot(), MetaData.emptyInstance(),
                IdentifierFactory.getInstance().generateIdentifier(), clock.instant()));
    }
}
