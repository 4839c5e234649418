package dev.ledger.domain.value;

/**
 * The global phase of the legacy migration. It moves forward only (skipping allowed) and restricts
 * only LEGACY fills: NO_NEW_ELITE_ORDERS refuses opening ELITE-book fills; NO_NEW_POSITIONS and
 * SHUTDOWN refuse every opening fill.
 */
public enum MigrationPhase {
    LIVE,
    NO_NEW_ELITE_ORDERS,
    NO_NEW_POSITIONS,
    SHUTDOWN
}
