package dev.ledger.api.audit;

/**
 * An event in the store cannot be exported faithfully (unreadable payload, timestamp that is not an
 * instant, a value the canonical form cannot carry). The message names the event's global position.
 * Nothing is left at the target path when this happens.
 */
public class AuditExportException extends RuntimeException {
    public AuditExportException(String message) {
        super(message);
    }

    public AuditExportException(String message, Throwable cause) {
        super(message, cause);
    }
}
