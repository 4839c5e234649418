package dev.ledger.api.read;

import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link ProjectionEventHandler} tells a rebuild's reader thread about a payload type: whether a handler may
 * take it, and whether handling it may read the event's metadata (only then is the metadata deserialized ahead).
 */
class ProjectionEventHandlerTest {

    record Plain(String value) {
    }

    record Tagged(String value) {
    }

    record Whole(String value) {
    }

    record Unhandled(String value) {
    }

    static final class Projection {
        final List<String> seen = new ArrayList<>();

        @EventHandler
        void on(Plain event) {
            seen.add("plain " + event.value());
        }

        @EventHandler
        void on(Tagged event, @MetaDataValue("commandId") String commandId) {
            seen.add("tagged " + event.value() + " by " + commandId);
        }

        @EventHandler
        void on(Whole event, EventMessage<?> message) {
            seen.add("whole " + event.value() + " by " + message.getMetaData().get("commandId"));
        }
    }

    @Test
    void saysWhetherAHandlerMayReadMetadataOnceItHasSeenAnEventOfTheType() throws Exception {
        Projection projection = new Projection();
        ProjectionEventHandler handler = new ProjectionEventHandler(projection);
        // Before the first event of a type, the reader thread must assume the worst.
        for (Class<?> type : List.of(Plain.class, Tagged.class, Whole.class, Unhandled.class)) {
            assertThat(handler.mayHandle(type)).as("%s before any event", type.getSimpleName()).isTrue();
            assertThat(handler.mayReadMetaData(type)).as("%s before any event", type.getSimpleName()).isTrue();
            assertThat(handler.knows(type)).as("%s before any event", type.getSimpleName()).isFalse();
        }

        handler.handle(event(new Plain("p")));
        handler.handle(event(new Tagged("t")));
        handler.handle(event(new Whole("w")));
        handler.handle(event(new Unhandled("u")));

        assertThat(projection.seen).containsExactly("plain p", "tagged t by c-1", "whole w by c-1");
        assertThat(List.of(Plain.class, Tagged.class, Whole.class, Unhandled.class)).allMatch(handler::knows);
        assertThat(handler.mayReadMetaData(Plain.class)).isFalse();
        assertThat(handler.mayReadMetaData(Tagged.class)).isTrue();
        assertThat(handler.mayReadMetaData(Whole.class)).isTrue();
        assertThat(handler.mayHandle(Unhandled.class)).isFalse();
        assertThat(handler.mayReadMetaData(Unhandled.class)).isFalse();
    }

    private static EventMessage<?> event(Object payload) {
        return new GenericEventMessage<>(payload, MetaData.from(Map.of("commandId", "c-1")));
    }
}
