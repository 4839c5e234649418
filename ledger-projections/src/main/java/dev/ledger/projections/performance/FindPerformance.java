package dev.ledger.projections.performance;

/** Asks for the performance view of one account. */
public record FindPerformance(String account) {
}
