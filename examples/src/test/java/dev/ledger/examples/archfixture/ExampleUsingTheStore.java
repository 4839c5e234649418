package dev.ledger.examples.archfixture;

import dev.ledger.api.store.LedgerStore;
import dev.ledger.api.store.StoreSettings;

/** Breaks the examples rule on purpose (reaches below the facade); only ExamplesArchitectureTest imports it. */
public class ExampleUsingTheStore {
    public long head(StoreSettings settings) {
        try (LedgerStore store = LedgerStore.open(settings)) {
            return store.headIndex();
        }
    }
}
