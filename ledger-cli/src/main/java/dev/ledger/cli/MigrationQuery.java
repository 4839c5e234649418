package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.projections.migration.MigrationSummary;
import dev.ledger.projections.migration.MigrationView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;

/** One user's migration, or without a user the phase and the totals per state. */
@Command(name = "migration", description = {
        "Shows a user's legacy migration: its state (NOT_STARTED, WAITING, COMPLETED), the legacy account's open "
                + "COPY and ELITE positions, and when it started, completed or became overdue.",
        "Without USER: the global migration phase and the number of legacy users per state."})
final class MigrationQuery extends ViewQuery<Record> {

    @Parameters(paramLabel = "USER", arity = "0..1", description = "the user, e.g. bob (leave out for the summary)")
    String user;

    @Override
    void checkParameters() {
        if (user != null) {
            checkUser(user, "USER");
        }
    }

    @Override
    Record find(Ledger ledger) {
        return user == null ? ledger.migrationSummary() : ledger.migration(user);
    }

    @Override
    void printTable(Record view, PrintWriter out) {
        if (view instanceof MigrationView migration) {
            ViewText.migration(migration, out);
        } else {
            ViewText.migrationSummary((MigrationSummary) view, out);
        }
    }
}
