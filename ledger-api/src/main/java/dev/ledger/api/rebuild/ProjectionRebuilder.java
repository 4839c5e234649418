package dev.ledger.api.rebuild;

import dev.ledger.api.store.JdbcTransactions;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.api.store.StoreException;
import dev.ledger.api.read.ReadModelPositions;
import dev.ledger.projections.ProjectionCatalog;
import dev.ledger.projections.support.ReadModelTables;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Rebuilds a read model from the event store without ever showing readers a half-built one:
 * <ol>
 *     <li>replays every event into the projection's shadow ({@code _rebuild}) tables, in batched
 *     transactions, while the live tables keep serving and writers keep appending;</li>
 *     <li>switches in ONE transaction: locks the read model's row in {@code rm_projection_state} (which
 *     waits for a live batch in flight and holds the next one back), reads the live position, replays the
 *     remaining events up to exactly that position, and replaces the live rows with the rebuilt ones.
 *     The live runner then goes on from its position on the rebuilt rows.</li>
 * </ol>
 * Interrupted anywhere, it leaves the live model untouched; run again, it starts over.
 */
public final class ProjectionRebuilder {

    /** Events per transaction while filling the shadow tables. */
    private static final int BATCH = 2_000;
    private static final int SWITCH_ATTEMPTS = 5;
    private static final int MAX_LISTED_DIFFERENCES = 50;

    /** What a rebuild did. {@code differences} lists rows that differ between live and rebuilt (at most 50 per side). */
    public record Result(String projection, long events, long position, List<String> differences, boolean switched,
                         Duration took) {
    }

    /** Progress of the replay. */
    @FunctionalInterface
    public interface Progress {
        void update(String projection, long eventsDone, long eventsTotal, double eventsPerSecond);

        Progress NONE = (projection, done, total, rate) -> {
        };
    }

    private final LedgerStore store;
    private final JdbcTransactions transactions;

    public ProjectionRebuilder(LedgerStore store) {
        this.store = Objects.requireNonNull(store, "store");
        this.transactions = store.transactions();
    }

    /**
     * Rebuilds {@code name}. With {@code verifyOnly} it compares the rebuilt model with the live one at the
     * same position and lists the differences, leaving the live model as it is.
     */
    public Result rebuild(String name, boolean verifyOnly, Progress progress) {
        ProjectionCatalog.Projection projection = ProjectionCatalog.named(name).orElseThrow(() ->
                new IllegalArgumentException("no read model named '" + name + "'; known: " + ProjectionCatalog.names()));
        long started = System.nanoTime();
        Object shadow = projection.create(ReadModelTables.shadow(transactions));
        AnnotationEventHandlerAdapter handler = new AnnotationEventHandlerAdapter(shadow);
        inTransaction(connection -> clearShadow(connection, projection));
        Replay replay = new Replay(projection.name(), handler, progress, store.headIndex());
        replay.until(Long.MAX_VALUE);
        RuntimeException lastFailure = null;
        for (int attempt = 1; attempt <= SWITCH_ATTEMPTS; attempt++) {
            try {
                Result result = switchOver(projection, replay, verifyOnly, started);
                if (verifyOnly) {
                    inTransaction(connection -> clearShadow(connection, projection));
                }
                return result;
            } catch (RuntimeException e) {
                // Lock timeouts and deadlocks against a live batch: the live batch or this switch retries.
                lastFailure = e;
                pause(attempt);
            }
        }
        throw new StoreException("could not switch read model " + name + " after " + SWITCH_ATTEMPTS + " attempts",
                lastFailure);
    }

    private Result switchOver(ProjectionCatalog.Projection projection, Replay replay, boolean verifyOnly, long started) {
        // What this attempt replays goes into the shadow within its transaction: if the attempt fails, the
        // rollback takes those rows away again, so the replay must go back to where it was with them.
        long positionBefore = replay.position();
        long eventsBefore = replay.events();
        Transaction transaction = transactions.startTransaction();
        try (Connection connection = transactions.getConnection()) {
            long livePosition = ReadModelPositions.lock(connection, projection.name());
            // A read model that never ran has no rows yet: the rebuilt one takes over at the head.
            long target = livePosition >= 0 ? livePosition : store.headIndex();
            if (replay.position() > target) {
                // The live processor is behind the replay (stopped, or lagging): the rebuilt model must be
                // at its position exactly, so replay again from the start up to it, in this transaction.
                clearShadow(connection, projection);
                replay.restart();
            }
            replay.until(target);
            List<String> differences = differences(connection, projection);
            if (verifyOnly) {
                transaction.rollback();
                return new Result(projection.name(), replay.events(), target, differences, false,
                        Duration.ofNanos(System.nanoTime() - started));
            }
            for (String table : projection.tables()) {
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("DELETE FROM " + table);
                    statement.executeUpdate("INSERT INTO " + table + " SELECT * FROM " + table + "_rebuild");
                    statement.executeUpdate("DELETE FROM " + table + "_rebuild");
                }
            }
            if (target != livePosition) {
                ReadModelPositions.advance(connection, projection.name(), target, store.nodeId(), System.currentTimeMillis());
            }
            transaction.commit();
            return new Result(projection.name(), replay.events(), target, differences, true,
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (SQLException e) {
            transaction.rollback();
            replay.rewind(positionBefore, eventsBefore);
            throw new StoreException("switching read model " + projection.name() + " failed", e);
        } catch (RuntimeException e) {
            if (transactions.inTransaction()) {
                transaction.rollback();
            }
            replay.rewind(positionBefore, eventsBefore);
            throw e;
        }
    }

    /** Replays events into the shadow projection, remembering how far it got. */
    private final class Replay {
        private final String name;
        private final AnnotationEventHandlerAdapter handler;
        private final Progress progress;
        private final long total;
        private final long startedNanos = System.nanoTime();
        private long position = -1;
        private long events;

        private Replay(String name, AnnotationEventHandlerAdapter handler, Progress progress, long head) {
            this.name = name;
            this.handler = handler;
            this.progress = progress;
            this.total = Math.max(head + 1, 0);
        }

        long position() {
            return position;
        }

        void restart() {
            position = -1;
            events = 0;
        }

        /** Back to an earlier state, after the transaction that held the rows replayed since was rolled back. */
        void rewind(long toPosition, long toEvents) {
            position = toPosition;
            events = toEvents;
        }

        long events() {
            return events;
        }

        /** Replays every event after {@link #position()} up to {@code last} (inclusive), in batches. */
        void until(long last) {
            boolean joined = transactions.inTransaction();
            TrackingToken from = position < 0 ? null : GapAwareTrackingToken.newInstance(position, Collections.emptySet());
            try (Stream<? extends TrackedEventMessage<?>> stream = store.eventStorage().readEvents(from, false)) {
                Iterator<? extends TrackedEventMessage<?>> events = stream.iterator();
                List<TrackedEventMessage<?>> batch = new ArrayList<>(BATCH);
                while (events.hasNext()) {
                    TrackedEventMessage<?> event = events.next();
                    long index = event.trackingToken().position().orElseThrow();
                    if (index > last) {
                        break;
                    }
                    batch.add(event);
                    if (batch.size() == BATCH) {
                        apply(batch, joined);
                        batch.clear();
                    }
                }
                if (!batch.isEmpty()) {
                    apply(batch, joined);
                }
            }
        }

        private void apply(List<TrackedEventMessage<?>> batch, boolean joined) {
            Transaction transaction = joined ? null : transactions.startTransaction();
            UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(new GenericMessage<>("rebuild " + name));
            try {
                for (TrackedEventMessage<?> event : batch) {
                    handler.handle(event);
                }
                unitOfWork.commit();
                if (transaction != null) {
                    transaction.commit();
                }
            } catch (Exception e) {
                if (unitOfWork.isActive()) {
                    unitOfWork.rollback(e);
                }
                if (transaction != null && transactions.inTransaction()) {
                    transaction.rollback();
                }
                throw new StoreException("replaying events into read model " + name + " failed", e);
            }
            position = batch.get(batch.size() - 1).trackingToken().position().orElseThrow();
            events += batch.size();
            double seconds = (System.nanoTime() - startedNanos) / 1e9;
            progress.update(name, position + 1, total, seconds > 0 ? events / seconds : 0);
        }
    }

    private static List<String> differences(Connection connection, ProjectionCatalog.Projection projection)
            throws SQLException {
        List<String> differences = new ArrayList<>();
        for (String table : projection.tables()) {
            listRows(connection, "SELECT * FROM " + table + " EXCEPT SELECT * FROM " + table + "_rebuild",
                    table + " live only: ", differences);
            listRows(connection, "SELECT * FROM " + table + "_rebuild EXCEPT SELECT * FROM " + table,
                    table + " rebuilt only: ", differences);
        }
        return differences;
    }

    private static void listRows(Connection connection, String sql, String prefix, List<String> into) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.setMaxRows(MAX_LISTED_DIFFERENCES);
            try (ResultSet rows = statement.executeQuery(sql)) {
                ResultSetMetaData columns = rows.getMetaData();
                while (rows.next()) {
                    StringBuilder row = new StringBuilder(prefix).append('{');
                    for (int i = 1; i <= columns.getColumnCount(); i++) {
                        if (i > 1) {
                            row.append(", ");
                        }
                        row.append(columns.getColumnName(i).toLowerCase()).append('=').append(rows.getObject(i));
                    }
                    into.add(row.append('}').toString());
                }
            }
        }
    }

    private static void clearShadow(Connection connection, ProjectionCatalog.Projection projection) throws SQLException {
        for (String table : projection.tables()) {
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("DELETE FROM " + table + "_rebuild");
            }
        }
    }

    @FunctionalInterface
    private interface SqlWork {
        void run(Connection connection) throws SQLException;
    }

    private void inTransaction(SqlWork work) {
        Transaction transaction = transactions.startTransaction();
        try (Connection connection = transactions.getConnection()) {
            work.run(connection);
            transaction.commit();
        } catch (SQLException e) {
            transaction.rollback();
            throw new StoreException("read-model maintenance failed", e);
        } catch (RuntimeException e) {
            transaction.rollback();
            throw e;
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(200L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
