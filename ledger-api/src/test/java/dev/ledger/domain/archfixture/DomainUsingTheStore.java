package dev.ledger.domain.archfixture;

import dev.ledger.api.store.LedgerStore;

/** Breaks the domain rule on purpose (domain depending on the api module); only ArchitectureTest imports it. */
public class DomainUsingTheStore {
    public long head(LedgerStore store) {
        return store.headIndex();
    }
}
