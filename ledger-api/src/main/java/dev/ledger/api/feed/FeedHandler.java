package dev.ledger.api.feed;

import java.util.List;

/**
 * Receives the events of a {@link Subscription}, in batches, in global-position order.
 *
 * <p>A batch counts as delivered when {@link #handle} returns. If it throws, the subscription hands the
 * very same batch again (same events, same lines, same order) after a back-off of 100 ms doubling to 5 s,
 * for as long as it keeps throwing; nothing after it is delivered meanwhile, and nothing is ever skipped.
 * The handler therefore sees an event more than once only after it threw for that event's batch: make it
 * idempotent (the {@link FeedEvent#eventId() event id}, the CloudEvents {@code id}, or the position identify
 * an event), or make {@link #handle} all-or-nothing.
 *
 * <p>Every call of one subscription comes from that subscription's own thread, one at a time, so a handler
 * used by one subscription needs no synchronisation of its own. A handler should not block for ever:
 * {@link Subscription#close()} waits for the batch in flight.
 */
@FunctionalInterface
public interface FeedHandler {

    /** Takes one batch: at least one event, positions strictly rising, each after the previous batch's last. */
    void handle(List<FeedEvent> batch) throws Exception;

    /**
     * Told each time {@link #handle} failed for {@code batch}, before the back-off; {@code attempt} counts the
     * consecutive failures of this batch from 1. The subscription also logs the first failure (WARN) and
     * shows the error in {@link Subscription#lastError()}. Does nothing by default.
     */
    default void failed(List<FeedEvent> batch, Throwable error, int attempt) {
    }
}
