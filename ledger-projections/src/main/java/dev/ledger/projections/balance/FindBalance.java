package dev.ledger.projections.balance;

/** Asks for the balance view of one account ({@code USER:TYPE}). */
public record FindBalance(String account) {
}
