package dev.ledger.api.write;

import org.axonframework.eventhandling.EventMessage;

import java.util.List;

/**
 * What runs after a command's handler and inside the command's unit of work, on the events it caused:
 * anything a later command must already see (the migration it completes). A reaction may publish
 * more events; it is called again with those until none are left.
 */
public interface CommandReactions {

    /** Reacts to the events; throwing rolls the whole command back. */
    void react(List<EventMessage<?>> events) throws Exception;

    CommandReactions NONE = events -> {
    };
}
