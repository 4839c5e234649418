package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.api.json.ViewJson;
import dev.ledger.domain.value.MigrationPhase;
import dev.ledger.projections.migration.MigrationState;
import dev.ledger.projections.migration.MigrationSummary;
import dev.ledger.projections.migration.MigrationView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "status", description = {
        "Shows the migration's progress: the global phase, the number of legacy users per state, and the users "
                + "still WAITING with their open COPY and ELITE positions, how long they have waited and whether they "
                + "are overdue (the overdue reminder fired).",
        "JSON: {\"phase\", \"totals\": {\"NOT_STARTED\", \"WAITING\", \"COMPLETED\"}, \"waiting\": [{\"user\", "
                + "\"openCopyPositions\", \"openElitePositions\", \"startedAt\", \"waitedSeconds\", \"overdue\", "
                + "\"overdueAt\"}], \"waitingNotListed\"}."})
final class MigrateStatusCommand implements Callable<Integer> {

    static final int MAX_LIMIT = 100_000;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
            description = "list at most N waiting users, by user name (default ${DEFAULT-VALUE}, at most " + MAX_LIMIT + ")")
    int limit;

    @Option(names = "--json", description = "print one JSON document instead of tables")
    boolean json;

    @Mixin
    StoreOptions store;

    @Spec
    CommandSpec spec;

    /** The status: the summary of {@code query migration} plus the waiting users listed. */
    record Status(MigrationPhase phase, Map<MigrationState, Integer> totals, List<WaitingUser> waiting,
                  int waitingNotListed) {
    }

    /** A user still waiting; {@code overdue} once the overdue reminder has fired ({@code overdueAt}). */
    record WaitingUser(String user, int openCopyPositions, int openElitePositions, Instant startedAt, long waitedSeconds,
                       boolean overdue, Instant overdueAt) {
    }

    @Override
    public Integer call() {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new CliFailure(spec.qualifiedName() + ": --limit " + limit + " is out of range; use 1 to " + MAX_LIMIT);
        }
        Status status;
        try (Ledger ledger = StoreOptions.open(store.settingsForReading())) {
            MigrationSummary summary = ledger.migrationSummary();
            Instant now = Instant.now();
            List<WaitingUser> waiting = ledger.migrations(MigrationState.WAITING, limit).stream()
                    .map(m -> waitingUser(m, now))
                    .toList();
            int totalWaiting = summary.totals().getOrDefault(MigrationState.WAITING, 0);
            status = new Status(summary.phase(), summary.totals(), waiting, Math.max(totalWaiting - waiting.size(), 0));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ViewJson.write(status));
        } else {
            print(status, out);
        }
        out.flush();
        return ExitCodes.DONE;
    }

    private static WaitingUser waitingUser(MigrationView migration, Instant now) {
        long waited = migration.startedAt() == null ? 0 : Math.max(Duration.between(migration.startedAt(), now).toSeconds(), 0);
        return new WaitingUser(migration.user(), migration.openCopyPositions(), migration.openElitePositions(),
                migration.startedAt(), waited, migration.overdueAt() != null, migration.overdueAt());
    }

    private static void print(Status status, PrintWriter out) {
        ViewText.migrationSummary(new MigrationSummary(status.phase(), status.totals()), out);
        if (status.waiting().isEmpty()) {
            out.println("no user is waiting");
            return;
        }
        out.println("waiting for COPY or ELITE positions to close:");
        TextTable table = TextTable.withLabelColumn("user", "openCopyPositions", "openElitePositions", "startedAt",
                "waited", "overdue");
        for (WaitingUser user : status.waiting()) {
            table.row(user.user(), Integer.toString(user.openCopyPositions()), Integer.toString(user.openElitePositions()),
                    ViewText.time(user.startedAt()), waited(user.waitedSeconds()),
                    user.overdue() ? "OVERDUE since " + user.overdueAt() : "no");
        }
        table.print(out, "  ");
        if (status.waitingNotListed() > 0) {
            out.println("  ... and " + status.waitingNotListed() + " more (raise --limit to list them)");
        }
    }

    /** A wait for people: "3d 4h", "5h 12m", "12m 3s", "40s". */
    static String waited(long seconds) {
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3_600;
        long minutes = seconds % 3_600 / 60;
        long rest = seconds % 60;
        if (days > 0) {
            return days + "d " + hours + "h";
        }
        if (hours > 0) {
            return hours + "h " + minutes + "m";
        }
        if (minutes > 0) {
            return minutes + "m " + rest + "s";
        }
        return rest + "s";
    }
}
