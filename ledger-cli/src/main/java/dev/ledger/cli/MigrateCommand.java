package dev.ledger.cli;

import picocli.CommandLine.Command;

/** The legacy migration, one subcommand per lever ({@code operations.md}, "The legacy migration"). */
@Command(name = "migrate", description = {
        "The legacy migration: start users one by one or in waves, move the global phase forward, watch progress.",
        "A started user (WAITING) completes by itself when the last COPY or ELITE position of the legacy account "
                + "closes; FUTURES and COPY (and ELITE) are opened and the legacy funds and PERSONAL positions move to FUTURES."},
        subcommands = {MigrateStartCommand.class, MigrateWaveCommand.class, MigratePhaseCommand.class,
                MigrateStatusCommand.class})
final class MigrateCommand {
}
