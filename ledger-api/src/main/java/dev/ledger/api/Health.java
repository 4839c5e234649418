package dev.ledger.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How a ledger is doing, from {@link Ledger#health()}: one status and the details behind it.
 *
 * <ul>
 * <li>{@link Status#DOWN}: the store did not answer the probe query, or the writer does not take commands
 * (the ledger was closed, or its thread ended).</li>
 * <li>{@link Status#DEGRADED}: it works, but one of these holds (limits in {@link Thresholds}): the probe took
 * {@code slowStore} or longer; the writer's queue is at least {@code queueFullRatio} full; a read model lags
 * {@code maxLag} events or more, is stopped here by an error, or stays stuck after a recovery; a store error
 * happened within {@code recentStoreError}.</li>
 * <li>{@link Status#UP}: none of the above.</li>
 * </ul>
 *
 * @param status         the verdict
 * @param problems       why the status is not UP, one line each (empty when UP)
 * @param checkedAt      when the check ran (the ledger's clock)
 * @param store          the probe of the store
 * @param writer         the writer's queue
 * @param readModels     every read model, in catalog order
 * @param lastStoreError the last store failure this process saw (any time), or null
 */
public record Health(Status status, List<String> problems, Instant checkedAt, Store store, Writer writer,
                     List<ReadModel> readModels, StoreError lastStoreError) {

    public Health {
        Objects.requireNonNull(status, "status");
        problems = List.copyOf(problems);
        readModels = List.copyOf(readModels);
    }

    /** The verdict, worst last. */
    public enum Status { UP, DEGRADED, DOWN }

    /**
     * The probe: one query for the head of the event store ({@code SELECT MAX(globalindex)}).
     *
     * @param reachable whether it answered
     * @param latency   how long it took (also when it failed)
     * @param head      the global index of the last event, -1 for an empty store or when unreachable
     * @param error     why it failed, or null
     */
    public record Store(boolean reachable, Duration latency, long head, String error) {
    }

    /**
     * @param running  whether the writer takes commands
     * @param queued   commands waiting for it
     * @param capacity how many may wait
     */
    public record Writer(boolean running, int queued, int capacity) {
    }

    /**
     * One read model.
     *
     * @param name       its name
     * @param runsHere   whether this process applies it (otherwise its position is the one another process
     *                   committed)
     * @param position   the global index of the last event applied to it
     * @param lag        events stored after {@code position} (against the probe's head, or against the head
     *                   the read models' watcher last saw when the store is unreachable)
     * @param error      what stops it in this process, or null
     * @param stuck      whether it stays stuck here after a recovery
     * @param recoveries how often this process recovered it
     */
    public record ReadModel(String name, boolean runsHere, long position, long lag, String error, boolean stuck,
                            long recoveries) {
    }

    /**
     * A store failure: a failed commit attempt of the writer, a read-model batch that failed in the database, the
     * read models' watcher or this health check failing to read the store.
     *
     * @param at        when (the ledger's clock)
     * @param component writer, readmodel, watcher or health
     * @param message   the error and its root cause
     */
    public record StoreError(Instant at, String component, String message) {
    }

    /**
     * The limits of DEGRADED.
     *
     * @param slowStore        a probe at least this slow (default 1 s)
     * @param queueFullRatio   a writer queue at least this full, in (0, 1] (default 0.9)
     * @param maxLag           a read model at least this many events behind (default 10,000: ten read-model batches)
     * @param recentStoreError a store error at most this long ago (default 1 min)
     */
    public record Thresholds(Duration slowStore, double queueFullRatio, long maxLag, Duration recentStoreError) {

        public static final Thresholds DEFAULTS = new Thresholds(Duration.ofSeconds(1), 0.9, 10_000, Duration.ofMinutes(1));

        public Thresholds {
            Objects.requireNonNull(slowStore, "slowStore");
            Objects.requireNonNull(recentStoreError, "recentStoreError");
            if (slowStore.isNegative() || slowStore.isZero() || recentStoreError.isNegative()) {
                throw new IllegalArgumentException("slowStore must be positive and recentStoreError not negative");
            }
            if (!(queueFullRatio > 0 && queueFullRatio <= 1)) {
                throw new IllegalArgumentException("queueFullRatio must be in (0, 1], got " + queueFullRatio);
            }
            if (maxLag < 1) {
                throw new IllegalArgumentException("maxLag must be positive, got " + maxLag);
            }
        }
    }
}
