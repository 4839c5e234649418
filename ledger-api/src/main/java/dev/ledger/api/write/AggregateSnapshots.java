package dev.ledger.api.write;

import org.axonframework.common.DateTimeUtils;
import org.axonframework.common.IdentifierFactory;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Clock;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Snapshots of aggregates taken from memory. Each time an aggregate's stream reaches a multiple of
 * {@link #interval()} events, the aggregate is snapshotted in the transaction of the command group that appended
 * that event, after the group's events: the root as it stands once the group's commands have run, at the version
 * of its last event. Nothing is read back for it. Axon's {@code AggregateSnapshotter} instead reread and replayed
 * the stream since the last snapshot on a thread of its own, which on a busy account cost about a third as much
 * CPU as the writer itself; and the snapshot commits or rolls back with the events it sums up.
 *
 * <p>The repositories ({@link LedgerAggregateRepository}) report every event an aggregate is about to apply
 * ({@link #applying}); the writer stores what is due once the group's events are appended ({@link #storeDue}).
 * A command that changed a due aggregate and was then rolled back (its events are never stored, but the copy in
 * memory applied them) cancels that aggregate's snapshot; the next interval takes one. Of two copies of one
 * aggregate due in one group (a rolled-back command took the first out of the group, a later command reloaded
 * it with the group's earlier events), only the further one is stored.
 *
 * <p>A snapshot is an optimization: one that cannot be stored (a serialization problem, a row another writer
 * stored first) is skipped with a warning, rolled back to a savepoint, and never fails the group. A snapshot
 * carries the ledger's clock, like the events (nothing reads its time), and replaces the aggregate's older ones.
 */
public final class AggregateSnapshots {

    private static final Logger log = LoggerFactory.getLogger(AggregateSnapshots.class);
    private static final String INSERT = "INSERT INTO snapshotevententry (aggregateidentifier, sequencenumber, type,"
            + " eventidentifier, metadata, payload, payloadrevision, payloadtype, timestamp)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String DELETE_OLDER = "DELETE FROM snapshotevententry"
            + " WHERE aggregateidentifier = ? AND sequencenumber < ?";

    private static final AtomicLong INSTANCES = new AtomicLong();

    private final String dueKey = AggregateSnapshots.class.getName() + ".due#" + INSTANCES.incrementAndGet();
    private final Serializer serializer;
    private final int interval;
    private final Clock clock;
    private final byte[] emptyMetaData;
    private final String metaDataType;

    /**
     * @param serializer the serializer of the event store's snapshots
     * @param interval   the aggregate is snapshotted at its {@code interval}-th event, its {@code 2 × interval}-th, ...
     * @param clock      the time the snapshots carry
     */
    public AggregateSnapshots(Serializer serializer, int interval, Clock clock) {
        if (interval < 1) {
            throw new IllegalArgumentException("the snapshot interval must be positive, got " + interval);
        }
        this.serializer = Objects.requireNonNull(serializer, "serializer");
        this.interval = interval;
        this.clock = Objects.requireNonNull(clock, "clock");
        SerializedObject<byte[]> metaData = serializer.serialize(MetaData.emptyInstance(), byte[].class);
        this.emptyMetaData = metaData.getData();
        this.metaDataType = metaData.getType().getName();
    }

    /** After how many events of its stream an aggregate is snapshotted (and after twice as many, ...). */
    public int interval() {
        return interval;
    }

    /**
     * Called by a repository when {@code aggregate} (of {@code type}, as its events carry it) is about to apply
     * the event with {@code sequenceNumber}, in the current unit of work.
     */
    void applying(String type, EventSourcedAggregate<?> aggregate, long sequenceNumber) {
        if (!CurrentUnitOfWork.isStarted()) {
            return;
        }
        UnitOfWork<?> current = CurrentUnitOfWork.get();
        UnitOfWork<?> root = current.root();
        Due due = root.getResource(dueKey);
        if ((sequenceNumber + 1) % interval == 0) {
            if (due == null) {
                due = new Due();
                root.resources().put(dueKey, due);
            }
            due.types.putIfAbsent(aggregate, type);
        }
        if (due != null && current != root && due.types.containsKey(aggregate) && due.watch(aggregate, current)) {
            Due registered = due;
            current.onRollback(u -> registered.rolledBack.add(aggregate));
        }
    }

    /**
     * Stores, on {@code connection} (the group's, after its events), the snapshots the group {@code root} made due.
     * Call once, in the root's prepare-commit phase.
     */
    public void storeDue(UnitOfWork<?> root, Connection connection) {
        Due due = root.getResource(dueKey);
        if (due == null) {
            return;
        }
        Map<String, EventSourcedAggregate<?>> furthest = new HashMap<>();
        for (EventSourcedAggregate<?> aggregate : due.types.keySet()) {
            if (!due.rolledBack.contains(aggregate) && !aggregate.isDeleted() && aggregate.version() != null) {
                furthest.merge(aggregate.identifierAsString(), aggregate,
                        (one, other) -> one.version() >= other.version() ? one : other);
            }
        }
        for (EventSourcedAggregate<?> aggregate : furthest.values()) {
            store(connection, due.types.get(aggregate), aggregate);
        }
    }

    private void store(Connection connection, String type, EventSourcedAggregate<?> aggregate) {
        String id = aggregate.identifierAsString();
        long version = aggregate.version();
        Savepoint savepoint = null;
        try {
            SerializedObject<byte[]> payload = serializer.serialize(aggregate.getAggregateRoot(), byte[].class);
            savepoint = connection.setSavepoint();
            try (PreparedStatement insert = connection.prepareStatement(INSERT);
                 PreparedStatement deleteOlder = connection.prepareStatement(DELETE_OLDER)) {
                insert.setString(1, id);
                insert.setLong(2, version);
                insert.setString(3, type);
                insert.setString(4, IdentifierFactory.getInstance().generateIdentifier());
                insert.setBytes(5, emptyMetaData);
                insert.setBytes(6, payload.getData());
                insert.setString(7, payload.getType().getRevision());
                insert.setString(8, payload.getType().getName());
                insert.setString(9, DateTimeUtils.formatInstant(clock.instant()));
                insert.executeUpdate();
                deleteOlder.setString(1, id);
                deleteOlder.setLong(2, version);
                deleteOlder.executeUpdate();
            }
            connection.releaseSavepoint(savepoint);
        } catch (SQLException | RuntimeException e) {
            log.warn("snapshot of {} {} at {} skipped: {}", type, id, version, e.toString());
            if (savepoint != null) {
                try {
                    connection.rollback(savepoint);
                } catch (SQLException rollbackFailed) {
                    // The group's own statements fail next, and the group is retried or failed as a store problem.
                    log.warn("rolling back the skipped snapshot failed", rollbackFailed);
                }
            }
        }
    }

    /** What one group has made due: each aggregate with its type, and those a rolled-back command changed. */
    private static final class Due {
        final Map<EventSourcedAggregate<?>, String> types = new IdentityHashMap<>();
        final Set<EventSourcedAggregate<?>> rolledBack = Collections.newSetFromMap(new IdentityHashMap<>());
        /** The units of work already watched for a rollback, per aggregate: one handler each, not one per event. */
        final Map<EventSourcedAggregate<?>, Set<UnitOfWork<?>>> watched = new IdentityHashMap<>();

        /** Whether this is the first time {@code unitOfWork} is watched for {@code aggregate}. */
        boolean watch(EventSourcedAggregate<?> aggregate, UnitOfWork<?> unitOfWork) {
            return watched.computeIfAbsent(aggregate, a -> Collections.newSetFromMap(new IdentityHashMap<>()))
                    .add(unitOfWork);
        }
    }
}
