package dev.ledger.api;

import dev.ledger.api.metrics.LedgerMonitor;
import dev.ledger.api.read.ReadModelPositions;
import dev.ledger.api.read.ReadModels;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.api.write.GroupCommitWriter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Computes {@link Health}: one probe query, one read of the read models' positions, the rest from memory. */
final class HealthCheck {

    private final LedgerStore store;
    private final GroupCommitWriter writer;
    private final ReadModels readModels;
    private final LedgerMonitor monitor;
    private final Health.Thresholds thresholds;
    private final Clock clock;

    HealthCheck(LedgerStore store, GroupCommitWriter writer, ReadModels readModels, LedgerMonitor monitor,
                Health.Thresholds thresholds, Clock clock) {
        this.store = store;
        this.writer = writer;
        this.readModels = readModels;
        this.monitor = monitor;
        this.thresholds = thresholds;
        this.clock = clock;
    }

    Health check() {
        Instant now = clock.instant();
        List<String> down = new ArrayList<>();
        List<String> degraded = new ArrayList<>();

        Health.Store probe = probe();
        Map<String, ReadModelPositions.Row> committed = Map.of();
        if (probe.reachable()) {
            try {
                committed = ReadModelPositions.readAll(store.dataSource());
            } catch (RuntimeException e) {
                monitor.storeError("health", e);
                degraded.add("cannot read the read models' positions: " + LedgerMonitor.describe(e));
            }
        }
        if (!probe.reachable()) {
            down.add("store unreachable: " + probe.error());
        } else if (probe.latency().compareTo(thresholds.slowStore()) >= 0) {
            degraded.add("store slow: the probe took " + probe.latency().toMillis() + " ms (limit "
                    + thresholds.slowStore().toMillis() + " ms)");
        }

        Health.Writer writerState = new Health.Writer(writer.isRunning(), writer.queueSize(), writer.queueCapacity());
        if (!writerState.running()) {
            down.add("the writer does not take commands (closed, or its thread ended)");
        } else if (writerState.queued() >= Math.ceil(thresholds.queueFullRatio() * writerState.capacity())) {
            degraded.add("writer queue " + writerState.queued() + " of " + writerState.capacity() + " full");
        }

        long head = probe.reachable() ? probe.head() : readModels.knownHead();
        List<Health.ReadModel> models = new ArrayList<>();
        for (ReadModels.RunnerState state : readModels.runnerStates()) {
            ReadModelPositions.Row row = committed.get(state.name());
            long position = Math.max(state.position(), row == null ? -1 : row.position());
            long lag = Math.max(0, head - position);
            boolean runsHere = state.running();
            Health.ReadModel model = new Health.ReadModel(state.name(), runsHere, position, lag, state.error(),
                    state.stuck(), state.recoveries());
            models.add(model);
            if (model.error() != null) {
                degraded.add("read model " + model.name() + " is stopped by an error at position " + position + ": "
                        + model.error());
            } else if (model.stuck()) {
                degraded.add("read model " + model.name() + " is stuck at position " + position + " after "
                        + model.recoveries() + " recoveries");
            }
            if (lag >= thresholds.maxLag()) {
                degraded.add("read model " + model.name() + " lags " + lag + " events (limit " + thresholds.maxLag() + ")");
            }
        }

        LedgerMonitor.StoreError last = monitor.lastStoreError();
        Health.StoreError lastError = last == null ? null : new Health.StoreError(last.at(), last.component(), last.message());
        if (lastError != null && probe.reachable()
                && !lastError.at().isBefore(now.minus(thresholds.recentStoreError()))) {
            degraded.add("store error " + Duration.between(lastError.at(), now).toSeconds() + " s ago in "
                    + lastError.component() + ": " + lastError.message());
        }

        Health.Status status = !down.isEmpty() ? Health.Status.DOWN
                : !degraded.isEmpty() ? Health.Status.DEGRADED : Health.Status.UP;
        List<String> problems = new ArrayList<>(down);
        problems.addAll(degraded);
        return new Health(status, problems, now, probe, writerState, models, lastError);
    }

    private Health.Store probe() {
        long started = System.nanoTime();
        try {
            long head = store.headIndex();
            return new Health.Store(true, Duration.ofNanos(System.nanoTime() - started), head, null);
        } catch (RuntimeException e) {
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            monitor.storeError("health", e);
            return new Health.Store(false, took, -1, LedgerMonitor.describe(e));
        }
    }
}
