package dev.ledger.api;

import dev.ledger.domain.command.Command;

import java.time.Duration;

/**
 * A command was not queued: the writer's queue stayed full for longer than the wait configured with
 * {@link Ledger.Builder#queueFullWait(Duration)}. Nothing about the command was recorded; send it again
 * later with the same id (a command sent twice with one id runs at most once).
 */
public class LedgerBusyException extends RuntimeException {

    private final String commandId;

    public LedgerBusyException(Command command, int capacity, Duration waited) {
        super("the ledger is busy: its queue of " + capacity + " commands stayed full for " + waited + "; "
                + command.type() + " " + command.id() + " was not queued, send it again later with the same id");
        this.commandId = command.id();
    }

    /** The id of the command that was not queued. */
    public String commandId() {
        return commandId;
    }
}
