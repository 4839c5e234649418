package dev.ledger.domain.account;

import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Acts inside a migration's completion between moving the funds and moving the positions (the
 * {@link MigrationCommandHandler#afterFundsMoved} seam), for the users named, until closed: fails it, or holds
 * the ledger's writer there. Lives in the handler's package (in test sources) to reach the package-private seam.
 */
public class MigrationFaults implements AutoCloseable {

    /** The message of the injected failure. */
    public static final String MESSAGE = "injected failure between moving funds and moving positions";

    private final AtomicInteger injected = new AtomicInteger();

    private MigrationFaults() {
    }

    /** Fails every completion of {@code users} after its funds moved, until {@link #close()}. */
    public static MigrationFaults failAfterFundsMoved(String... users) {
        MigrationFaults faults = new MigrationFaults();
        Set<String> failing = Set.of(users);
        MigrationCommandHandler.afterFundsMoved = user -> {
            if (failing.contains(user)) {
                faults.injected.incrementAndGet();
                throw new IllegalStateException(MESSAGE + " of " + user);
            }
        };
        return faults;
    }

    /**
     * Holds the writer inside the completion of {@code user} (after its funds moved) until {@link Pause#release()}:
     * commands sent meanwhile queue up and are then committed together, in one group.
     */
    public static Pause pauseAfterFundsMoved(String user) {
        Pause pause = new Pause();
        MigrationCommandHandler.afterFundsMoved = u -> {
            if (u.equals(user)) {
                pause.reached.countDown();
                try {
                    if (!pause.released.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never released the paused completion of " + u);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        };
        return pause;
    }

    /** How many completions were failed so far. */
    public int injected() {
        return injected.get();
    }

    @Override
    public void close() {
        MigrationCommandHandler.afterFundsMoved = user -> {
        };
    }

    /** A completion held on the writer thread. */
    public static final class Pause extends MigrationFaults {
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        /** Waits until the writer is held in the completion. */
        public void awaitReached() throws InterruptedException {
            if (!reached.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the completion to pause in was never reached");
            }
        }

        public void release() {
            released.countDown();
        }

        @Override
        public void close() {
            release();
            super.close();
        }
    }
}
