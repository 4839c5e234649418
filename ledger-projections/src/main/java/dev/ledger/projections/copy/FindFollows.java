package dev.ledger.projections.copy;

/** The follows of {@code copier}: one entry per leader it ever followed. */
public record FindFollows(String copier) {
}
