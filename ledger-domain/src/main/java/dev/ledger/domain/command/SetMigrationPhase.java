package dev.ledger.domain.command;

import dev.ledger.domain.value.MigrationPhase;

import java.util.Objects;

/** Moves the global migration phase forward. */
public record SetMigrationPhase(String id, MigrationPhase phase) implements LedgerCommand {
    public SetMigrationPhase {
        Objects.requireNonNull(phase, "phase");
    }
}
