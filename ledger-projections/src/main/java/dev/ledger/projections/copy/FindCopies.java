package dev.ledger.projections.copy;

/** What a copier's follows made of the lead trades they looked at; {@code leader} null for all leaders. */
public record FindCopies(String copier, String leader) {
}
