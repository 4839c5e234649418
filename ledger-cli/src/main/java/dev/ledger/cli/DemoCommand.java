package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.api.store.StoreSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "demo", description = {
        "Runs a built-in scenario end to end: copy trading, a capped liquidation, a legacy migration.",
        "alice trades in FUTURES and copies an elite trader in COPY; the mark falls and the COPY position is liquidated, "
                + "its loss capped at its own margin (the insurance fund covers the rest) while FUTURES' balance, risk "
                + "and performance stay exactly as they were; then bob's LEGACY account is migrated. Prints each step's "
                + "outcome and, per account, balance, risk and performance.",
        "Uses a fresh embedded store under ./ledger-data/demo (deleted first) unless --db names one; "
                + "exit status 1 if a step did not end as the accounting rules say."})
final class DemoCommand implements Callable<Integer> {

    static final Path DEMO_DIRECTORY = StoreSettings.DEFAULT_DIRECTORY.resolve("demo");

    @Mixin
    StoreOptions store;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        StoreSettings settings = store.given() ? store.named() : FreshStore.embedded(DEMO_DIRECTORY);
        out.println("ledger demo on " + settings.describe());
        out.flush();
        try (Ledger ledger = StoreOptions.open(settings)) {
            for (String user : new String[]{DemoScenario.USER, DemoScenario.LEGACY_USER}) {
                if (!ledger.accounts(user).accounts().isEmpty()) {
                    throw new CliFailure("ledger demo: user " + user + " already has accounts in "
                            + settings.describe() + "; the demo needs a store without " + DemoScenario.USER + " and "
                            + DemoScenario.LEGACY_USER + ": run it without --db (a fresh store under ./" + DEMO_DIRECTORY
                            + ") or name an empty database");
                }
            }
            boolean asTheRulesSay = new DemoScenario(ledger, out).run();
            return asTheRulesSay ? ExitCodes.DONE : ExitCodes.PROBLEM_REPORTED;
        }
    }
}
