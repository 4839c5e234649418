package dev.ledger.domain.migration;

import dev.ledger.domain.command.Command;

/**
 * Sent by the migration saga when a user's legacy account has no open COPY or ELITE position left:
 * opens the new accounts, moves every wallet and PERSONAL position, and retires the legacy account,
 * all in one unit of work. A second one for the same user changes nothing.
 */
public record CompleteMigration(String id, String user) implements Command {
}
