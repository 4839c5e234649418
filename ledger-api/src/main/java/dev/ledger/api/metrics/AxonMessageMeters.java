package dev.ledger.api.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.micrometer.MessageCountingMonitor;
import org.axonframework.micrometer.MessageTimerMonitor;
import org.axonframework.micrometer.TagsUtil;
import org.axonframework.monitoring.MessageMonitor;
import org.axonframework.monitoring.MultiMessageMonitor;

import java.util.List;

/**
 * Axon's own message meters (axon-micrometer's counting and timer monitors), tagged with the payload type, on
 * the ledger's command bus ({@code ledger.axon.commandbus.*}) and event store ({@code ledger.axon.eventstore.*}).
 * A class apart so that axon-micrometer is loaded only when it is present.
 */
final class AxonMessageMeters {

    static final String COMMAND_BUS = "ledger.axon.commandbus";
    static final String EVENT_STORE = "ledger.axon.eventstore";

    private AxonMessageMeters() {
    }

    static MessageMonitor<? super CommandMessage<?>> commandBus(MeterRegistry registry) {
        return new MultiMessageMonitor<CommandMessage<?>>(List.of(
                MessageCountingMonitor.buildMonitor(COMMAND_BUS, registry, TagsUtil.PAYLOAD_TYPE_TAGGER_FUNCTION),
                MessageTimerMonitor.buildMonitor(COMMAND_BUS, registry, TagsUtil.PAYLOAD_TYPE_TAGGER_FUNCTION)));
    }

    static MessageMonitor<? super EventMessage<?>> eventStore(MeterRegistry registry) {
        return new MultiMessageMonitor<EventMessage<?>>(List.of(
                MessageCountingMonitor.buildMonitor(EVENT_STORE, registry, TagsUtil.PAYLOAD_TYPE_TAGGER_FUNCTION),
                MessageTimerMonitor.buildMonitor(EVENT_STORE, registry, TagsUtil.PAYLOAD_TYPE_TAGGER_FUNCTION)));
    }
}
