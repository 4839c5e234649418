package dev.ledger.api.metrics;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the write path and the read models report about themselves: forwarded to the {@link LedgerMetrics}
 * (meters, when the embedder gave a registry), and the last store error kept for {@code Ledger.health()}
 * whether or not there are meters.
 */
public final class LedgerMonitor {

    /** Records nothing and remembers nothing; the default of the writer and the read models until told otherwise. */
    public static final LedgerMonitor NONE = new LedgerMonitor(LedgerMetrics.NONE, Clock.systemUTC());

    /** One store failure: when, where (writer, readmodel, watcher, health) and what. */
    public record StoreError(Instant at, String component, String message) {
    }

    private final LedgerMetrics metrics;
    private final Clock clock;
    private final AtomicReference<StoreError> lastStoreError = new AtomicReference<>();

    public LedgerMonitor(LedgerMetrics metrics, Clock clock) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public LedgerMetrics metrics() {
        return metrics;
    }

    /** A store operation of {@code component} failed. */
    public void storeError(String component, Throwable error) {
        if (this != NONE) {
            lastStoreError.set(new StoreError(clock.instant(), component, describe(error)));
        }
        metrics.storeError(component);
    }

    /** A batch of a read model failed; counted as a store error too when the database is in its causes. */
    public void readModelFailure(String readModel, Throwable error) {
        metrics.readModelFailure(readModel);
        if (causedBySql(error)) {
            storeError("readmodel", error);
        }
    }

    /** The last store failure this process saw, or null. */
    public StoreError lastStoreError() {
        return lastStoreError.get();
    }

    static boolean causedBySql(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** The error and, when it differs, its root cause, on one line. */
    public static String describe(Throwable error) {
        if (error == null) {
            return null;
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == error ? String.valueOf(error) : error + " (cause: " + root + ")";
    }
}
