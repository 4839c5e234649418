package dev.ledger.projections.accounts;

/** One account of a user and whether it is {@code OPEN} or {@code RETIRED}. */
public record AccountStatus(String account, String status) {
}
