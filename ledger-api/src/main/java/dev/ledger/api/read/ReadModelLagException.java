package dev.ledger.api.read;

/** A read model did not catch up with the event store in time, or is stopped by an error. */
public class ReadModelLagException extends RuntimeException {
    public ReadModelLagException(String message) {
        super(message);
    }

    public ReadModelLagException(String message, Throwable cause) {
        super(message, cause);
    }
}
