package dev.ledger.domain.support;

import org.axonframework.common.caching.Cache;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.Aggregate;
import org.axonframework.modelling.command.Repository;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Finds and creates event-sourced aggregates of one type. Whether an aggregate exists is answered
 * without an exception where the answer is in memory (the aggregate cache, or an aggregate created
 * earlier in the same command group), and with one look at the event store otherwise; only
 * aggregates that exist are loaded.
 */
public final class EventSourcedAggregates<T> {

    private final String createdInGroupKey;
    private final Repository<T> repository;
    private final Predicate<String> storedInEventStore;
    private final Cache cache;
    private final AggregatePreloader preloader;

    /**
     * @param storedInEventStore whether the event store holds committed events of an aggregate id (one
     *                           indexed look-up; events staged in the current group are not its concern)
     */
    public EventSourcedAggregates(Class<T> type, Repository<T> repository, Predicate<String> storedInEventStore,
                                  Cache cache) {
        this(type, repository, storedInEventStore, cache, AggregatePreloader.NONE);
    }

    /** With a preloader that fills {@code cache} in bulk (see {@link #preload}). */
    public EventSourcedAggregates(Class<T> type, Repository<T> repository, Predicate<String> storedInEventStore,
                                  Cache cache, AggregatePreloader preloader) {
        this.createdInGroupKey = EventSourcedAggregates.class.getName() + ".created." + type.getName();
        this.repository = Objects.requireNonNull(repository, "repository");
        this.storedInEventStore = Objects.requireNonNull(storedInEventStore, "storedInEventStore");
        this.cache = cache;
        this.preloader = Objects.requireNonNull(preloader, "preloader");
    }

    /**
     * Brings the aggregates {@code ids} into memory in bulk before a command touches each of them (a fan-out
     * to many copiers). Without a preloader, or for aggregates already in memory, it does nothing.
     *
     * <p>Nor does it for an aggregate this command group has already read. The group may have changed it, and
     * its events are staged until the group commits: a preloader reads the store only. Such an aggregate is out of
     * memory only when a refused command's rollback (or the cache's bound) took it out, and the repository then
     * loads it with the staged events.
     */
    public void preload(Collection<String> ids) {
        if (cache == null) {
            return;
        }
        Map<String, Long> readByGroup = versionsRead();
        List<String> missing = new ArrayList<>();
        for (String id : ids) {
            if (!cache.containsKey(id) && !readByGroup.containsKey(id)) {
                missing.add(id);
            }
        }
        if (!missing.isEmpty()) {
            preloader.preload(missing);
        }
    }

    /** For tests with Axon's fixtures: existence as the given event store knows it. */
    public EventSourcedAggregates(Class<T> type, Repository<T> repository, EventStore eventStore, Cache cache) {
        this(type, repository, id -> eventStore.lastSequenceNumberFor(id).isPresent(), cache);
    }

    public Optional<Aggregate<T>> find(String id) {
        boolean exists = (cache != null && cache.containsKey(id))
                || createdInGroup().contains(id)
                || storedInEventStore.test(id);
        if (!exists) {
            versionsRead().putIfAbsent(id, ABSENT);
            return Optional.empty();
        }
        Aggregate<T> aggregate = repository.load(id);
        Long version = aggregate.version();
        versionsRead().putIfAbsent(id, version == null ? ABSENT : version);
        return Optional.of(aggregate);
    }

    /** The version recorded for an aggregate that had no events when it was read. */
    public static final long ABSENT = -1L;

    private static final String VERSIONS_READ = EventSourcedAggregates.class.getName() + ".versionsRead";

    /**
     * Every aggregate a command group read, with the version it had when first read ({@link #ABSENT}
     * for none). Decisions, refusals included, were made on these versions: a writer that shares its
     * store with other writers checks them against the store before it commits (see GroupCommitWriter).
     */
    public static Map<String, Long> versionsRead(UnitOfWork<?> unitOfWork) {
        Map<String, Long> versions = unitOfWork.root().getResource(VERSIONS_READ);
        return versions == null ? Map.of() : versions;
    }

    private static Map<String, Long> versionsRead() {
        return CurrentUnitOfWork.get().root().getOrComputeResource(VERSIONS_READ, k -> new HashMap<>());
    }

    /** Creates an aggregate; {@code factory} must apply its first event. */
    public Aggregate<T> create(String id, Callable<T> factory) {
        try {
            Aggregate<T> aggregate = repository.newInstance(factory);
            Set<String> created = createdInGroup();
            created.add(id);
            versionsRead().putIfAbsent(id, ABSENT);
            // A command refused after the creation rolls back its own unit of work, the creation with it.
            CurrentUnitOfWork.get().onRollback(u -> created.remove(id));
            return aggregate;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + id, e);
        }
    }

    private Set<String> createdInGroup() {
        return CurrentUnitOfWork.get().root().getOrComputeResource(createdInGroupKey, k -> new HashSet<>());
    }
}
