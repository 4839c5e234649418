package dev.ledger.domain.account;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Injects a failure into a migration's completion between moving the funds and moving the positions
 * (the {@link MigrationCommandHandler#afterFundsMoved} seam), for the users named, until closed.
 * Lives in the handler's package (in test sources) to reach the package-private seam.
 */
public final class MigrationFaults implements AutoCloseable {

    /** The message of the injected failure. */
    public static final String MESSAGE = "injected failure between moving funds and moving positions";

    private final AtomicInteger injected = new AtomicInteger();

    private MigrationFaults(Set<String> users) {
        MigrationCommandHandler.afterFundsMoved = user -> {
            if (users.contains(user)) {
                injected.incrementAndGet();
                throw new IllegalStateException(MESSAGE + " of " + user);
            }
        };
    }

    /** Fails every completion of {@code users} after its funds moved, until {@link #close()}. */
    public static MigrationFaults failAfterFundsMoved(String... users) {
        return new MigrationFaults(Set.of(users));
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
}
