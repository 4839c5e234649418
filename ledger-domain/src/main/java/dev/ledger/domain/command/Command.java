package dev.ledger.domain.command;

/**
 * Anything the ledger's write path executes: the public {@link LedgerCommand}s, and the system
 * commands the ledger sends itself (for example when a migration reminder falls due). Every command
 * has an id; the write path records each id with its outcome, so a command is applied at most once.
 */
public interface Command {

    String id();

    /** The command's type name, which is also its record's simple name. */
    default String type() {
        return getClass().getSimpleName();
    }
}
