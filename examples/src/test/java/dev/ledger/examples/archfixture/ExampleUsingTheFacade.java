package dev.ledger.examples.archfixture;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.projections.accounts.AccountsView;

/** Keeps to the rule: what an embedding service may use. Only ExamplesArchitectureTest imports it. */
public class ExampleUsingTheFacade {
    public AccountsView open(String user) {
        try (Ledger ledger = Ledger.builder().store(StoreSettings.inMemory("example")).build()) {
            Outcome outcome = ledger.execute(new OpenAccount("1", user + ":FUTURES"));
            return outcome instanceof Outcome.Accepted ? ledger.accounts(user) : null;
        }
    }
}
