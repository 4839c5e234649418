package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.json.ViewJson;
import dev.ledger.domain.command.SetMigrationPhase;
import dev.ledger.domain.value.MigrationPhase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "phase", description = {
        "Moves the global migration phase forward: LIVE -> NO_NEW_ELITE_ORDERS -> NO_NEW_POSITIONS -> SHUTDOWN "
                + "(skipping allowed). The phases restrict LEGACY fills only.",
        "The command id is migrate-phase:PHASE, so running it again reports the first outcome. The same or an "
                + "earlier phase is refused MIGRATION_RESTRICTED: the refusal is reported and the exit status is 1, "
                + "because what the operator asked for did not happen.",
        "JSON: {\"requested\", \"outcome\": \"ACCEPTED\"|\"DUPLICATE\"|\"REJECTED\", \"code\", \"message\", "
                + "\"previous\", \"phase\"} (phase: the phase now)."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                "0:the phase is PHASE now (moved now, or by an earlier run of this command)",
                "1:refused (MIGRATION_RESTRICTED: the phase is PHASE or later already)",
                "2:bad usage, or the store failed"})
final class MigratePhaseCommand implements Callable<Integer> {

    static final String ID_PREFIX = "migrate-phase:";

    @Parameters(paramLabel = "PHASE", description = "the phase to move to: ${COMPLETION-CANDIDATES}")
    MigrationPhase phase;

    @Option(names = "--json", description = "print one JSON document instead of a line")
    boolean json;

    @Mixin
    StoreOptions store;

    @Spec
    CommandSpec spec;

    /** What happened. {@code code} and {@code message} are the refusal's (also for a duplicate of a refusal). */
    record PhaseChange(MigrationPhase requested, String outcome, String code, String message, MigrationPhase previous,
                       MigrationPhase phase) {
    }

    @Override
    public Integer call() {
        PhaseChange change;
        try (Ledger ledger = StoreOptions.open(store.settings())) {
            MigrationPhase previous = ledger.migrationSummary().phase();
            Outcome outcome = ledger.execute(new SetMigrationPhase(ID_PREFIX + phase.name(), phase));
            MigrationPhase now = ledger.migrationSummary().phase();
            Outcome decisive = outcome.decisive();
            String name = outcome instanceof Outcome.Duplicate ? "DUPLICATE"
                    : decisive instanceof Outcome.Accepted ? "ACCEPTED" : "REJECTED";
            change = decisive instanceof Outcome.Rejected rejected
                    ? new PhaseChange(phase, name, rejected.code().name(), rejected.message(), previous, now)
                    : new PhaseChange(phase, name, null, null, previous, now);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ViewJson.write(change));
        } else {
            out.println(describe(change));
        }
        out.flush();
        return change.code() == null ? ExitCodes.DONE : ExitCodes.PROBLEM_REPORTED;
    }

    private static String describe(PhaseChange change) {
        if (change.code() != null) {
            return "refused " + change.code() + ": " + change.message() + " (the phase stays " + change.phase()
                    + "; phases only move forward)";
        }
        if (change.outcome().equals("DUPLICATE")) {
            return "the phase was moved to " + change.requested() + " by an earlier run (same id " + ID_PREFIX
                    + change.requested() + "); it is " + change.phase() + " now";
        }
        return "the phase is now " + change.phase() + " (was " + change.previous() + ")";
    }
}
