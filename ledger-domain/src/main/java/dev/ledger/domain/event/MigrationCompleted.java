package dev.ledger.domain.event;

import org.axonframework.serialization.Revision;

import java.util.List;

/**
 * The legacy account's migration completed and the account is retired: every later command naming it
 * is refused with ACCOUNT_RETIRED; its history stays readable. {@code openedAccounts} are the new ones.
 */
@Revision("1")
public record MigrationCompleted(String account, String user, List<String> openedAccounts) implements AccountEvent {
    public MigrationCompleted {
        openedAccounts = List.copyOf(openedAccounts);
    }
}
