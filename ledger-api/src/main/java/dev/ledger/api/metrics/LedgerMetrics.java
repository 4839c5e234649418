package dev.ledger.api.metrics;

import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.monitoring.MessageMonitor;
import org.axonframework.monitoring.NoOpMessageMonitor;

import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Where the ledger reports what it measures. This interface names no Micrometer type, so the write path and
 * the read models can report through it whether or not Micrometer is on the class path; {@link #NONE} drops
 * everything, and {@code MicrometerLedgerMetrics} (loaded only when a {@code MeterRegistry} was given to
 * the builder) records it as meters. Every method is called on the ledger's own threads and must be cheap.
 */
public interface LedgerMetrics {

    /** Records nothing. */
    LedgerMetrics NONE = new LedgerMetrics() {
    };

    /**
     * A command sent through the facade got its durable outcome ({@code outcome}: accepted, rejected,
     * duplicate) or failed ({@code failed}), {@code nanos} after it was submitted.
     */
    default void commandCompleted(String type, String outcome, long nanos) {
    }

    /** A command was not queued because the writer's queue stayed full (LedgerBusyException). */
    default void commandBusy(String type) {
    }

    /** A caller's future timed out before the command's outcome was durable (the command may still commit). */
    default void commandTimedOut(String type) {
    }

    /** A group of {@code commands} committed; its successful attempt took {@code nanos}. */
    default void groupCommitted(int commands, long nanos) {
    }

    /** A committed lead trade ({@code type}: RecordFill, Liquidate) was mirrored to {@code copiers} copiers. */
    default void fanOut(String type, int copiers) {
    }

    /** The writer retries a group: {@code reason} is {@code conflict} (another writer) or {@code store}. */
    default void writerRetry(String reason) {
    }

    /** A store operation failed in {@code component} (writer, readmodel, watcher, health). */
    default void storeError(String component) {
    }

    /** A batch of read model {@code readModel} failed (it is retried). */
    default void readModelFailure(String readModel) {
    }

    /** Gauges of the writer's queue. */
    default void bindWriter(IntSupplier queued, int capacity) {
    }

    /** Gauges and counters of one read model that runs in this process. */
    default void bindReadModel(String name, LongSupplier lag, BooleanSupplier failing, LongSupplier recoveries,
                               LongSupplier eventsApplied) {
    }

    /** A monitor for the command bus (Axon's own message meters), or a no-op. */
    default MessageMonitor<? super CommandMessage<?>> commandBusMonitor() {
        return NoOpMessageMonitor.INSTANCE;
    }

    /** A monitor for the event store (Axon's own message meters), or null for none. */
    default MessageMonitor<? super EventMessage<?>> eventStoreMonitor() {
        return null;
    }

    /** The ledger closes: gauges bound to it leave the registry. */
    default void close() {
    }
}
