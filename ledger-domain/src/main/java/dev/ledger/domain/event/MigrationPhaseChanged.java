package dev.ledger.domain.event;

import dev.ledger.domain.value.MigrationPhase;
import org.axonframework.serialization.Revision;

/** The global migration phase moved forward. */
@Revision("1")
public record MigrationPhaseChanged(MigrationPhase from, MigrationPhase to) implements MarketEvent {
}
