package dev.ledger.api.write;

import dev.ledger.domain.command.CommandChecks;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.monitoring.MessageMonitor;
import org.axonframework.monitoring.NoOpMessageMonitorCallback;

import java.util.ArrayList;
import java.util.List;

/**
 * Sees every event as it is published on the writer thread, so that what a command caused can react
 * (the migration saga) inside that command's own unit of work, before the next command runs. Installed
 * as the event store's message monitor, which Axon calls at publication time.
 */
public final class EventCapture implements MessageMonitor<EventMessage<?>> {

    /**
     * Events per command before the capture refuses more (a runaway reaction loop is a bug). A lead trade
     * mirrored to the most followers a leader may have publishes at most two events per follower (its
     * {@code TradeCopied}, and its follow ending at the loss limit) and a few of the leader's own.
     */
    static final int MAX_EVENTS_PER_COMMAND = 2 * CommandChecks.MAX_FOLLOWERS + 10_000;

    private final ThreadLocal<List<EventMessage<?>>> captured = new ThreadLocal<>();

    @Override
    public MonitorCallback onMessageIngested(EventMessage<?> message) {
        List<EventMessage<?>> events = captured.get();
        if (events != null) {
            if (events.size() >= MAX_EVENTS_PER_COMMAND) {
                throw new IllegalStateException("one command published more than " + MAX_EVENTS_PER_COMMAND + " events");
            }
            events.add(message);
        }
        return NoOpMessageMonitorCallback.INSTANCE;
    }

    /** Starts capturing on this thread, dropping anything captured before. */
    void start() {
        captured.set(new ArrayList<>());
    }

    /** What was captured since the last start or drain; capturing goes on. */
    List<EventMessage<?>> drain() {
        List<EventMessage<?>> events = captured.get();
        if (events == null || events.isEmpty()) {
            return List.of();
        }
        captured.set(new ArrayList<>());
        return events;
    }

    void stop() {
        captured.remove();
    }
}
