package dev.ledger.projections.support;

/** A read model could not be read or written; the projection stops and retries, it never skips. */
public class ReadModelException extends RuntimeException {
    public ReadModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
