package dev.ledger.api.write;

import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventsourcing.CachingEventSourcingRepository;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.NoSnapshotTriggerDefinition;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.LockAwareAggregate;

import java.time.Clock;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Axon's caching event-sourcing repository, with three changes:
 * <ul>
 * <li>the aggregates it creates and loads stamp their events with the ledger's clock
 * ({@link ClockStampedAggregate}), not with Axon's JVM-wide one;</li>
 * <li>the aggregates a unit of work holds are kept in a map that also indexes its values, which a copy-trading
 * fan-out needs. Axon asks that map, once per aggregate at commit, whether it still holds the aggregate
 * ({@code containsValue}); on a plain {@code HashMap} that is a scan, so a command that touches N aggregates (a
 * lead trade mirrored to N copiers) paid O(N²) at commit: 10,000 copiers meant 50 million comparisons.</li>
 * <li>its aggregates report every event they are about to apply to {@link AggregateSnapshots}, which snapshots
 * them from memory when the command group commits; Axon's snapshot trigger is not used.</li>
 * </ul>
 */
public final class LedgerAggregateRepository<T> extends CachingEventSourcingRepository<T> {

    private static final AtomicLong INSTANCES = new AtomicLong();

    private final String managedKey = LedgerAggregateRepository.class.getName() + ".managed#" + INSTANCES.incrementAndGet();
    private final EventBus eventBus;
    private final AggregateSnapshots snapshots;
    private final Clock eventClock;

    /**
     * A repository as {@code builder} describes it; the builder must name a cache and no snapshot trigger
     * definition, and {@code eventBus} must be the event store it names.
     *
     * @param snapshots  takes the snapshots of this repository's aggregates
     * @param eventClock the clock that stamps the events of this repository's aggregates
     */
    public LedgerAggregateRepository(EventSourcingRepository.Builder<T> builder, EventBus eventBus,
                                     AggregateSnapshots snapshots, Clock eventClock) {
        super(builder);
        this.eventBus = Objects.requireNonNull(eventBus, "eventBus");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.eventClock = Objects.requireNonNull(eventClock, "eventClock");
    }

    @Override
    protected EventSourcedAggregate<T> doCreateNewForLock(Callable<T> factoryMethod) throws Exception {
        return ClockStampedAggregate.create(factoryMethod, aggregateModel(), eventBus,
                NoSnapshotTriggerDefinition.TRIGGER, eventClock, this::applying);
    }

    /**
     * Loads as Axon does (from the cache, or from a snapshot and the events after it) and hands the aggregate to
     * a {@link ClockStampedAggregate}; one from the cache normally is one already, having been cached when it was
     * last saved.
     */
    @Override
    protected EventSourcedAggregate<T> doLoadWithLock(String aggregateIdentifier, Long expectedVersion) {
        return ClockStampedAggregate.adopt(super.doLoadWithLock(aggregateIdentifier, expectedVersion),
                aggregateModel(), eventBus, eventClock, this::applying);
    }

    /** An aggregate of this repository is about to apply the event with {@code sequenceNumber}. */
    private void applying(ClockStampedAggregate<T> aggregate, long sequenceNumber) {
        snapshots.applying(aggregateModel().type(), aggregate, sequenceNumber);
    }

    @Override
    protected Map<String, LockAwareAggregate<T, EventSourcedAggregate<T>>> managedAggregates(UnitOfWork<?> unitOfWork) {
        return unitOfWork.root().getOrComputeResource(managedKey, key -> new IndexedMap<>());
    }

    /**
     * A map whose {@link #containsValue} is a look-up: every value is counted, by identity, beside the
     * entries. Changes go through {@link #put} and {@link #remove} only (the entry view is read-only), so the
     * two stay in step whatever the repository calls.
     */
    static final class IndexedMap<K, V> extends AbstractMap<K, V> {

        private final Map<K, V> entries = new HashMap<>();
        private final Map<V, Integer> values = new IdentityHashMap<>();

        @Override
        public boolean containsValue(Object value) {
            return values.containsKey(value);
        }

        @Override
        public boolean containsKey(Object key) {
            return entries.containsKey(key);
        }

        @Override
        public V get(Object key) {
            return entries.get(key);
        }

        @Override
        public int size() {
            return entries.size();
        }

        @Override
        public V put(K key, V value) {
            V previous = entries.put(key, value);
            forget(previous);
            remember(value);
            return previous;
        }

        @Override
        public V remove(Object key) {
            V removed = entries.remove(key);
            forget(removed);
            return removed;
        }

        @Override
        public void clear() {
            entries.clear();
            values.clear();
        }

        @Override
        public Set<Entry<K, V>> entrySet() {
            return Collections.unmodifiableMap(entries).entrySet();
        }

        private void remember(V value) {
            if (value != null) {
                values.merge(value, 1, Integer::sum);
            }
        }

        @SuppressWarnings("unchecked")
        private void forget(Object value) {
            if (value != null) {
                values.computeIfPresent((V) value, (v, count) -> count == 1 ? null : count - 1);
            }
        }
    }
}
