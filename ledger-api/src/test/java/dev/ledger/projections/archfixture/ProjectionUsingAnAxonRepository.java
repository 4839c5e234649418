package dev.ledger.projections.archfixture;

import org.axonframework.modelling.command.Repository;

/** Breaks the projections rule on purpose (read side using Axon's write-side modelling); only ArchitectureTest imports it. */
public class ProjectionUsingAnAxonRepository {
    public Object load(Repository<?> repository, String id) {
        return repository.load(id);
    }
}
