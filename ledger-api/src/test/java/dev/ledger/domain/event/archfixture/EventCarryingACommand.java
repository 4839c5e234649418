package dev.ledger.domain.event.archfixture;

import dev.ledger.domain.command.Withdraw;

/** Breaks the contracts rule on purpose (an event type referring to a command); only ArchitectureTest imports it. */
public record EventCarryingACommand(Withdraw cause) {
}
