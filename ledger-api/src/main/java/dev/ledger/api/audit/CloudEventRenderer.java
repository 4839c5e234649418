package dev.ledger.api.audit;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Renders one stored event as the CloudEvents line of {@code ledger export --format cloudevents}, with the
 * export's own code ({@link AuditLines}): same attributes, same canonical form, same hash rule. The line of
 * an event is therefore byte for byte the export's line for it, given the same {@code prevHash}: the hash of
 * the line before it in the chain (the {@link #GENESIS} value for the first line). The event feed
 * ({@code dev.ledger.api.feed}) renders its lines through this class.
 *
 * <p>Not thread-safe: one instance per reader (it reuses a digest and a buffer).
 */
public final class CloudEventRenderer {

    /** The {@code prevHash} of a chain's first line: 64 zeros. */
    public static final String GENESIS = AuditLines.GENESIS;

    /**
     * One rendered event.
     *
     * @param line        the CloudEvents line, canonical JSON, without the line feed
     * @param hash        its {@code ledgerhash}: the {@code prevHash} of the next line
     * @param type        the event type's simple name, e.g. {@code FundsDeposited}
     * @param accounts    the accounts the event concerns, its own first; empty for events of no account
     * @param commandId   the id of the command that caused the event (metadata {@code commandId}), or null
     * @param payloadJson the payload as stored, in canonical JSON (the line's {@code data})
     */
    public record Rendered(String line, String hash, String type, List<String> accounts, String commandId,
                           String payloadJson) {
    }

    private final AuditLines lines = new AuditLines();

    /**
     * Renders the event stored with these columns of {@code domainevententry}, chained to {@code prevHash}.
     *
     * @throws AuditExportException the event cannot be rendered faithfully (the message names its position)
     */
    public Rendered render(long position, String eventId, String payloadType, String revision, String aggregate,
                           long sequence, Instant timestamp, byte[] metadata, byte[] payload, String prevHash) {
        Objects.requireNonNull(prevHash, "prevHash");
        AuditLines.Event event = AuditExport.event(position, aggregate, sequence, eventId, metadata, payload, revision,
                payloadType, timestamp);
        try {
            AuditLines.Line line = lines.event(ExportFormat.CLOUDEVENTS, event, prevHash);
            JsonNode commandId = event.metadata().path("commandId");
            return new Rendered(line.text(), line.hash(), AuditLines.simpleName(payloadType),
                    List.copyOf(event.accounts()), commandId.isTextual() ? commandId.textValue() : null,
                    CanonicalJson.write(event.payload()));
        } catch (CanonicalJson.NotCanonicalException e) {
            throw new AuditExportException("event at position " + position + " cannot be rendered: it holds "
                    + e.getMessage(), e);
        }
    }
}
