package dev.ledger.api.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.monitoring.MessageMonitor;
import org.axonframework.monitoring.NoOpMessageMonitor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The ledger's meters on a Micrometer {@link MeterRegistry} the embedder owns. The only class of the ledger,
 * with {@link AxonMessageMeters} and the builder's signature, that names Micrometer: it is loaded only when a
 * registry was given, so a ledger without one runs with Micrometer absent from the class path. Meter names
 * start with {@code ledger.}; docs/operations.md lists them with their tags.
 *
 * <p>Gauges and function counters read this ledger's state, so {@link #close()} removes them (a registry that
 * outlives the ledger keeps no reference to it); timers, counters and summaries stay, as cumulative meters do.
 */
public final class MicrometerLedgerMetrics implements LedgerMetrics {

    private static final Logger log = LoggerFactory.getLogger(MicrometerLedgerMetrics.class);

    static final String AXON_MICROMETER_PROBE = "org.axonframework.micrometer.MessageTimerMonitor";

    private final MeterRegistry registry;
    private final List<Meter> bound = new CopyOnWriteArrayList<>();
    /** Function counters hold their state weakly: the suppliers they read are kept here until close. */
    private final List<Object> held = new CopyOnWriteArrayList<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> fanOuts = new ConcurrentHashMap<>();
    private final DistributionSummary groupSize;
    private final Timer groupCommit;
    private final MessageMonitor<? super CommandMessage<?>> commandBusMonitor;
    private final MessageMonitor<? super EventMessage<?>> eventStoreMonitor;

    private MicrometerLedgerMetrics(MeterRegistry registry, boolean axonMeters) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.groupSize = DistributionSummary.builder("ledger.writer.group.size")
                .description("commands per committed group (one database transaction)")
                .baseUnit("commands")
                .register(registry);
        this.groupCommit = Timer.builder("ledger.writer.group.commit")
                .description("time of a group's successful attempt, from its first command log read to its commit")
                .register(registry);
        if (axonMeters) {
            this.commandBusMonitor = AxonMessageMeters.commandBus(registry);
            this.eventStoreMonitor = AxonMessageMeters.eventStore(registry);
        } else {
            this.commandBusMonitor = NoOpMessageMonitor.INSTANCE;
            this.eventStoreMonitor = null;
        }
    }

    /**
     * Meters on {@code registry}; Axon's own message meters too when axon-micrometer is on the class path
     * (without it, only the ledger's own).
     */
    public static LedgerMetrics create(MeterRegistry registry) {
        boolean axon = isPresent(AXON_MICROMETER_PROBE);
        if (!axon) {
            log.info("axon-micrometer is not on the class path: the ledger records its own meters only, not Axon's "
                    + "command bus and event store meters");
        }
        return new MicrometerLedgerMetrics(registry, axon);
    }

    static boolean isPresent(String className) {
        try {
            Class.forName(className, false, MicrometerLedgerMetrics.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    @Override
    public void commandCompleted(String type, String outcome, long nanos) {
        latency.computeIfAbsent(type + '\u0000' + outcome, key -> Timer.builder("ledger.command.latency")
                        .description("from submit to a durable outcome (or failure), per command type and outcome")
                        .tag("type", type)
                        .tag("outcome", outcome)
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void commandBusy(String type) {
        counter("ledger.command.busy", "type", type,
                "commands not queued because the writer's queue stayed full").increment();
    }

    @Override
    public void commandTimedOut(String type) {
        counter("ledger.command.timeouts", "type", type,
                "futures completed with a TimeoutException before the outcome was durable").increment();
    }

    @Override
    public void groupCommitted(int commands, long nanos) {
        groupSize.record(commands);
        groupCommit.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void fanOut(String type, int copiers) {
        fanOuts.computeIfAbsent(type, key -> DistributionSummary.builder("ledger.copy.fanout")
                        .description("copiers a committed lead trade was mirrored to")
                        .baseUnit("copiers")
                        .tag("type", type)
                        .register(registry))
                .record(copiers);
    }

    @Override
    public void writerRetry(String reason) {
        counter("ledger.writer.retries", "reason", reason, "group attempts that failed and were retried").increment();
    }

    @Override
    public void storeError(String component) {
        counter("ledger.store.errors", "component", component, "failed store operations").increment();
    }

    @Override
    public void readModelFailure(String readModel) {
        counter("ledger.readmodel.failures", "readmodel", readModel, "failed read-model batches (retried)").increment();
    }

    private Counter counter(String name, String tag, String value, String description) {
        return counters.computeIfAbsent(name + '\u0000' + value, key -> Counter.builder(name)
                .description(description)
                .tag(tag, value)
                .register(registry));
    }

    @Override
    public void bindWriter(IntSupplier queued, int capacity) {
        bound.add(Gauge.builder("ledger.writer.queue.size", queued::getAsInt)
                .description("commands waiting for the writer")
                .baseUnit("commands")
                .strongReference(true)
                .register(registry));
        bound.add(Gauge.builder("ledger.writer.queue.capacity", () -> capacity)
                .description("commands that may wait for the writer")
                .baseUnit("commands")
                .strongReference(true)
                .register(registry));
    }

    @Override
    public void bindReadModel(String name, LongSupplier lag, BooleanSupplier failing, LongSupplier recoveries,
                              LongSupplier eventsApplied) {
        bound.add(Gauge.builder("ledger.readmodel.lag", lag::getAsLong)
                .description("events in the store the read model has not applied (head as the watcher last read it)")
                .baseUnit("events")
                .tag("readmodel", name)
                .strongReference(true)
                .register(registry));
        bound.add(Gauge.builder("ledger.readmodel.failing", () -> failing.getAsBoolean() ? 1 : 0)
                .description("1 while an error stops the read model in this process, else 0")
                .tag("readmodel", name)
                .strongReference(true)
                .register(registry));
        held.add(recoveries);
        held.add(eventsApplied);
        bound.add(FunctionCounter.builder("ledger.readmodel.recoveries", recoveries, LongSupplier::getAsLong)
                .description("times this process recovered the stalled read model")
                .tag("readmodel", name)
                .register(registry));
        bound.add(FunctionCounter.builder("ledger.readmodel.events", eventsApplied, LongSupplier::getAsLong)
                .description("events this process applied to the read model")
                .baseUnit("events")
                .tag("readmodel", name)
                .register(registry));
    }

    @Override
    public MessageMonitor<? super CommandMessage<?>> commandBusMonitor() {
        return commandBusMonitor;
    }

    @Override
    public MessageMonitor<? super EventMessage<?>> eventStoreMonitor() {
        return eventStoreMonitor;
    }

    @Override
    public void close() {
        for (Meter meter : bound) {
            registry.remove(meter);
        }
        bound.clear();
        held.clear();
    }
}
