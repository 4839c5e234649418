package dev.ledger.api.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ledger.domain.event.FeeCharged;
import dev.ledger.domain.event.FundingSettled;
import dev.ledger.domain.event.InsuranceFundCovered;
import dev.ledger.domain.event.IsolatedMarginAdjusted;
import dev.ledger.domain.event.PositionIncreased;
import dev.ledger.domain.event.PositionLiquidated;
import dev.ledger.domain.event.PositionReduced;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The ledger's upcasters: stored events of an older revision are read as the current revision.
 *
 * <ul>
 *   <li>Revision 1 to 2 of the position, fee, margin, funding, liquidation and insurance events: copy
 *   trading added {@code leader} (the leader a COPY account's position copies). Every event stored at
 *   revision 1 was booked before copy trading existed, on a position that copies nobody: {@code null}.</li>
 * </ul>
 */
public final class EventUpcasters {

    private EventUpcasters() {
    }

    public static EventUpcasterChain chain() {
        return new EventUpcasterChain(List.of(new LeaderAdded()));
    }

    /** Adds {@code "leader": null} to the revision-1 payloads of the events that gained a leader in revision 2. */
    static final class LeaderAdded extends SingleEventUpcaster {

        private static final Set<String> TYPES = List.of(PositionIncreased.class, PositionReduced.class,
                        FeeCharged.class, IsolatedMarginAdjusted.class, FundingSettled.class, PositionLiquidated.class,
                        InsuranceFundCovered.class).stream()
                .map(Class::getName).collect(Collectors.toUnmodifiableSet());

        @Override
        protected boolean canUpcast(IntermediateEventRepresentation representation) {
            return TYPES.contains(representation.getType().getName())
                    && "1".equals(representation.getType().getRevision());
        }

        @Override
        protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation representation) {
            return representation.upcastPayload(
                    new SimpleSerializedType(representation.getType().getName(), "2"), JsonNode.class,
                    payload -> {
                        ((ObjectNode) payload).putNull("leader");
                        return payload;
                    });
        }
    }
}
