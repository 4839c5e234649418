package dev.ledger.domain.command;

/** Starts the migration of a user's LEGACY account to FUTURES, COPY (and ELITE). */
public record StartMigration(String id, String user) implements LedgerCommand {
}
