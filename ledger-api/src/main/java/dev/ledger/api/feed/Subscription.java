package dev.ledger.api.feed;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A running delivery of the feed to one {@link FeedHandler}, on a thread of its own; see
 * {@link EventFeed#subscribe(FeedCursor, int, FeedHandler)}.
 *
 * <p><b>Delivery.</b> In global-position order, in batches; each event exactly once while the handler
 * succeeds; a batch whose handler throws is handed again, the same events in the same order, after a
 * back-off of 100 ms doubling to 5 s, and nothing after it is delivered until it succeeds (at least once,
 * never skipped). A failure to read the store is retried the same way. The subscription keeps its place in
 * memory only: to resume after a restart, keep the {@link #cursor()} (or the last handled event's
 * {@link FeedEvent#next()}) where the handler's effects are, and subscribe from it.
 *
 * <p><b>Thread-safety.</b> Every method may be called from any thread. The handler is only called from the
 * subscription's thread, one batch at a time. {@link #close()} may be called from the handler itself.
 */
public final class Subscription implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Subscription.class);
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    private static final long CLOSE_WAIT_MILLIS = TimeUnit.SECONDS.toMillis(30);

    private final EventFeed feed;
    private final int maxBatch;
    private final FeedHandler handler;
    private final long pollMillis;
    private final Thread thread;
    private final Object signal = new Object();

    private volatile boolean running = true;
    private volatile FeedCursor cursor;
    private volatile long delivered;
    private volatile Throwable lastError;
    private volatile Instant failingSince;
    private volatile int failedAttempts;
    /** Set by wake(); cleared by the thread before it reads. */
    private boolean woken;

    Subscription(EventFeed feed, FeedCursor from, int maxBatch, FeedHandler handler, long pollMillis, String name) {
        this.feed = feed;
        this.cursor = from;
        this.maxBatch = maxBatch;
        this.handler = handler;
        this.pollMillis = Math.max(1, pollMillis);
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Where the subscription goes on from: the position after the last delivered event, and its hash. */
    public FeedCursor cursor() {
        return cursor;
    }

    /** How many events the handler has taken (a batch counts once, when its handler returned). */
    public long delivered() {
        return delivered;
    }

    /** Whether the subscription is delivering (false once closed). */
    public boolean isRunning() {
        return running;
    }

    /**
     * The error of the latest failed attempt (the handler's exception, or the store's), while the subscription
     * keeps failing on the same batch; null once a batch goes through again.
     */
    public Throwable lastError() {
        return lastError;
    }

    /** Since when the subscription has been failing, or null when it is not. */
    public Instant failingSince() {
        return failingSince;
    }

    /** How many attempts in a row have failed (0 when the last one went through). */
    public int failedAttempts() {
        return failedAttempts;
    }

    /**
     * Waits until every event up to {@code position} has been delivered (the cursor is past it), or the
     * timeout passes. Returns whether it got there.
     */
    public boolean awaitDelivered(long position, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (signal) {
            while (cursor.position() <= position) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !running) {
                    return cursor.position() > position;
                }
                signal.wait(Math.min(left, 50));
            }
            return true;
        }
    }

    void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /**
     * Stops delivering: waits (up to 30 s) for the batch in flight, whose handler is never interrupted, and
     * returns. Nothing is delivered after {@code close} returned, except by a handler still running after the
     * 30 s, which finishes that batch and then stops. Idempotent.
     */
    @Override
    public void close() {
        running = false;
        wake();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(CLOSE_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                log.warn("Feed subscription {} did not stop within {} ms: its handler still runs", thread.getName(),
                        CLOSE_WAIT_MILLIS);
            }
        }
        feed.ended(this);
    }

    private void run() {
        List<FeedEvent> pending = null;
        long backoff = 0;
        try {
            while (running) {
                try {
                    if (pending == null) {
                        clearWake();
                        List<FeedEvent> read = feed.read(cursor, maxBatch);
                        if (read.isEmpty()) {
                            recovered();
                            backoff = 0;
                            awaitWork(pollMillis);
                            continue;
                        }
                        pending = Collections.unmodifiableList(read);
                    }
                    handler.handle(pending);
                    FeedEvent last = pending.get(pending.size() - 1);
                    int count = pending.size();
                    pending = null;
                    synchronized (signal) {
                        cursor = last.next();
                        delivered += count;
                        signal.notifyAll();
                    }
                    recovered();
                    backoff = 0;
                } catch (Throwable failure) {
                    if (failure instanceof VirtualMachineError fatal) {
                        throw fatal;
                    }
                    backoff = backoff == 0 ? FIRST_BACKOFF_MILLIS : Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                    failed(pending, failure);
                    if (running) {
                        sleep(backoff);
                    }
                }
            }
        } finally {
            running = false;
            synchronized (signal) {
                signal.notifyAll();
            }
        }
    }

    private void failed(List<FeedEvent> batch, Throwable failure) {
        int attempt = ++failedAttempts;
        lastError = failure;
        long from = cursor.position();
        if (attempt == 1) {
            failingSince = Instant.now();
            log.warn("Feed subscription {} failed {} at position {}; retrying the same {}", thread.getName(),
                    batch == null ? "to read the store" : "to deliver a batch of " + batch.size(), from,
                    batch == null ? "read" : "batch", failure);
        } else {
            log.debug("Feed subscription {} failed again (attempt {}) at position {}", thread.getName(), attempt, from,
                    failure);
        }
        if (batch != null) {
            try {
                handler.failed(batch, failure, attempt);
            } catch (RuntimeException e) {
                log.debug("The failure callback of feed subscription {} failed too", thread.getName(), e);
            }
        }
    }

    private void recovered() {
        if (failedAttempts > 0) {
            log.info("Feed subscription {} delivers again at position {} after {} failed attempts", thread.getName(),
                    cursor.position(), failedAttempts);
            failedAttempts = 0;
            lastError = null;
            failingSince = null;
        }
    }

    private void clearWake() {
        synchronized (signal) {
            woken = false;
        }
    }

    private void awaitWork(long millis) {
        synchronized (signal) {
            if (running && !woken) {
                try {
                    signal.wait(millis);
                } catch (InterruptedException e) {
                    // Nobody but the JVM interrupts this thread; the loop looks at running.
                }
            }
        }
    }

    private void sleep(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (signal) {
            long left;
            while (running && (left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) > 0) {
                try {
                    signal.wait(left);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Subscription[" + thread.getName() + " at " + cursor.position() + (running ? "" : ", closed") + "]";
    }
}
