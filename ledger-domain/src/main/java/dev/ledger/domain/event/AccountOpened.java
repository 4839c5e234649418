package dev.ledger.domain.event;

import dev.ledger.domain.value.AccountType;
import org.axonframework.serialization.Revision;

/** The account {@code account} of {@code user} was opened with type {@code accountType}. */
@Revision("1")
public record AccountOpened(String account, String user, AccountType accountType) implements AccountEvent {
}
