package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.json.ViewJson;
import dev.ledger.domain.command.StartMigration;
import dev.ledger.domain.value.AccountId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "start", description = {
        "Starts the migration of the named users' LEGACY accounts and reports each user's outcome: completed at once "
                + "(no COPY or ELITE position open), or WAITING for those positions to close.",
        "Each start has the id migrate-start:USER, so running the command again starts nobody twice (reported as "
                + "already started). A user without a LEGACY account is refused ACCOUNT_NOT_FOUND; a refusal is "
                + "reported and the exit status stays 0 unless --strict. A refusal is not remembered: once the cause is "
                + "gone (the LEGACY account exists), running the command again starts the user. Bad user names: exit 2, "
                + "nothing sent.",
        "JSON: {\"started\", \"completedAtOnce\", \"waiting\", \"alreadyStarted\", \"refused\", \"users\": [{\"user\", "
                + "\"outcome\", \"code\", \"message\", \"state\", \"openCopyPositions\", \"openElitePositions\", "
                + "\"startedAt\", \"completedAt\"}]}."})
final class MigrateStartCommand implements Callable<Integer> {

    /** Users per invocation: the outcomes and views are held in memory. Waves are for more. */
    static final int MAX_USERS = 10_000;

    @Parameters(paramLabel = "USER", arity = "1..*", description = "users to start, e.g. bob carol")
    List<String> users;

    @Option(names = "--strict", description = "exit with status 1 if any start was refused")
    boolean strict;

    @Option(names = "--json", description = "print one JSON document instead of lines")
    boolean json;

    @Mixin
    StoreOptions store;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        LinkedHashSet<String> distinct = new LinkedHashSet<>(users);
        for (String user : distinct) {
            if (!AccountId.isValidUser(user)) {
                throw new CliFailure(spec.qualifiedName() + ": USER \"" + user + "\" is not a user name; user names match "
                        + AccountId.USER_PATTERN + "; nothing was started");
            }
        }
        if (distinct.size() > MAX_USERS) {
            throw new CliFailure(spec.qualifiedName() + ": " + distinct.size() + " users at once; name at most "
                    + MAX_USERS + ", or use 'ledger migrate wave --limit N'");
        }
        MigrationStarts.Report report;
        try (Ledger ledger = StoreOptions.open(store.settings())) {
            Instant sentAt = MigrationStarts.now();
            List<Outcome> outcomes = ledger.executeAll(distinct.stream()
                    .map(user -> new StartMigration(MigrationStarts.commandId(user), user))
                    .toList());
            report = MigrationStarts.report(ledger, outcomes, sentAt);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ViewJson.write(report));
        } else {
            MigrationStarts.print(report, out);
        }
        out.flush();
        return strict && report.refused() > 0 ? ExitCodes.PROBLEM_REPORTED : ExitCodes.DONE;
    }
}
