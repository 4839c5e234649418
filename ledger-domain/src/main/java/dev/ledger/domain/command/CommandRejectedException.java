package dev.ledger.domain.command;

import dev.ledger.domain.value.RejectionCode;

/**
 * Thrown by a command handler to refuse a command. It is an operating outcome, not a bug: the unit
 * of work of the command rolls back (nothing is booked) and the code reaches the caller intact.
 * No stack trace is captured; refusals are frequent and expected.
 */
public final class CommandRejectedException extends RuntimeException {

    private final transient Rejection rejection;

    public CommandRejectedException(RejectionCode code, String message) {
        super(code + ": " + message, null, false, false);
        this.rejection = new Rejection(code, message);
    }

    public Rejection rejection() {
        return rejection;
    }

    public RejectionCode code() {
        return rejection.code();
    }
}
