package dev.ledger.api.audit;

/**
 * The outcome of {@link AuditVerifier#verify}. When {@code ok}: {@code count} events and the chain's
 * {@code headHash}; {@code firstBadLine} is 0 and {@code reason} null. Otherwise: the first bad line
 * (1-based; for a missing trailer, the line where it should have been), why, and {@code count} the
 * events that checked out before it; {@code headHash} is null. {@code format} is null when line 1 could
 * not be read.
 */
public record VerificationResult(boolean ok, ExportFormat format, long count, String headHash,
                                 long firstBadLine, String reason) {

    static VerificationResult passed(ExportFormat format, long count, String headHash) {
        return new VerificationResult(true, format, count, headHash, 0, null);
    }

    static VerificationResult failed(ExportFormat format, long count, long line, String reason) {
        return new VerificationResult(false, format, count, null, line, reason);
    }

    /** {@code OK 42 events, head 3f1c...} or {@code line 17: prevHash does not match ...}. */
    public String message() {
        return ok ? "OK " + count + " events, head " + headHash : "line " + firstBadLine + ": " + reason;
    }
}
