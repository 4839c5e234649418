package dev.ledger.domain.event;

import org.axonframework.serialization.Revision;

/**
 * The migration of a legacy account started: from now on it refuses fills that open or increase COPY
 * or ELITE positions. The counts are its open COPY-book and ELITE-book positions at the start.
 */
@Revision("1")
public record MigrationStarted(String account, String user, int openCopyPositions, int openElitePositions)
        implements AccountEvent {
}
