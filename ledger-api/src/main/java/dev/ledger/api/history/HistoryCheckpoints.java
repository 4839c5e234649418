package dev.ledger.api.history;

import dev.ledger.api.store.LedgerStore;
import dev.ledger.api.store.SqlStateDuplicateKeyResolver;
import dev.ledger.api.store.StoreException;
import dev.ledger.api.store.StoreProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Checkpoints of event streams' read-model rows, so that a point-in-time answer on a long history replays
 * at most {@link #interval()} events of each stream instead of all of them.
 *
 * <p>A stream's checkpoints sit at fixed places: after every {@code interval}-th event (sequence numbers
 * {@code interval - 1}, {@code 2 * interval - 1}, ...). Each holds the rows that replaying the stream's
 * events up to there writes (see {@link ScratchState}), and the latest time stamped on those events. A
 * point-in-time answer as of T restores the latest checkpoint whose events are all stamped at or before T
 * and replays the events after it up to T: the same events, through the same projections, as a replay from
 * the start, so the same rows.
 *
 * <p>They are built on a background thread of their own when the writer commits an event that completes an
 * interval ({@link #due}), and by a point-in-time answer that finds a stream more than an interval past its
 * latest checkpoint ({@link #catchUp}, before it answers). Building one replays the events after the
 * previous one. Checkpoints are derived data: several processes may build the same one (the first stored
 * stays, and they are equal), and losing them costs only time.
 */
public final class HistoryCheckpoints implements AutoCloseable {

    /** Events of a stream between two of its checkpoints, unless the builder says otherwise. */
    public static final int DEFAULT_INTERVAL = 10_000;

    private static final Logger log = LoggerFactory.getLogger(HistoryCheckpoints.class);

    /** A stored checkpoint. */
    record Checkpoint(long sequence, Instant reached, byte[] state) {
    }

    private final LedgerStore store;
    private final int interval;
    private final Set<String> pending = new LinkedHashSet<>();
    private final ExecutorService builder;
    private volatile boolean closed;

    public HistoryCheckpoints(LedgerStore store, int interval) {
        this.store = Objects.requireNonNull(store, "store");
        if (interval < 1) {
            throw new IllegalArgumentException("historyCheckpointInterval must be at least 1, was " + interval);
        }
        this.interval = interval;
        this.builder = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "ledger-history-checkpoints");
            thread.setDaemon(true);
            return thread;
        });
    }

    public int interval() {
        return interval;
    }

    /** Whether a checkpoint belongs right after the event with this sequence number. */
    public boolean completesInterval(long sequence) {
        return (sequence + 1) % interval == 0;
    }

    /**
     * Schedules the checkpoints these streams are missing, to be built in the background; returns at once.
     * A stream already waiting is not queued twice.
     */
    public void due(Collection<String> streams) {
        if (closed || streams.isEmpty()) {
            return;
        }
        synchronized (pending) {
            for (String stream : streams) {
                if (pending.add(stream)) {
                    builder.execute(() -> buildPending(stream));
                }
            }
        }
    }

    private void buildPending(String stream) {
        synchronized (pending) {
            pending.remove(stream);
        }
        if (closed) {
            return;
        }
        try {
            catchUp(stream);
        } catch (RuntimeException e) {
            // Only time is lost: the next answer on this stream replays more, and builds what is missing.
            log.warn("Could not build the history checkpoints of {}: {}", stream, StoreProblem.describe(e));
        }
    }

    /**
     * Builds the checkpoints {@code stream} is missing after its latest one, up to the end of its stored
     * events; returns how many were stored. Nothing to do (no query at all) when the stream's last event
     * is less than an interval past its latest checkpoint.
     */
    public int catchUp(String stream) {
        return catchUp(stream, ScratchState.format());
    }

    int catchUp(String stream, long format) {
        Optional<Checkpoint> latest = latest(stream, null, format);
        long from = latest.map(c -> c.sequence() + 1).orElse(0L);
        // Whether the stream reaches the next checkpoint's place: one index lookup, not the stream's length.
        if (!store.hasEvent(stream, from + interval - 1)) {
            return 0;
        }
        try (ScratchReplay scratch = ScratchReplay.create()) {
            latest.ifPresent(c -> scratch.restore(c.state()));
            Instant[] reached = {latest.map(Checkpoint::reached).orElse(Instant.MIN)};
            int[] stored = {0};
            scratch.replay(store.eventStorage(), stream, from, null, event -> {
                if (event.getTimestamp().isAfter(reached[0])) {
                    reached[0] = event.getTimestamp();
                }
                if (completesInterval(event.getSequenceNumber())) {
                    scratch.commit();
                    if (save(stream, event.getSequenceNumber(), reached[0], format, scratch.state())) {
                        stored[0]++;
                    }
                }
                // Closing: the checkpoints stored so far stay, the rest waits for the next build.
                return !closed;
            });
            return stored[0];
        }
    }

    /**
     * The stream's latest checkpoint in this format whose events are all stamped at or before {@code at}
     * (any when {@code at} is {@code null}).
     */
    Optional<Checkpoint> latest(String stream, Instant at, long format) {
        String sql = "SELECT sequence_number, reached_nanos, state FROM history_checkpoint"
                + " WHERE stream_id = ? AND format = ?" + (at == null ? "" : " AND reached_nanos <= ?")
                + " ORDER BY sequence_number DESC LIMIT 1";
        try (Connection connection = store.dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, stream);
            select.setLong(2, format);
            if (at != null) {
                select.setLong(3, nanos(at));
            }
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Checkpoint(row.getLong(1), instant(row.getLong(2)), row.getBytes(3)));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the history checkpoints of " + stream + ": " + StoreProblem.describe(e), e);
        }
    }

    /** Stores a checkpoint; {@code false} when another builder stored it first. */
    private boolean save(String stream, long sequence, Instant reached, long format, byte[] state) {
        try (Connection connection = store.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO history_checkpoint"
                     + " (stream_id, sequence_number, reached_nanos, format, state) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, stream);
            insert.setLong(2, sequence);
            insert.setLong(3, nanos(reached));
            insert.setLong(4, format);
            insert.setBytes(5, state);
            insert.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (SqlStateDuplicateKeyResolver.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                // Built by another process, or an older format's checkpoint sits there: replaced below.
                return replaceOtherFormat(stream, sequence, reached, format, state);
            }
            throw new StoreException("cannot store a history checkpoint of " + stream + ": " + StoreProblem.describe(e), e);
        }
    }

    private boolean replaceOtherFormat(String stream, long sequence, Instant reached, long format, byte[] state) {
        try (Connection connection = store.dataSource().getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE history_checkpoint"
                     + " SET reached_nanos = ?, format = ?, state = ? WHERE stream_id = ? AND sequence_number = ? AND format <> ?")) {
            update.setLong(1, nanos(reached));
            update.setLong(2, format);
            update.setBytes(3, state);
            update.setString(4, stream);
            update.setLong(5, sequence);
            update.setLong(6, format);
            return update.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("cannot store a history checkpoint of " + stream + ": " + StoreProblem.describe(e), e);
        }
    }

    /** Deletes every checkpoint (a rebuild does, in its switch: the read models it installs may differ). */
    public static void deleteAll(Connection connection) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM history_checkpoint")) {
            delete.executeUpdate();
        }
    }

    /**
     * Stops building: a build under way stops at its next checkpoint (it is never interrupted: an interrupt
     * can close an embedded H2 database's file), waiting at most {@code wait}.
     */
    public void close(Duration wait) {
        closed = true;
        builder.shutdown();
        try {
            builder.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /** Nanoseconds since the epoch; an instant beyond what a long holds (past 2262, before 1677) saturates. */
    static long nanos(Instant instant) {
        try {
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
        } catch (ArithmeticException beyond) {
            return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }
}
