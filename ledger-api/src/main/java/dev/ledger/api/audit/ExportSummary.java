package dev.ledger.api.audit;

/**
 * What an export wrote: {@code count} events (the trailer not counted) and the head of the hash chain,
 * the hash of the last event line (64 zeros for an empty export). Record {@code headHash} somewhere the
 * export cannot change: it is what makes later tampering evident (see {@code docs/audit-export.md}).
 */
public record ExportSummary(long count, String headHash, ExportFormat format) {

    /** {@code 42 events, head 3f1c...}, the same words {@code verify} prints. */
    public String describe() {
        return count + " events, head " + headHash;
    }
}
