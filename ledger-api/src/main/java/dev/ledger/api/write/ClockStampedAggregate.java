package dev.ledger.api.write;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.SnapshotTrigger;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.inspection.AggregateModel;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Axon's event-sourced aggregate, except that the events it applies carry the time of the ledger's clock rather
 * than that of Axon's JVM-wide {@code GenericEventMessage.clock}: ledgers in one JVM stamp their events each with
 * its own clock, and building a ledger changes no static state. The time is set where Axon sets it, when the
 * event message is created and before the aggregate applies it, so an event sourcing handler that reads it (an
 * account's migration start) sees the time the event store keeps. Everything else about the message (its
 * identifier, payload, metadata, aggregate type, identifier and sequence number) is Axon's. Its repository is
 * told of every event it is about to apply (snapshots are taken from memory: see {@link AggregateSnapshots}).
 *
 * <p>{@link LedgerAggregateRepository} makes every aggregate it creates or loads one of these.
 */
final class ClockStampedAggregate<T> extends EventSourcedAggregate<T> {

    private final Clock clock;
    private final Applying<T> applying;

    /** Told of each event the aggregate is about to apply (not of the events it is loaded from). */
    @FunctionalInterface
    interface Applying<T> {
        void applying(ClockStampedAggregate<T> aggregate, long sequenceNumber);
    }

    private ClockStampedAggregate(AggregateModel<T> model, EventBus eventBus, SnapshotTrigger snapshotTrigger,
                                  Clock clock, Applying<T> applying) {
        super(model, eventBus, snapshotTrigger);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.applying = Objects.requireNonNull(applying, "applying");
    }

    private ClockStampedAggregate(T root, AggregateModel<T> model, EventBus eventBus, SnapshotTrigger snapshotTrigger,
                                  Clock clock, Applying<T> applying) {
        super(root, model, eventBus, snapshotTrigger);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.applying = Objects.requireNonNull(applying, "applying");
    }

    /** A new aggregate: {@code factory} builds its root, which applies the aggregate's first events. */
    static <T> ClockStampedAggregate<T> create(Callable<T> factory, AggregateModel<T> model, EventBus eventBus,
                                               SnapshotTrigger snapshotTrigger, Clock clock, Applying<T> applying)
            throws Exception {
        ClockStampedAggregate<T> aggregate = new ClockStampedAggregate<>(model, eventBus, snapshotTrigger, clock,
                applying);
        aggregate.registerRoot(factory);
        return aggregate;
    }

    /**
     * The same aggregate as {@code loaded} (Axon's repository loaded it from the event store, or the cache
     * preloader built it): the same root, version, deletion mark and snapshot trigger, stamping with {@code clock}
     * from now on. {@code loaded} must not be used afterwards.
     */
    static <T> ClockStampedAggregate<T> adopt(EventSourcedAggregate<T> loaded, AggregateModel<T> model,
                                              EventBus eventBus, Clock clock, Applying<T> applying) {
        if (loaded instanceof ClockStampedAggregate<T> stamped) {
            return stamped;
        }
        ClockStampedAggregate<T> aggregate = new ClockStampedAggregate<>(loaded.getAggregateRoot(), model, eventBus,
                loaded.getSnapshotTrigger(), clock, applying);
        Long version = loaded.version();
        if (version != null) {
            aggregate.initSequence(version);
        }
        if (loaded.isDeleted()) {
            aggregate.doMarkDeleted();
        }
        return aggregate;
    }

    @Override
    protected <P> EventMessage<P> createMessage(P payload, MetaData metaData) {
        EventMessage<P> created = super.createMessage(payload, metaData);
        Instant now = clock.instant();
        if (created instanceof DomainEventMessage<P> event) {
            applying.applying(this, event.getSequenceNumber());
            String aggregateId = event.getAggregateIdentifier();
            if (aggregateId == null) {
                // The first event of an aggregate being created: the id is set when the aggregate applies it.
                return new IdentifiedOnApply<>(event.getType(), this::identifierAsString, event.getSequenceNumber(),
                        event.getPayload(), event.getMetaData(), event.getIdentifier(), now);
            }
            return new GenericDomainEventMessage<>(event.getType(), aggregateId, event.getSequenceNumber(),
                    event.getPayload(), event.getMetaData(), event.getIdentifier(), now);
        }
        return new GenericEventMessage<>(created.getIdentifier(), created.getPayload(), created.getMetaData(), now);
    }

    /**
     * A domain event whose aggregate identifier is read from the aggregate when asked for, as Axon does for the
     * first event of an aggregate whose identifier its own event sourcing handler sets.
     */
    private static final class IdentifiedOnApply<P> extends GenericDomainEventMessage<P> {

        private final Supplier<String> aggregateId;

        IdentifiedOnApply(String type, Supplier<String> aggregateId, long sequenceNumber, P payload,
                          Map<String, ?> metaData, String messageId, Instant timestamp) {
            super(type, null, sequenceNumber, payload, metaData, messageId, timestamp);
            this.aggregateId = aggregateId;
        }

        @Override
        public String getAggregateIdentifier() {
            return aggregateId.get();
        }

        @Override
        public GenericDomainEventMessage<P> withMetaData(Map<String, ?> metaData) {
            return copy(MetaData.from(metaData));
        }

        @Override
        public GenericDomainEventMessage<P> andMetaData(Map<String, ?> metaData) {
            return copy(getMetaData().mergedWith(metaData));
        }

        private GenericDomainEventMessage<P> copy(MetaData metaData) {
            String id = aggregateId.get();
            return id == null
                    ? new IdentifiedOnApply<>(getType(), aggregateId, getSequenceNumber(), getPayload(), metaData,
                    getIdentifier(), getTimestamp())
                    : new GenericDomainEventMessage<>(getType(), id, getSequenceNumber(), getPayload(), metaData,
                    getIdentifier(), getTimestamp());
        }
    }
}
