package dev.ledger.api.store;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventsourcing.EventStreamUtils;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the event table in global-index order, straight from JDBC: one query for a batch of events after a
 * position (the read models, a rebuild's pages). Events come back upcast and lazily
 * deserialized by Axon's own utilities, so a payload no handler asks for is never deserialized, and one
 * payload asked for by several read models is deserialized once.
 *
 * <p>A reader at the head of the store reads with {@link #next}, which stops at a gap in the global index that
 * a transaction in flight may still fill (PostgreSQL, where appends commit in any order; see
 * {@link CommitHorizon}). Below a settled position ({@link CommitHorizon#settledHead}, or a read model's
 * position) every gap is final, and {@link #rowsAfter} reads without looking.
 */
public final class StoredEventReader {

    /** The columns a read of the event table takes (and the raw read benchmark with it). */
    public static final String COLUMNS = "globalindex, type, aggregateidentifier, sequencenumber, eventidentifier, "
            + "timestamp, payloadtype, payloadrevision, payload, metadata";

    /** One event with its global index. */
    public record Indexed(long globalIndex, DomainEventMessage<?> event) {
    }

    private static final String AFTER = "SELECT " + COLUMNS
            + " FROM domainevententry WHERE globalindex > ? ORDER BY globalindex LIMIT ?";
    private static final String AFTER_WITH_SNAPSHOT = "SELECT " + COLUMNS + ", " + CommitHorizon.SNAPSHOT_COLUMNS
            + " FROM domainevententry WHERE globalindex > ? ORDER BY globalindex LIMIT ?";

    private final Serializer serializer;
    private final EventUpcaster upcasters;
    private final boolean postgres;

    public StoredEventReader(Serializer serializer, EventUpcaster upcasters, boolean postgres) {
        this.serializer = serializer;
        this.upcasters = upcasters;
        this.postgres = postgres;
    }

    /**
     * At most {@code limit} stored events after global index {@code after} (-1: from the first), on
     * {@code connection}, for a reader below a settled position: a gap is taken to be final. The rows are not yet
     * upcast or deserialized ({@link #events} does that), so that reading and decoding can run on threads of their
     * own.
     */
    public static List<TrackedEventData<?>> rowsAfter(Connection connection, long after, int limit) throws SQLException {
        List<TrackedEventData<?>> rows = new ArrayList<>(Math.min(limit, 1024));
        try (PreparedStatement query = connection.prepareStatement(AFTER)) {
            query.setLong(1, after);
            query.setInt(2, limit);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    rows.add(data(row));
                }
            }
        }
        return rows;
    }

    /**
     * At most {@code limit} events after global index {@code after}, on {@code connection}, up to the first gap
     * that a transaction in flight may still fill ({@code gaps} tells whether the read stopped at one). For a
     * reader at the head of the store that keeps {@code gaps} from one read to the next: never skips an event
     * that commits late, never waits.
     */
    public List<Indexed> next(Connection connection, long after, int limit, GapWatch gaps) throws SQLException {
        return events(rowsAfter(connection, after, limit, gaps));
    }

    /**
     * Like {@link #next}, for a reader that keeps no state between reads and holds no transaction: when a gap that
     * may still fill stops the read before its first event, waits (on {@code connection}) until the transactions
     * that may fill it have ended, and reads again. So an empty answer means that nothing was committed after
     * {@code after} when the call began; a short one, that the read stopped at such a gap (read on from its end).
     * Returns stored rows, not yet upcast or deserialized.
     */
    public List<TrackedEventData<?>> settledRowsAfter(Connection connection, long after, int limit) throws SQLException {
        GapWatch gaps = new GapWatch();
        List<TrackedEventData<?>> rows = rowsAfter(connection, after, limit, gaps);
        if (!rows.isEmpty() || !gaps.blocked()) {
            return rows;
        }
        CommitHorizon.awaitHorizon(connection, gaps.waitFor(), after + 1);
        // Every gap up to what the first read saw is final now, so this read gets at least its first event.
        return rowsAfter(connection, after, limit, gaps);
    }

    private List<TrackedEventData<?>> rowsAfter(Connection connection, long after, int limit, GapWatch gaps)
            throws SQLException {
        if (!postgres) {
            return rowsAfter(connection, after, limit);
        }
        List<TrackedEventData<?>> rows = new ArrayList<>(Math.min(limit, 1024));
        long[] indexes = new long[Math.min(limit, 1024)];
        long xmax = 0;
        long horizon = 0;
        try (PreparedStatement query = connection.prepareStatement(AFTER_WITH_SNAPSHOT)) {
            query.setLong(1, after);
            query.setInt(2, limit);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    if (rows.size() == indexes.length) {
                        indexes = Arrays.copyOf(indexes, indexes.length * 2);
                    }
                    indexes[rows.size()] = row.getLong(1);
                    rows.add(data(row));
                    xmax = row.getLong(11);
                    horizon = row.getLong(12);
                }
            }
        }
        int passable = gaps.passable(after, indexes, rows.size(), xmax, horizon);
        return passable == rows.size() ? rows : rows.subList(0, passable);
    }

    /** The stored event on the current row of a result of {@link #COLUMNS}, not yet upcast or deserialized. */
    public static TrackedEventData<?> data(ResultSet row) throws SQLException {
        long index = row.getLong(1);
        return new TrackedDomainEventData<>(new GlobalSequenceTrackingToken(index), new GenericDomainEventEntry<>(
                row.getString(2), row.getString(3), row.getLong(4), row.getString(5), row.getString(6),
                StoredTypeNames.canonical(row.getString(7)), row.getString(8), row.getBytes(9), row.getBytes(10)));
    }

    /** Stored events (from {@link #data}) upcast, with payloads and metadata deserialized when first asked for. */
    @SuppressWarnings("unchecked")
    public List<Indexed> events(List<TrackedEventData<?>> rows) {
        DomainEventStream stream = EventStreamUtils.upcastAndDeserializeDomainEvents(
                rows.stream().map(r -> (TrackedDomainEventData<?>) r), serializer, upcasters);
        List<Indexed> events = new ArrayList<>(rows.size());
        while (stream.hasNext()) {
            DomainEventMessage<?> event = stream.next();
            long index = ((TrackedEventMessage<?>) event).trackingToken().position().orElseThrow();
            events.add(new Indexed(index, event));
        }
        return events;
    }
}
