package dev.ledger.api.read;

import dev.ledger.api.store.GapWatch;
import dev.ledger.api.store.JdbcTransactions;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.api.store.StoredEventReader;
import dev.ledger.projections.support.ReadModelTables;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Keeps one read model up to date, on a thread of its own. Each round is one transaction: lock the read
 * model's row in {@code rm_projection_state} (skipping the round when another process holds it), read
 * the events after the stored position in global-index order, apply them to the projection, write the
 * rows and the new position, commit. Rows and position commit together, so every event is applied
 * exactly once whatever stops the process; and since the lock is a row lock, a process that dies lets go
 * of it with its connection, and nothing waits for a claim to time out.
 *
 * <p>Reading "the events after the position" never skips an event that commits late: the runner reads with
 * {@link dev.ledger.api.store.StoredEventReader#next}, which stops at a gap in the global index that a transaction
 * in flight may still fill (on PostgreSQL, where appends commit in any order), and the runner looks again a
 * moment later, outside its transaction.
 *
 * <p>The runner reports what a supervisor needs to tell a stall from slow work: whether its thread is
 * alive, since when it has been inside a batch, since when it fails, and whether another process holds
 * the read model. {@link #recover(String)} ends a stuck batch (aborting its connection, which rolls it
 * back) and starts a fresh thread.
 */
final class ReadModelRunner {

    private static final Logger log = LoggerFactory.getLogger(ReadModelRunner.class);
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    /**
     * How soon a runner stopped at a gap that an append in flight may still fill looks again: after 2 ms, doubling
     * up to the poll interval while it stays stopped (an append usually commits within milliseconds; a transaction
     * held open for long should not cost a round every 2 ms).
     */
    private static final long GAP_PAUSE_MILLIS = 2;

    private final String name;
    private final ProjectionEventHandler handler;
    private final ReadModelTables tables;
    private final LedgerStore store;
    private final JdbcTransactions transactions;
    private final int batchSize;
    private final long pollMillis;
    private final Clock clock;
    private final Executor aborter;
    private final Runnable committed;

    private final Object wakeUp = new Object();
    private volatile boolean running;
    private volatile Thread thread;
    private volatile long position = -1;
    private volatile long knownHead = -1;
    private volatile long batchStartedNanos;
    /** When the runner stopped at the gap it waits at now (0: it does not), and what it waits for. */
    private volatile long gapWaitSinceNanos;
    private volatile long gapWaitFor = -1;
    /** When the batch in flight last moved on (read its events, applied one, wrote its rows); 0 outside a batch. */
    private volatile long batchProgressNanos;
    /** A thread that a recovery left behind and that has not ended yet. */
    private volatile Thread abandoned;
    private volatile Connection batchConnection;
    private volatile Throwable error;
    private volatile long errorSinceNanos;
    private volatile boolean heldElsewhere;
    private final AtomicLong recoveries = new AtomicLong();
    private volatile long lastRecoveryNanos;
    private volatile long positionAtRecovery = Long.MIN_VALUE;
    private final AtomicLong eventsApplied = new AtomicLong();
    /** Told of every failed batch (metrics). */
    private volatile BiConsumer<String, Throwable> onFailure = (readModel, failure) -> { };

    ReadModelRunner(String name, Object projection, ReadModelTables tables, LedgerStore store, int batchSize,
                    long pollMillis, Clock clock, Executor aborter, Runnable committed) {
        this.name = name;
        this.handler = new ProjectionEventHandler(projection);
        this.tables = tables;
        this.store = store;
        this.transactions = store.transactions();
        this.batchSize = batchSize;
        this.pollMillis = pollMillis;
        this.clock = clock;
        this.aborter = aborter;
        this.committed = committed;
    }

    String name() {
        return name;
    }

    void onFailure(BiConsumer<String, Throwable> listener) {
        this.onFailure = listener;
    }

    synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        startThread();
    }

    private void startThread() {
        Thread started = new Thread(this::run, "ledger-read-model-" + name);
        started.setDaemon(true);
        thread = started;
        started.start();
    }

    /** Stops after the batch in flight; waits for the thread to end. */
    void stop() {
        Thread stopping;
        synchronized (this) {
            running = false;
            stopping = thread;
        }
        wake();
        if (stopping != null) {
            try {
                stopping.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (stopping.isAlive()) {
                log.warn("Read model {} did not stop within 30 s; abandoning its thread", name);
                abortBatch();
            }
        }
    }

    /** There may be new events up to {@code head}. */
    void headMoved(long head) {
        if (head > knownHead) {
            knownHead = head;
        }
        if (head > position) {
            wake();
        }
    }

    void wake() {
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    private void run() {
        long backoff = 0;
        GapWatch gaps = new GapWatch();
        long gapPause = GAP_PAUSE_MILLIS;
        // Whether the last round found nothing to apply (no gap in the way, no other process holding the read
        // model): until the head moves past the position, another round would find nothing again, and on
        // PostgreSQL its row lock would still take a transaction id and write WAL, for every read model, at
        // every poll of an idle ledger.
        boolean idle = false;
        while (running && Thread.currentThread() == thread) {
            try {
                if (idle && knownHead <= position) {
                    awaitWork();
                    continue;
                }
                int applied = applyBatch(gaps);
                idle = applied == 0 && !gaps.blocked() && !heldElsewhere;
                if (error != null) {
                    log.info("Read model {} applies events again after: {}", name, error.toString());
                    error = null;
                }
                backoff = 0;
                if (gaps.blocked()) {
                    if (gapWaitFor != gaps.waitFor() || applied > 0) {
                        gapWaitFor = gaps.waitFor();
                        gapWaitSinceNanos = System.nanoTime();
                        gapPause = GAP_PAUSE_MILLIS;
                    }
                    sleepUnlessWoken(gapPause);
                    gapPause = Math.min(Math.max(pollMillis, GAP_PAUSE_MILLIS), gapPause * 2);
                } else {
                    gapWaitSinceNanos = 0;
                    gapPause = GAP_PAUSE_MILLIS;
                    if (applied < batchSize) {
                        awaitWork();
                    }
                }
            } catch (InterruptedException e) {
                // Stopped or recovered: the loop condition decides.
            } catch (Throwable failure) {
                if (!running || Thread.currentThread() != thread) {
                    break;
                }
                idle = false;
                onFailure.accept(name, failure);
                if (error == null) {
                    errorSinceNanos = System.nanoTime();
                    log.warn("Read model {} failed to apply events after position {}; retrying", name, position, failure);
                }
                error = failure;
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff == 0 ? 100 : backoff * 2);
                try {
                    sleepUnlessWoken(backoff);
                } catch (InterruptedException e) {
                    // Stopped or recovered.
                }
            }
        }
    }

    private void awaitWork() throws InterruptedException {
        synchronized (wakeUp) {
            if (running && knownHead <= position) {
                wakeUp.wait(pollMillis);
            }
        }
    }

    private void sleepUnlessWoken(long millis) throws InterruptedException {
        synchronized (wakeUp) {
            if (running) {
                wakeUp.wait(millis);
            }
        }
    }

    /** One round; returns how many events it applied (0 when none waited, or another process holds the read model). */
    private int applyBatch(GapWatch gaps) throws Exception {
        Transaction transaction = transactions.startTransaction();
        batchStartedNanos = System.nanoTime();
        batchProgressNanos = batchStartedNanos;
        boolean done = false;
        try (Connection connection = transactions.getConnection()) {
            batchConnection = connection;
            OptionalLong locked = ReadModelPositions.tryLock(connection, name);
            if (locked.isEmpty()) {
                gaps.skipped();
                heldElsewhere = true;
                transaction.rollback();
                done = true;
                return 0;
            }
            heldElsewhere = false;
            long from = locked.getAsLong();
            position = from;
            List<StoredEventReader.Indexed> events = store.eventReader().next(connection, from, batchSize, gaps);
            batchProgressNanos = System.nanoTime();
            if (events.isEmpty()) {
                transaction.rollback();
                done = true;
                return 0;
            }
            apply(events);
            batchProgressNanos = System.nanoTime();
            long last = events.get(events.size() - 1).globalIndex();
            ReadModelPositions.advance(connection, name, last, store.nodeId(), clock.millis());
            transaction.commit();
            done = true;
            position = last;
            eventsApplied.addAndGet(events.size());
            committed.run();
            return events.size();
        } finally {
            batchConnection = null;
            batchStartedNanos = 0;
            batchProgressNanos = 0;
            if (!done && transactions.inTransaction()) {
                try {
                    transaction.rollback();
                } catch (RuntimeException rollbackFailed) {
                    log.debug("Rolling back a failed batch of read model {} failed too", name, rollbackFailed);
                }
            }
        }
    }

    private void apply(List<StoredEventReader.Indexed> events) throws Exception {
        UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(new GenericMessage<>("read model " + name));
        try {
            // The rows the batch's events may touch, read per table in one query rather than one query per row.
            Set<String> streams = new LinkedHashSet<>();
            for (StoredEventReader.Indexed event : events) {
                if (handler.mayHandle(event.event().getPayloadType())) {
                    streams.add(event.event().getAggregateIdentifier());
                }
            }
            tables.prefetch(streams);
            for (StoredEventReader.Indexed event : events) {
                handler.handle(event.event());
                batchProgressNanos = System.nanoTime();
            }
            unitOfWork.commit();
        } catch (Exception | Error e) {
            if (unitOfWork.isActive()) {
                unitOfWork.rollback(e);
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------- what the supervisor sees and does

    boolean isRunning() {
        return running;
    }

    long position() {
        return position;
    }

    /** Updates the position from the table, when another process moved the read model. */
    void observed(long committedPosition) {
        if (committedPosition > position) {
            position = committedPosition;
        }
    }

    boolean threadAlive() {
        Thread current = thread;
        return current != null && current.isAlive();
    }

    /**
     * How long the runner has been stopped at one gap in the global index that a transaction in flight may still
     * fill (PostgreSQL), in nanoseconds; 0 when it is not.
     */
    long gapWaitNanos(long now) {
        long since = gapWaitSinceNanos;
        return since == 0 ? 0 : now - since;
    }

    /** While {@link #gapWaitNanos} is positive: every transaction with an id below this one must end first. */
    long gapWaitFor() {
        return gapWaitFor;
    }

    /** How long the batch in flight has run, in nanoseconds; 0 outside a batch. */
    long batchAgeNanos(long now) {
        long started = batchStartedNanos;
        return started == 0 ? 0 : now - started;
    }

    /**
     * How long the batch in flight has not moved on, in nanoseconds (since it read its events, last applied
     * one, or wrote its rows); 0 outside a batch. A long batch that works is not stuck.
     */
    long batchIdleNanos(long now) {
        long progress = batchProgressNanos;
        return progress == 0 ? 0 : now - progress;
    }

    Throwable error() {
        return error;
    }

    long errorSinceNanos() {
        return errorSinceNanos;
    }

    boolean heldElsewhere() {
        return heldElsewhere;
    }

    long recoveries() {
        return recoveries.get();
    }

    /** Whether a recovery happened and the read model has not moved for {@code nanos} since. */
    boolean stuckAfterRecovery(long now, long nanos) {
        return recoveries.get() > 0 && position == positionAtRecovery && now - lastRecoveryNanos >= nanos;
    }

    long eventsApplied() {
        return eventsApplied.get();
    }

    /**
     * Gets a stalled read model going again: a batch stuck in the database is ended by aborting its
     * connection (the database rolls it back and releases the row), and a fresh thread takes over. The
     * old thread, if it ever returns, sees it is no longer the runner's thread and ends; nothing it did
     * survives the rollback.
     *
     * <p>The old thread is never interrupted: an interrupt that lands in the embedded H2's file I/O closes
     * the database file for every connection. And while a thread left behind by an earlier recovery is
     * still alive (it may hold a pooled connection), no further thread is started: recoveries must not
     * drain the connection pool. The read model then stays stuck, and waiting for it fails fast, naming it.
     */
    synchronized boolean recover(String why) {
        if (!running) {
            return false;
        }
        Thread leftBehind = abandoned;
        if (leftBehind != null && leftBehind.isAlive()) {
            log.warn("Read model {} is stuck ({}), but the thread an earlier recovery left behind has not ended; "
                    + "not starting another", name, why);
            return false;
        }
        positionAtRecovery = position;
        lastRecoveryNanos = System.nanoTime();
        long count = recoveries.incrementAndGet();
        log.warn("Read model {} recovers (recovery {}): {}", name, count, why);
        Thread stuck = thread;
        abortBatch();
        abandoned = stuck != null && stuck.isAlive() ? stuck : null;
        startThread();
        return true;
    }

    private void abortBatch() {
        Connection stuckConnection = batchConnection;
        if (stuckConnection == null) {
            return;
        }
        try {
            stuckConnection.abort(aborter);
        } catch (SQLException | RuntimeException e) {
            log.debug("Aborting the connection of read model {} failed", name, e);
        }
    }
}
