package dev.ledger.api.support;

/** The databases every integration test runs on. */
public enum StoreKind {
    /** Embedded H2 in PostgreSQL mode, in memory (or in a file where a test needs a restart). */
    H2,
    /** A real PostgreSQL server, started once per JVM by {@link SharedPostgres}. */
    POSTGRES
}
