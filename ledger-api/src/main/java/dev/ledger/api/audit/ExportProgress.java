package dev.ledger.api.audit;

/**
 * Told how far an export has got: every {@value AuditExport#PROGRESS_EVERY} events and once at the
 * end. Called on the exporting thread; keep it cheap.
 */
@FunctionalInterface
public interface ExportProgress {

    ExportProgress NONE = (eventsWritten, lastPosition) -> {
    };

    /**
     * @param eventsWritten events written so far
     * @param lastPosition  global position of the last event written, or -1 before the first
     */
    void exported(long eventsWritten, long lastPosition);
}
