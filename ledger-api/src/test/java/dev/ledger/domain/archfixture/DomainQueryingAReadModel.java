package dev.ledger.domain.archfixture;

import dev.ledger.projections.balance.FindBalance;

/** Breaks the domain rule on purpose (write side depending on a read model); only ArchitectureTest imports it. */
public class DomainQueryingAReadModel {
    public FindBalance query(String account) {
        return new FindBalance(account);
    }
}
