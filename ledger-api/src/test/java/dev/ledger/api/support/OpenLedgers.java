package dev.ledger.api.support;

import dev.ledger.api.Ledger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Opens ledgers for a test and closes them after it, newest first. Register it as a static field
 * with {@code @RegisterExtension} so that {@code @Nested} classes share it.
 */
public final class OpenLedgers implements AfterEachCallback {

    private final Deque<Ledger> open = new ArrayDeque<>();

    /** A ledger on a fresh, empty store of {@code kind}. */
    public Ledger open(StoreKind kind) {
        return open(Ledger.builder().store(Stores.fresh(kind)));
    }

    /** A ledger built from {@code builder}; closed after the test. */
    public synchronized Ledger open(Ledger.Builder builder) {
        Ledger ledger = builder.build();
        open.push(ledger);
        return ledger;
    }

    /** Closes {@code ledger} now (a test that reopens the same store needs the first one gone). */
    public synchronized void close(Ledger ledger) {
        open.remove(ledger);
        ledger.close();
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        RuntimeException failure = null;
        while (!open.isEmpty()) {
            try {
                open.pop().close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
