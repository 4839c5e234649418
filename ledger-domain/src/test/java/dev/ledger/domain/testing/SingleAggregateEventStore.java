package dev.ledger.domain.testing;

import org.axonframework.common.Registration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.modelling.command.AggregateNotFoundException;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The fixture's event store as {@code EventSourcedAggregates} asks it "does this aggregate exist?".
 * An {@code AggregateTestFixture} holds exactly one aggregate: its recording store throws for an
 * aggregate without events and for any other identifier, and binds itself to the first identifier it
 * is asked about. This view answers for the fixture's one aggregate from the fixture, and "does not
 * exist" for every other identifier without asking the fixture (so that a look-up of, say, the
 * user's LEGACY account does not bind the fixture to it). Everything else is delegated.
 */
public final class SingleAggregateEventStore implements EventStore {

    private final EventStore fixtureStore;
    private final String aggregateId;

    public SingleAggregateEventStore(EventStore fixtureStore, String aggregateId) {
        this.fixtureStore = Objects.requireNonNull(fixtureStore, "fixtureStore");
        this.aggregateId = Objects.requireNonNull(aggregateId, "aggregateId");
    }

    @Override
    public Optional<Long> lastSequenceNumberFor(String identifier) {
        if (!aggregateId.equals(identifier)) {
            return Optional.empty();
        }
        try {
            return fixtureStore.lastSequenceNumberFor(identifier);
        } catch (AggregateNotFoundException noEventsYet) {
            return Optional.empty();
        }
    }

    @Override
    public DomainEventStream readEvents(String identifier) {
        return fixtureStore.readEvents(identifier);
    }

    @Override
    public void storeSnapshot(DomainEventMessage<?> snapshot) {
        fixtureStore.storeSnapshot(snapshot);
    }

    @Override
    public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken trackingToken) {
        return fixtureStore.openStream(trackingToken);
    }

    @Override
    public void publish(List<? extends EventMessage<?>> events) {
        fixtureStore.publish(events);
    }

    @Override
    public Registration subscribe(Consumer<List<? extends EventMessage<?>>> messageProcessor) {
        return fixtureStore.subscribe(messageProcessor);
    }

    @Override
    public Registration registerDispatchInterceptor(
            MessageDispatchInterceptor<? super EventMessage<?>> dispatchInterceptor) {
        return fixtureStore.registerDispatchInterceptor(dispatchInterceptor);
    }
}
