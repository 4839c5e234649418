package dev.ledger.domain.migration;

import dev.ledger.domain.command.Command;

import java.time.Instant;

/** Sent when a migration reminder falls due: records one {@code MigrationOverdue} if the user still waits. */
public record MarkMigrationOverdue(String id, String user, Instant dueAt) implements Command {
}
