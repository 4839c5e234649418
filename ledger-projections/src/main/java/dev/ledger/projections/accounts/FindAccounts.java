package dev.ledger.projections.accounts;

/** Asks for the accounts of one user. */
public record FindAccounts(String user) {
}
