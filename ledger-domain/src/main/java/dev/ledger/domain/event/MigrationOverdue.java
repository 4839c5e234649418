package dev.ledger.domain.event;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/** A user's migration has waited for its copy and elite positions to close since {@code startedAt}. */
@Revision("1")
public record MigrationOverdue(String account, String user, Instant startedAt, int openCopyPositions,
                               int openElitePositions) implements AccountEvent {
}
