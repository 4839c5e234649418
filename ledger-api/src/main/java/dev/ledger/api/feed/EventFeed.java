package dev.ledger.api.feed;

import dev.ledger.api.audit.CloudEventRenderer;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.api.store.StoreException;
import dev.ledger.api.store.StoredEventReader;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The event store as an ordered feed for downstream services: every event, in global-position order, from
 * any position, each with its CloudEvents line as the audit export renders it. Works on a bare
 * {@link LedgerStore} (no writer, no read models: what {@code ledger tail} uses) or inside a
 * {@link dev.ledger.api.Ledger} ({@code Ledger.subscribe}, {@code Ledger.feed()}), which wakes its subscriptions
 * on every commit of its own.
 *
 * <p><b>Order and completeness.</b> Events are read straight from the event table, by global index, and
 * a read never passes a gap that an append still in flight may fill (on PostgreSQL appends commit in any
 * order; a read stops at such a gap, and when it is before its first event waits until the append has
 * committed or rolled back, usually milliseconds, and reads again): "the events at or after position P" is
 * exact, with nothing skipped. An empty answer means nothing was committed after the position when the read
 * began; a short one, read on from its end.
 * Events appended by other processes on the same store are seen by polling (every {@code pollInterval});
 * events committed by the ledger this feed belongs to are seen at once.
 *
 * <p><b>Thread-safety.</b> An {@code EventFeed} may be used from any number of threads. {@link #read} runs on
 * the caller's thread. Each {@link Subscription} has a thread of its own and calls its handler only from it,
 * one batch at a time (see {@link FeedHandler} for the delivery guarantees). A subscription holds a pooled
 * connection only while it reads a batch, never while its handler runs.
 */
public final class EventFeed implements AutoCloseable {

    /** Events per batch when the subscriber does not say (and the most one read hands over). */
    public static final int DEFAULT_BATCH_SIZE = 500;
    /** How often an idle subscription looks for events appended by other processes, unless told otherwise. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(100);

    private static final AtomicInteger SUBSCRIPTIONS = new AtomicInteger();

    private final LedgerStore store;
    private final Duration pollInterval;
    private final Set<Subscription> live = new CopyOnWriteArraySet<>();
    private volatile boolean closed;

    private EventFeed(LedgerStore store, Duration pollInterval) {
        this.store = Objects.requireNonNull(store, "store");
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, got " + pollInterval);
        }
        this.pollInterval = pollInterval;
    }

    /** A feed over {@code store}, polling every {@link #DEFAULT_POLL_INTERVAL}. The caller keeps owning the store. */
    public static EventFeed on(LedgerStore store) {
        return new EventFeed(store, DEFAULT_POLL_INTERVAL);
    }

    /** A feed over {@code store} whose idle subscriptions look for new events every {@code pollInterval}. */
    public static EventFeed on(LedgerStore store, Duration pollInterval) {
        return new EventFeed(store, pollInterval);
    }

    /**
     * Up to {@code limit} events at or after {@code from.position()}, in position order, their lines chained
     * from {@code from.prevHash()}; empty when there is none yet. One query, on the caller's thread. To read
     * on, pass the last event's {@link FeedEvent#next()}.
     *
     * @throws StoreException the store cannot be read
     * @throws dev.ledger.api.audit.AuditExportException a stored event cannot be rendered (names its position)
     */
    public List<FeedEvent> read(FeedCursor from, int limit) {
        Objects.requireNonNull(from, "from");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        List<TrackedEventData<?>> rows;
        try (Connection connection = store.dataSource().getConnection()) {
            rows = store.eventReader().settledRowsAfter(connection, from.position() - 1, limit);
        } catch (SQLException e) {
            throw new StoreException("cannot read the event store from position " + from.position() + ": "
                    + e.getMessage(), e);
        }
        if (rows.isEmpty()) {
            return List.of();
        }
        List<StoredEventReader.Indexed> messages = store.eventReader().events(rows);
        if (messages.size() != rows.size()) {
            throw new IllegalStateException("the upcasters turned " + rows.size() + " stored events into "
                    + messages.size() + "; the feed needs one event per stored event");
        }
        CloudEventRenderer renderer = new CloudEventRenderer();
        List<FeedEvent> events = new ArrayList<>(rows.size());
        String prevHash = from.prevHash();
        for (int i = 0; i < rows.size(); i++) {
            TrackedDomainEventData<?> stored = (TrackedDomainEventData<?>) rows.get(i);
            StoredEventReader.Indexed message = messages.get(i);
            long position = message.globalIndex();
            CloudEventRenderer.Rendered line = renderer.render(position, stored.getEventIdentifier(),
                    stored.getPayload().getType().getName(), stored.getPayload().getType().getRevision(),
                    stored.getAggregateIdentifier(), stored.getSequenceNumber(), stored.getTimestamp(),
                    bytes(stored.getMetaData().getData()), bytes(stored.getPayload().getData()), prevHash);
            events.add(new FeedEvent(position, stored.getEventIdentifier(), line.type(),
                    stored.getPayload().getType().getName(), stored.getPayload().getType().getRevision(),
                    stored.getAggregateIdentifier(), stored.getSequenceNumber(), line.accounts(), stored.getTimestamp(),
                    line.commandId(), line.payloadJson(), line.line(), prevHash, line.hash(), message.event()));
            prevHash = line.hash();
        }
        return events;
    }

    private static byte[] bytes(Object data) {
        return (byte[]) data;
    }

    /** The highest position in the store, or -1 when it is empty. */
    public long head() {
        return store.headIndex();
    }

    /**
     * Delivers every event at or after {@code fromPosition} to {@code handler}, and every event committed
     * later, until the subscription is closed; lines chained as from {@link FeedCursor#at(long)} (from position
     * 0: exactly the export's lines). Batches of up to {@link #DEFAULT_BATCH_SIZE}.
     */
    public Subscription subscribe(long fromPosition, FeedHandler handler) {
        return subscribe(FeedCursor.at(fromPosition), DEFAULT_BATCH_SIZE, handler);
    }

    /** Delivers every event from {@code from} on (see {@link #subscribe(FeedCursor, int, FeedHandler)}). */
    public Subscription subscribe(FeedCursor from, FeedHandler handler) {
        return subscribe(from, DEFAULT_BATCH_SIZE, handler);
    }

    /**
     * Starts a subscription: a thread of its own delivers every event at or after {@code from.position()} to
     * {@code handler}, in position order, in batches of at most {@code maxBatch} events, and then each event
     * as it is committed, until {@link Subscription#close()}. At least once: a batch whose handler threw is
     * delivered again, unchanged, after a back-off (100 ms doubling to 5 s), and nothing after it is delivered
     * before it succeeded; a failure to read the store is retried the same way. Each failure is reported
     * ({@link FeedHandler#failed}, {@link Subscription#lastError()}, a WARN log line on the first).
     */
    public Subscription subscribe(FeedCursor from, int maxBatch, FeedHandler handler) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(handler, "handler");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be positive, got " + maxBatch);
        }
        if (closed) {
            throw new IllegalStateException("this event feed is closed");
        }
        Subscription subscription = new Subscription(this, from, maxBatch, handler, pollInterval.toMillis(),
                "ledger-feed-" + SUBSCRIPTIONS.incrementAndGet());
        live.add(subscription);
        subscription.start();
        if (closed) {
            subscription.close();
        }
        return subscription;
    }

    /**
     * Events were committed in this process: subscriptions look at once instead of at their next poll.
     * {@code Ledger} calls it after each commit of its writer; a service that appends through other means may
     * call it too. Cheap, never blocks.
     */
    public void eventsCommitted() {
        live.forEach(Subscription::wake);
    }

    void ended(Subscription subscription) {
        live.remove(subscription);
    }

    /** Closes every subscription still open (each waits for its batch in flight); the store stays open. */
    @Override
    public void close() {
        closed = true;
        for (Subscription subscription : live) {
            subscription.close();
        }
    }
}
