package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.json.ViewJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "wave", description = {
        "Starts the migration of the next N legacy users that have not started, in user-name order, and reports "
                + "who completed at once and who now waits for COPY or ELITE positions to close.",
        "Ids are migrate-start:USER, so a wave run again (after a crash, or on another node) starts nobody twice; "
                + "run it again for the next wave. JSON: the shape of 'ledger migrate start --json'."})
final class MigrateWaveCommand implements Callable<Integer> {

    static final int MAX_LIMIT = MigrateStartCommand.MAX_USERS;

    @Option(names = "--limit", paramLabel = "N", required = true,
            description = "how many users to start, 1 to " + MAX_LIMIT)
    int limit;

    @Option(names = "--json", description = "print one JSON document instead of lines")
    boolean json;

    @Mixin
    StoreOptions store;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new CliFailure(spec.qualifiedName() + ": --limit " + limit + " is out of range; use 1 to " + MAX_LIMIT);
        }
        MigrationStarts.Report report;
        try (Ledger ledger = StoreOptions.open(store.settings())) {
            Instant sentAt = MigrationStarts.now();
            List<Outcome> outcomes = ledger.startMigrationWave(limit);
            report = MigrationStarts.report(ledger, outcomes, sentAt);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ViewJson.write(report));
        } else if (report.users().isEmpty()) {
            out.println("no legacy user is waiting to be started (none NOT_STARTED); nothing to do");
        } else {
            out.println("wave of up to " + limit + ":");
            MigrationStarts.print(report, out);
        }
        out.flush();
        return ExitCodes.DONE;
    }
}
