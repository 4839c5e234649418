package dev.ledger.projections.archfixture;

import dev.ledger.domain.account.Account;

/** Breaks the projections rule on purpose (read side using an aggregate); only ArchitectureTest imports it. */
public class ProjectionReadingAnAggregate {
    public String type(Account account) {
        return account.type().name();
    }
}
