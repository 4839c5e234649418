package dev.ledger.projections.copy;

/** The terms of {@code leader} and its followers (at most {@code limit}, by copier name); empty without terms. */
public record FindFollowers(String leader, int limit) {
}
