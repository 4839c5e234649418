package dev.ledger.api.rebuild;

import dev.ledger.api.history.HistoryCheckpoints;
import dev.ledger.api.read.ProjectionEventHandler;
import dev.ledger.api.read.ReadModelPositions;
import dev.ledger.api.store.JdbcTransactions;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.api.store.StoreException;
import dev.ledger.api.store.StoredEventReader;
import dev.ledger.projections.ProjectionCatalog;
import dev.ledger.projections.support.ReadModelTables;
import dev.ledger.projections.support.RetainedRows;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Rebuilds read models from the event store without ever showing readers a half-built one. Several read
 * models rebuild in one pass over the events (each event read and deserialized once, applied to every one of
 * them), then each switches on its own:
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

    /** Events per page read and per transaction while filling the shadow tables. */
    static final int BATCH = 10_000;
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

    private final int batchSize;

    public ProjectionRebuilder(LedgerStore store) {
        this(store, BATCH);
    }

    /** With pages of {@code batchSize} events (tests use small ones, to cross pages on a short history). */
    ProjectionRebuilder(LedgerStore store, int batchSize) {
        this.store = Objects.requireNonNull(store, "store");
        this.transactions = store.transactions();
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize " + batchSize + " must be at least 1");
        }
        this.batchSize = batchSize;
    }

    /**
     * Rebuilds {@code name}. With {@code verifyOnly} it compares the rebuilt model with the live one at the same position and
     * lists the differences, leaving the live model as it is.
     */
    public Result rebuild(String name, boolean verifyOnly, Progress progress) {
        return rebuildAll(List.of(name), verifyOnly, progress).get(0);
    }

    /**
     * Rebuilds the read models {@code names} in one pass over the events, then switches (or, with
     * {@code verifyOnly}, compares) each of them at its own live position. Results in the order of the names.
     */
    public List<Result> rebuildAll(List<String> names, boolean verifyOnly, Progress progress) {
        long started = System.nanoTime();
        List<Target> targets = new ArrayList<>();
        RetainedRows retained = RetainedRows.sizedToHeap();
        for (String name : names) {
            ProjectionCatalog.Projection projection = ProjectionCatalog.named(name).orElseThrow(() ->
                    new IllegalArgumentException("no read model named '" + name + "'; known: " + ProjectionCatalog.names()));
            ReadModelTables tables = ReadModelTables.shadow(transactions, retained);
            targets.add(new Target(projection, tables, new ProjectionEventHandler(projection.create(tables))));
        }
        inTransaction(connection -> {
            for (Target target : targets) {
                clearShadow(connection, target.projection());
            }
        });
        String label = targets.size() == 1 ? targets.get(0).projection().name() : targets.size() + " read models";
        // Up to where nothing can appear any more: past it, an append in flight might still commit a lower index.
        long head = store.settledHead();
        Replay shared = new Replay(label, targets, progress, head);
        shared.until(head);
        List<Result> results = new ArrayList<>();
        for (Target target : targets) {
            Replay replay = shared.continuedFor(target);
            results.add(switchWithRetries(target.projection(), replay, verifyOnly, started));
        }
        return results;
    }

    private Result switchWithRetries(ProjectionCatalog.Projection projection, Replay replay, boolean verifyOnly,
                                     long started) {
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
        throw new StoreException("could not switch read model " + projection.name() + " after " + SWITCH_ATTEMPTS
                + " attempts", lastFailure);
    }

    private Result switchOver(ProjectionCatalog.Projection projection, Replay replay, boolean verifyOnly, long started) {
        // What this attempt replays goes into the shadow within its transaction: if the attempt fails, the
        // rollback takes those rows away again, so the replay must go back to where it was with them.
        long positionBefore = replay.position();
        long eventsBefore = replay.events();
        Transaction transaction = transactions.startTransaction();
        try (Connection connection = transactions.getConnection()) {
            long livePosition = ReadModelPositions.lock(connection, projection.name());
            // A read model that never ran has no rows yet: the rebuilt one takes over where the replay stands (a
            // settled head, with no event still to come below it; the live position is one as well).
            long target = livePosition >= 0 ? livePosition : replay.position();
            if (replay.position() > target) {
                // The live runner is behind the replay (stopped, or lagging): the rebuilt model must be
                // at its position exactly, so replay again from the start up to it, in this transaction.
                clearShadow(connection, projection);
                replay.restart();
                replay.emptied();
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
            // The checkpoints of point-in-time answers were built by the projections' code of their day, which
            // a rebuild is often run to replace: they are built again, by this code, when next needed.
            HistoryCheckpoints.deleteAll(connection);
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

    /**
     * A page on its way: its stored rows (read by the reader thread, in order, each page after the last row of the
     * one before) and its events (decoded by the decoder thread once the rows are in).
     */
    private record Page(CompletableFuture<List<TrackedEventData<?>>> rows,
                        CompletableFuture<List<StoredEventReader.Indexed>> events) {

        void awaitQuietly() {
            try {
                rows.join();
                events.join();
            } catch (CompletionException | CancellationException e) {
                // The failure that matters is the one already on its way.
            }
        }
    }

    private static ExecutorService worker(String name) {
        return Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A read model being rebuilt: its projection, its shadow tables and the handler of its shadow instance. */
    private record Target(ProjectionCatalog.Projection projection, ReadModelTables tables,
                          ProjectionEventHandler handler) {
    }

    /** What a replay's decoder deserializes of an event: nothing (no read model of the replay handles it), or more. */
    private enum Decoding { NOTHING, PAYLOAD, PAYLOAD_AND_METADATA }

    /** Replays events into the shadow projections, remembering how far it got. */
    private final class Replay {
        private final String label;
        private final List<Target> targets;
        private final Progress progress;
        private final long total;
        private final long startedNanos = System.nanoTime();
        private long position = -1;
        private long events;

        /**
         * By payload type, what decoding deserializes. Used by whichever thread decodes: the decoder thread of each
         * pass, and the applying thread for the last events of a switch.
         */
        private final Map<Class<?>, Decoding> decodings = new ConcurrentHashMap<>();

        private Replay(String label, List<Target> targets, Progress progress, long head) {
            this.label = label;
            this.targets = List.copyOf(targets);
            this.progress = progress;
            this.total = Math.max(head + 1, 0);
        }

        /** A replay of {@code target} alone that goes on from where this one got. */
        Replay continuedFor(Target target) {
            Replay replay = new Replay(target.projection().name(), List.of(target), progress, total - 1);
            replay.position = position;
            replay.events = events;
            return replay;
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
            targets.forEach(target -> target.tables().forgetRetainedRows());
        }

        /** The shadow tables were emptied in the transaction that the replay now joins. */
        void emptied() {
            targets.forEach(target -> target.tables().emptied());
        }

        long events() {
            return events;
        }

        /**
         * Replays every event after {@link #position()} up to {@code last} (inclusive), a page of events at a
         * time. Inside a transaction (a switch) it reads and applies on that transaction's connection. Otherwise
         * three threads work on three pages at once: a reader thread reads page n + 2 from the store, a decoder
         * thread deserializes page n + 1 (the payloads some read model of the replay handles, and metadata where
         * one of them may read it), and this thread applies page n, each page in a transaction of its own. At
         * most three pages are in memory. Interrupted, this thread stops between two pages (once the pages on
         * their way are in), with its interrupt status kept. Every page is a short read of its own, not one
         * cursor for the whole replay: that cursor's snapshot, held all along, would keep PostgreSQL from pruning
         * the old versions of the shadow rows that batch after batch updates, so that every update would walk a
         * longer chain of dead versions than the last.
         */
        void until(long last) {
            if (transactions.inTransaction()) {
                try (Connection connection = transactions.getConnection()) {
                    while (position < last) {
                        List<StoredEventReader.Indexed> batch = decoded(upTo(StoredEventReader.rowsAfter(connection, position, batchSize), last));
                        if (batch.isEmpty()) {
                            return;
                        }
                        apply(batch, true);
                    }
                } catch (SQLException e) {
                    throw new StoreException("cannot read the events of " + label, e);
                }
                return;
            }
            if (position >= last) {
                return;
            }
            ExecutorService reader = worker("ledger-rebuild-reader");
            ExecutorService decoder = worker("ledger-rebuild-decoder");
            Deque<Page> ahead = new ArrayDeque<>();
            try (Connection connection = store.dataSource().getConnection()) {
                try {
                    ahead.add(firstPage(position, last, connection, reader, decoder));
                    while (true) {
                        Page current = ahead.removeFirst();
                        // Two pages on their way while this one is applied.
                        while (ahead.size() < 2) {
                            ahead.add(pageAfter(ahead.isEmpty() ? current : ahead.getLast(), last, connection,
                                    reader, decoder));
                        }
                        List<StoredEventReader.Indexed> batch = current.events().join();
                        if (batch.isEmpty()) {
                            return;
                        }
                        apply(batch, false);
                        if (position >= last) {
                            return;
                        }
                        if (Thread.interrupted()) {
                            Thread.currentThread().interrupt();
                            throw new StoreException("interrupted while replaying the events of " + label + " (at "
                                    + position + " of " + last + ")");
                        }
                    }
                } finally {
                    // The connection closes after this block: let every page still being read finish with it first.
                    ahead.forEach(Page::awaitQuietly);
                }
            } catch (SQLException e) {
                throw new StoreException("cannot read the events of " + label, e);
            } catch (CompletionException e) {
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw new StoreException("cannot read the events of " + label, e.getCause());
            } finally {
                // Never interrupt the reader: an interrupt that lands in the embedded H2's file I/O closes the
                // database file under every connection. By now it has no page left to read.
                reader.shutdown();
                decoder.shutdown();
            }
        }

        private Page firstPage(long after, long last, Connection connection, ExecutorService reader,
                               ExecutorService decoder) {
            CompletableFuture<List<TrackedEventData<?>>> rows =
                    CompletableFuture.supplyAsync(() -> upTo(storedRows(connection, after), last), reader);
            return new Page(rows, rows.thenApplyAsync(this::decoded, decoder));
        }

        /** The page after {@code previous}: read once the reader has read that one, empty past {@code last}. */
        private Page pageAfter(Page previous, long last, Connection connection, ExecutorService reader,
                               ExecutorService decoder) {
            CompletableFuture<List<TrackedEventData<?>>> rows = previous.rows().thenApplyAsync(before -> {
                if (before.isEmpty()) {
                    return List.of();
                }
                long end = globalIndex(before.get(before.size() - 1));
                return end >= last ? List.of() : upTo(storedRows(connection, end), last);
            }, reader);
            return new Page(rows, rows.thenApplyAsync(this::decoded, decoder));
        }

        private List<TrackedEventData<?>> storedRows(Connection connection, long after) {
            try {
                return StoredEventReader.rowsAfter(connection, after, batchSize);
            } catch (SQLException e) {
                throw new StoreException("reading the events after global index " + after + " failed", e);
            }
        }

        /**
         * The events of {@code rows}, upcast, with the payload of every event that a read model of this replay
         * handles already deserialized, and its metadata where such a read model's handler may read it.
         */
        private List<StoredEventReader.Indexed> decoded(List<TrackedEventData<?>> rows) {
            try {
                return decode(rows);
            } catch (RuntimeException e) {
                throw new StoreException("decoding the events at global indexes " + globalIndex(rows.get(0)) + " to "
                        + globalIndex(rows.get(rows.size() - 1)) + " failed", e);
            }
        }

        private List<StoredEventReader.Indexed> decode(List<TrackedEventData<?>> rows) {
            List<StoredEventReader.Indexed> events = store.eventReader().events(rows);
            for (StoredEventReader.Indexed indexed : events) {
                Decoding decoding = decodingOf(indexed.event().getPayloadType());
                if (decoding != Decoding.NOTHING) {
                    indexed.event().getPayload();
                }
                if (decoding == Decoding.PAYLOAD_AND_METADATA) {
                    indexed.event().getMetaData();
                }
            }
            return events;
        }

        /**
         * What the decoder deserializes of an event with this payload, by what the read models of the replay
         * handle; remembered once every read model has met the type (until then, the answer may still narrow).
         */
        private Decoding decodingOf(Class<?> payloadType) {
            Decoding settled = decodings.get(payloadType);
            if (settled != null) {
                return settled;
            }
            Decoding decoding = Decoding.NOTHING;
            boolean known = true;
            for (Target target : targets) {
                ProjectionEventHandler handler = target.handler();
                known &= handler.knows(payloadType);
                if (handler.mayHandle(payloadType)) {
                    decoding = handler.mayReadMetaData(payloadType) ? Decoding.PAYLOAD_AND_METADATA
                            : decoding == Decoding.NOTHING ? Decoding.PAYLOAD : decoding;
                }
            }
            if (known) {
                decodings.put(payloadType, decoding);
            }
            return decoding;
        }

        private static List<TrackedEventData<?>> upTo(List<TrackedEventData<?>> rows, long last) {
            int end = rows.size();
            while (end > 0 && globalIndex(rows.get(end - 1)) > last) {
                end--;
            }
            return end == rows.size() ? rows : rows.subList(0, end);
        }

        private static long globalIndex(TrackedEventData<?> row) {
            return ((GlobalSequenceTrackingToken) row.trackingToken()).getGlobalIndex();
        }

        private void apply(List<StoredEventReader.Indexed> batch, boolean joined) {
            Transaction transaction = joined ? null : transactions.startTransaction();
            UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(new GenericMessage<>("rebuild " + label));
            try {
                for (StoredEventReader.Indexed event : batch) {
                    for (Target target : targets) {
                        target.handler().handle(event.event());
                    }
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
                throw new StoreException("replaying events into read model " + label + " failed", e);
            }
            position = batch.get(batch.size() - 1).globalIndex();
            events += batch.size();
            double seconds = (System.nanoTime() - startedNanos) / 1e9;
            progress.update(label, position + 1, total, seconds > 0 ? events / seconds : 0);
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
                        row.append(columns.getColumnName(i).toLowerCase()).append('=').append(cell(rows.getObject(i)));
                    }
                    into.add(row.append('}').toString());
                }
            }
        }
    }

    /** A cell as the rows show it: a decimal in plain digits ({@code 0.00000000}, never {@code 0E-8}). */
    static String cell(Object value) {
        return value instanceof BigDecimal decimal ? decimal.toPlainString() : String.valueOf(value);
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
