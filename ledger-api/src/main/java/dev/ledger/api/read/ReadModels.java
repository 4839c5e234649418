package dev.ledger.api.read;

import dev.ledger.api.metrics.LedgerMonitor;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.projections.support.ReadModelTables;
import org.axonframework.queryhandling.QueryBus;
import org.axonframework.queryhandling.annotation.AnnotationQueryHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs the read models: one {@link ReadModelRunner} per projection, each with its own position, so each
 * read model is independent and can be rebuilt alone. A watcher thread follows the head of the event
 * store (it wakes the runners when events arrive from other processes; the writer of this process wakes
 * them itself) and supervises: a read model that makes no progress for {@code stallTimeout} while events
 * wait for it, with nobody else applying it, is recovered (its stuck batch ended, a fresh thread
 * started); every recovery is logged and counted.
 */
public final class ReadModels implements AutoCloseable {

    /** Events per read-model transaction. */
    public static final int BATCH_SIZE = 1_000;

    private static final Logger log = LoggerFactory.getLogger(ReadModels.class);

    private final LedgerStore store;
    private final Clock clock;
    private final Duration stallTimeout;
    private final long pollMillis;
    private final Map<String, ReadModelRunner> runners = new LinkedHashMap<>();
    private final ExecutorService aborter;
    private final Object progress = new Object();
    /** Watcher thread only: when each read model's position last changed, and what it was. */
    private final Map<String, Long> lastMoveNanos = new HashMap<>();
    private final Map<String, Long> lastSeenPosition = new HashMap<>();
    /** The watcher only: per read model, the transaction id it was last said to wait for at a gap. */
    private final Map<String, Long> gapWarned = new HashMap<>();
    private volatile boolean started;
    private volatile boolean closed;
    private volatile long head = -1;
    private Thread watcher;
    private volatile LedgerMonitor monitor = LedgerMonitor.NONE;

    /**
     * One read model as this process sees it, from memory alone (no query): whether it runs here, its position,
     * the error that stops it here, whether it stays stuck after a recovery, recoveries and events applied here.
     */
    public record RunnerState(String name, boolean running, long position, String error, boolean stuck,
                              long recoveries, long eventsApplied) {
    }

    /** A read model's projection instance on the live tables, and those tables (their set is its alone). */
    public record LiveProjection(Object instance, ReadModelTables tables) {
        public LiveProjection {
            Objects.requireNonNull(instance, "instance");
            Objects.requireNonNull(tables, "tables");
        }
    }

    public ReadModels(LedgerStore store, QueryBus queryBus, Map<String, LiveProjection> projections, List<Object> queryOnlyHandlers,
                      Duration pollInterval, Duration stallTimeout, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.stallTimeout = stallTimeout;
        this.pollMillis = Math.max(1, pollInterval.toMillis());
        this.aborter = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "ledger-read-model-abort");
            thread.setDaemon(true);
            return thread;
        });
        ReadModelPositions.ensureRows(store.dataSource(), List.copyOf(projections.keySet()));
        queryOnlyHandlers.forEach(handler -> new AnnotationQueryHandlerAdapter<>(handler).subscribe(queryBus));
        projections.forEach((name, projection) -> {
            new AnnotationQueryHandlerAdapter<>(projection.instance()).subscribe(queryBus);
            runners.put(name, new ReadModelRunner(name, projection.instance(), projection.tables(), store, BATCH_SIZE,
                    pollMillis, clock, aborter, this::progressed));
        });
    }

    /**
     * Reports failed batches and store failures to {@code monitor}, and, once the read models start here, binds
     * each one's gauges (lag, failing, recoveries, events applied) to its metrics. Call before {@link #start()}.
     */
    public void monitor(LedgerMonitor monitor) {
        this.monitor = Objects.requireNonNull(monitor, "monitor");
        runners.values().forEach(runner -> runner.onFailure(monitor::readModelFailure));
    }

    /** Starts every runner and the watcher. */
    public synchronized void start() {
        if (started || closed) {
            return;
        }
        started = true;
        runners.values().forEach(runner -> monitor.metrics().bindReadModel(runner.name(),
                () -> started ? Math.max(0, head - runner.position()) : 0,
                () -> runner.error() != null,
                runner::recoveries,
                runner::eventsApplied));
        head = store.headIndex();
        runners.values().forEach(runner -> {
            runner.headMoved(head);
            runner.start();
        });
        watcher = new Thread(this::watch, "ledger-read-models-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    public List<String> names() {
        return List.copyOf(runners.keySet());
    }

    /** Events were committed by this process: the runners need not wait for the watcher to notice. */
    public void eventsCommitted() {
        if (started) {
            runners.values().forEach(ReadModelRunner::wake);
        }
    }

    private void progressed() {
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    // ---------------------------------------------------------------- the watcher

    private void watch() {
        long nextCheck = 0;
        while (!closed) {
            try {
                long newHead = store.headIndex();
                if (newHead != head) {
                    head = newHead;
                }
                runners.values().forEach(runner -> runner.headMoved(head));
                long now = System.nanoTime();
                if (now >= nextCheck) {
                    supervise(now);
                    nextCheck = now + TimeUnit.MILLISECONDS.toNanos(500);
                }
            } catch (RuntimeException e) {
                monitor.storeError("watcher", e);
                log.debug("Read-model watcher could not read the store; trying again", e);
            }
            try {
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Finds read models that make no progress while events wait for them, and gets them going. */
    private void supervise(long now) {
        Map<String, ReadModelPositions.Row> rows = ReadModelPositions.readAll(store.dataSource());
        long stallNanos = stallTimeout.toNanos();
        for (ReadModelRunner runner : runners.values()) {
            ReadModelPositions.Row row = rows.get(runner.name());
            if (row != null) {
                runner.observed(row.position());
            }
            long position = runner.position();
            Long seen = lastSeenPosition.put(runner.name(), position);
            if (seen == null || seen != position || position >= head) {
                lastMoveNanos.put(runner.name(), now);
                continue;
            }
            if (!runner.isRunning() || now - lastMoveNanos.get(runner.name()) < stallNanos) {
                continue;
            }
            String why = stallCause(runner, now, position);
            if (why != null && runner.recover(why)) {
                lastMoveNanos.put(runner.name(), now);
            }
        }
    }

    /** Why a runner that has not moved needs recovering, or null when it is not stuck here. */
    private String stallCause(ReadModelRunner runner, long now, long position) {
        String lag = "no progress for " + stallTimeout.toMillis() + " ms at position " + position + " with the head at "
                + head;
        if (!runner.threadAlive()) {
            return lag + ": its thread has ended";
        }
        long batchIdle = runner.batchIdleNanos(now);
        if (batchIdle >= stallTimeout.toNanos()) {
            return lag + ": one batch has not moved on for " + TimeUnit.NANOSECONDS.toMillis(batchIdle) + " ms (running for "
                    + TimeUnit.NANOSECONDS.toMillis(runner.batchAgeNanos(now)) + " ms)";
        }
        if (runner.batchAgeNanos(now) > 0) {
            // A long batch that keeps applying events is slow, not stuck.
            return null;
        }
        long gapWait = runner.gapWaitNanos(now);
        if (gapWait > 0) {
            // Not stuck here: a write transaction on the database may still fill the gap it stopped at, and a fresh
            // thread would stop there too. Said once per gap.
            Long warnedFor = gapWarned.put(runner.name(), runner.gapWaitFor());
            if (warnedFor == null || warnedFor != runner.gapWaitFor()) {
                log.warn("Read model {} waits at position {} for {} ms: {}", runner.name(), position,
                        TimeUnit.NANOSECONDS.toMillis(gapWait), gapWaitCause(runner));
            }
            return null;
        }
        if (runner.error() != null || runner.heldElsewhere()) {
            // Failing batches retry by themselves (the error is reported); another process applying the read
            // model is progress, just not here.
            return null;
        }
        return lag + ": its thread waits while events are there";
    }

    private static String gapWaitCause(ReadModelRunner runner) {
        return "the next event may still be written by a transaction that is open on the database (a transaction id "
                + "below " + runner.gapWaitFor() + "); end it, or find it in pg_stat_activity (backend_xid)";
    }

    // ---------------------------------------------------------------- waiting and status

    /**
     * Waits until every read model has applied every event committed before this call. Fails fast, with
     * one line naming the read model, its position and the head, when a read model keeps failing, or stays
     * stuck after the watcher recovered it; otherwise fails when {@code timeout} passes.
     */
    public void awaitCaughtUp(Duration timeout) {
        long target = store.headIndex();
        long awaitStarted = System.nanoTime();
        long deadline = awaitStarted + timeout.toNanos();
        long failFastNanos = stallTimeout.toNanos() * 2;
        long nextTableRead = 0;
        Map<String, ReadModelPositions.Row> committedRows = Map.of();
        while (true) {
            long now = System.nanoTime();
            if (now >= nextTableRead) {
                // Another process may apply a read model; what it committed counts as well.
                committedRows = ReadModelPositions.readAll(store.dataSource());
                nextTableRead = now + TimeUnit.MILLISECONDS.toNanos(200);
            }
            List<String> lagging = new ArrayList<>();
            for (ReadModelRunner runner : runners.values()) {
                ReadModelPositions.Row row = committedRows.get(runner.name());
                long position = Math.max(runner.position(), row == null ? -1 : row.position());
                if (position >= target) {
                    continue;
                }
                lagging.add(runner.name() + " at " + position);
                if (runner.isRunning() && runner.error() != null && now - runner.errorSinceNanos() >= failFastNanos) {
                    throw new ReadModelLagException("read model " + runner.name() + " is stopped at position " + position
                            + " (head " + target + ") by an error, retried for "
                            + TimeUnit.NANOSECONDS.toSeconds(now - runner.errorSinceNanos()) + " s: "
                            + rootMessage(runner.error()), runner.error());
                }
                // The runner looks again every few milliseconds: a wait that ended just now is cleared well within
                // the first stall timeout of this call, so only a wait that outlasts it is reported.
                if (runner.isRunning() && runner.gapWaitNanos(now) >= failFastNanos
                        && now - awaitStarted >= Math.min(stallTimeout.toNanos(), TimeUnit.SECONDS.toNanos(1))) {
                    throw new ReadModelLagException("read model " + runner.name() + " waits at position " + position
                            + " (head " + target + ") for " + TimeUnit.NANOSECONDS.toSeconds(runner.gapWaitNanos(now))
                            + " s: " + gapWaitCause(runner));
                }
                if (runner.isRunning() && runner.stuckAfterRecovery(now, failFastNanos)) {
                    throw new ReadModelLagException("read model " + runner.name() + " is stuck at position " + position
                            + " (head " + target + ") after " + runner.recoveries() + " recoveries; see the log");
                }
            }
            if (lagging.isEmpty()) {
                return;
            }
            if (now > deadline) {
                throw new ReadModelLagException("read models did not reach event " + target + " within " + timeout
                        + ": " + String.join(", ", lagging) + (started ? "" : " (they do not run in this process)")
                        + "; the commands are durable, query again once the read models catch up");
            }
            synchronized (progress) {
                try {
                    progress.wait(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ReadModelLagException("interrupted while waiting for read models", e);
                }
            }
        }
    }

    /** Whether the read models run in this process. */
    public boolean started() {
        return started;
    }

    /** The head of the event store as the watcher last read it (-1 before it did, or when not started). */
    public long knownHead() {
        return head;
    }

    /** Every read model as this process sees it, without asking the store. */
    public List<RunnerState> runnerStates() {
        long now = System.nanoTime();
        long failFastNanos = stallTimeout.toNanos() * 2;
        List<RunnerState> states = new ArrayList<>(runners.size());
        for (ReadModelRunner runner : runners.values()) {
            Throwable error = runner.error();
            states.add(new RunnerState(runner.name(), runner.isRunning(), runner.position(),
                    error == null ? null : rootMessage(error), runner.isRunning() && runner.stuckAfterRecovery(now, failFastNanos),
                    runner.recoveries(), runner.eventsApplied()));
        }
        return states;
    }

    /** The state of every read model: here and as the store records it. */
    public List<ProjectionStatus> status() {
        Map<String, ReadModelPositions.Row> rows = ReadModelPositions.readAll(store.dataSource());
        long currentHead = store.headIndex();
        Set<String> applying = ReadModelPositions.beingApplied(store.transactions(), runners.keySet());
        List<ProjectionStatus> result = new ArrayList<>();
        for (ReadModelRunner runner : runners.values()) {
            ReadModelPositions.Row row = rows.get(runner.name());
            long position = Math.max(runner.position(), row == null ? -1 : row.position());
            Throwable error = runner.error();
            result.add(new ProjectionStatus(runner.name(), runner.isRunning(), position, currentHead,
                    row == null ? null : row.owner(), row == null ? null : row.progressAt(),
                    error == null ? null : rootMessage(error), runner.recoveries(), applying.contains(runner.name())));
        }
        return result;
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == error ? String.valueOf(error) : error + " (cause: " + root + ")";
    }

    @Override
    public void close() {
        closed = true;
        Thread watching = watcher;
        if (watching != null) {
            watching.interrupt();
            try {
                watching.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        runners.values().forEach(ReadModelRunner::stop);
        aborter.shutdownNow();
    }
}
