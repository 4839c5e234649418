package dev.ledger.projections.archfixture;

import dev.ledger.domain.command.Deposit;

/** Breaks the projections rule on purpose (read side using a command record); only ArchitectureTest imports it. */
public class ProjectionReadingACommand {
    public String account(Deposit deposit) {
        return deposit.account();
    }
}
