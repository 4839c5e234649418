package dev.ledger.api.support;

import dev.ledger.api.store.StoreSettings;

import java.nio.file.Path;
import java.util.UUID;

/** Fresh, empty stores for tests: each call gives a database nobody else uses. */
public final class Stores {

    private Stores() {
    }

    /** An empty store of {@code kind}: an in-memory H2 database, or a new PostgreSQL database. */
    public static StoreSettings fresh(StoreKind kind) {
        switch (kind) {
            case H2:
                return StoreSettings.inMemory("test_" + UUID.randomUUID().toString().replace("-", ""));
            case POSTGRES:
                return SharedPostgres.newDatabase();
            default:
                throw new IllegalArgumentException("unknown store kind " + kind);
        }
    }

    /**
     * An empty store of {@code kind} that survives closing the ledger: an H2 file database in
     * {@code directory} (an in-memory one would survive too, but a file is what a restart means),
     * or a new PostgreSQL database.
     */
    public static StoreSettings durable(StoreKind kind, Path directory) {
        switch (kind) {
            case H2:
                return StoreSettings.embedded(directory);
            case POSTGRES:
                return SharedPostgres.newDatabase();
            default:
                throw new IllegalArgumentException("unknown store kind " + kind);
        }
    }
}
