package dev.ledger.projections.risk;

/** Asks for the risk view of one account. */
public record FindRisk(String account) {
}
