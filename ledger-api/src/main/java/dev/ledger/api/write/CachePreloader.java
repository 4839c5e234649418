package dev.ledger.api.write;

import dev.ledger.api.store.LedgerStore;
import dev.ledger.api.store.StoreException;
import dev.ledger.domain.support.AggregatePreloader;
import org.axonframework.common.caching.Cache;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventsourcing.AggregateCacheEntry;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.EventStreamUtils;
import org.axonframework.eventsourcing.GenericAggregateFactory;
import org.axonframework.eventsourcing.NoSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.modelling.command.inspection.AggregateModel;
import org.axonframework.modelling.command.inspection.AnnotatedAggregateMetaModelFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads many aggregates of one type into the aggregate cache with two queries per chunk of ids (their latest
 * snapshots, and the events after them) instead of three queries per aggregate: a lead trade mirrored to
 * 10,000 copiers that are not in memory (after a restart) reads them in 40 queries. Each aggregate is built as
 * Axon's repository builds it (snapshot or first event, then the events in order, through the same upcasters
 * and serializer) and cached as the repository caches it, so the command that then loads it finds it there.
 */
public final class CachePreloader<T> implements AggregatePreloader {

    /** Ids per pair of queries. */
    static final int CHUNK = 500;

    private static final String EVENT_COLUMNS =
            "aggregateidentifier, sequencenumber, type, eventidentifier, timestamp, payloadtype, payloadrevision, payload, metadata";

    private final Class<T> type;
    private final LedgerStore store;
    private final Cache cache;
    private final EventBus eventBus;
    private final AggregateModel<T> model;
    private final GenericAggregateFactory<T> factory;

    public CachePreloader(Class<T> type, LedgerStore store, Cache cache, EventBus eventBus) {
        this.type = type;
        this.store = store;
        this.cache = cache;
        this.eventBus = eventBus;
        this.model = AnnotatedAggregateMetaModelFactory.inspectAggregate(type);
        this.factory = new GenericAggregateFactory<>(type);
    }

    @Override
    public void preload(Collection<String> aggregateIds) {
        List<String> ids = new ArrayList<>(aggregateIds);
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            try (Connection connection = store.transactions().getConnection()) {
                Map<String, DomainEventData<?>> snapshotsById = snapshots(connection, chunk);
                Map<String, List<DomainEventData<?>>> eventsById = events(connection, chunk);
                for (String id : chunk) {
                    build(id, snapshotsById.get(id), eventsById.getOrDefault(id, List.of()));
                }
            } catch (SQLException e) {
                throw new StoreException("cannot preload " + chunk.size() + " " + type.getSimpleName() + " aggregates", e);
            }
        }
    }

    private void build(String id, DomainEventData<?> snapshot, List<DomainEventData<?>> events) {
        if (snapshot == null && events.isEmpty()) {
            return;
        }
        DomainEventStream stream = EventStreamUtils.upcastAndDeserializeDomainEvents(events.stream(),
                store.serializer(), store.upcasters());
        if (snapshot != null) {
            DomainEventStream snapshotStream = EventStreamUtils.upcastAndDeserializeDomainEvents(Stream.of(snapshot),
                    store.serializer(), store.upcasters());
            stream = DomainEventStream.concat(snapshotStream, stream);
        }
        DomainEventMessage<?> first = stream.peek();
        T root = factory.createAggregateRoot(id, first);
        EventSourcedAggregate<T> aggregate = EventSourcedAggregate.initialize(root, model, eventBus,
                NoSnapshotTriggerDefinition.TRIGGER);
        aggregate.initializeState(stream);
        cache.put(id, new AggregateCacheEntry<>(aggregate));
    }

    private Map<String, DomainEventData<?>> snapshots(Connection connection, List<String> ids) throws SQLException {
        Map<String, DomainEventData<?>> latest = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT " + EVENT_COLUMNS
                + " FROM snapshotevententry WHERE aggregateidentifier IN (" + placeholders(ids.size()) + ")")) {
            bind(query, ids);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    DomainEventData<?> snapshot = entry(rows);
                    DomainEventData<?> known = latest.get(snapshot.getAggregateIdentifier());
                    if (known == null || known.getSequenceNumber() < snapshot.getSequenceNumber()) {
                        latest.put(snapshot.getAggregateIdentifier(), snapshot);
                    }
                }
            }
        }
        return latest;
    }

    private Map<String, List<DomainEventData<?>>> events(Connection connection, List<String> ids) throws SQLException {
        Map<String, List<DomainEventData<?>>> byId = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT " + EVENT_COLUMNS
                + " FROM domainevententry e WHERE e.aggregateidentifier IN (" + placeholders(ids.size()) + ")"
                + " AND e.sequencenumber > COALESCE((SELECT MAX(s.sequencenumber) FROM snapshotevententry s"
                + " WHERE s.aggregateidentifier = e.aggregateidentifier), -1)"
                + " ORDER BY e.aggregateidentifier, e.sequencenumber")) {
            bind(query, ids);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    DomainEventData<?> event = entry(rows);
                    byId.computeIfAbsent(event.getAggregateIdentifier(), k -> new ArrayList<>()).add(event);
                }
            }
        }
        return byId;
    }

    private static DomainEventData<?> entry(ResultSet row) throws SQLException {
        return new GenericDomainEventEntry<>(row.getString("type"), row.getString("aggregateidentifier"),
                row.getLong("sequencenumber"), row.getString("eventidentifier"), row.getString("timestamp"),
                row.getString("payloadtype"), row.getString("payloadrevision"), row.getBytes("payload"),
                row.getBytes("metadata"));
    }

    private static String placeholders(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }

    private static void bind(PreparedStatement query, List<String> ids) throws SQLException {
        for (int i = 0; i < ids.size(); i++) {
            query.setString(i + 1, ids.get(i));
        }
    }
}
