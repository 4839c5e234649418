package dev.ledger.api.read;

import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;

/**
 * Takes every event, and does nothing with it. Registered beside each projection so that its
 * processor advances its token over every event, not only the types it reads: Axon's event store
 * otherwise stops delivering a type nobody in the processor handles, and the processor's position
 * would then lag behind the head for good, which would make "the read models have caught up" unknowable.
 * The parameter is the message itself, so the payload is never deserialized for this.
 */
final class PositionTracker {

    @EventHandler(payloadType = Object.class)
    void on(EventMessage<?> event) {
        // Nothing to do: being able to handle every type is the point.
    }
}
