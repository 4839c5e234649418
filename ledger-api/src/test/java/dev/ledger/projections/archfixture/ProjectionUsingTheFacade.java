package dev.ledger.projections.archfixture;

import dev.ledger.api.Ledger;

/** Breaks the projections rule on purpose (read side using the facade); only ArchitectureTest imports it. */
public class ProjectionUsingTheFacade {
    public void close(Ledger ledger) {
        ledger.close();
    }
}
