package dev.ledger.api.store;

/** The database failed in a way the ledger cannot turn into an outcome; nothing was acknowledged. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
