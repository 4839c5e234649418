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

    /**
     * Whether a refusal is this command's final outcome: recorded against its id like an acceptance, so that
     * sending the command again repeats the refusal as a duplicate. True for every command but those whose
     * effect the ledger's state already makes idempotent, and whose refusal depends on a state that can
     * change: for those (only {@link StartMigration}), a refusal is not recorded, and the same command sent
     * again (same id) is decided again; an acceptance is recorded as always.
     */
    default boolean refusalIsFinal() {
        return true;
    }
}
