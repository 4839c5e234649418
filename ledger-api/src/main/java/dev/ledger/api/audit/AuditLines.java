package dev.ledger.api.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * The shape of export lines in both formats and the hash rule that chains them; shared by
 * {@link AuditExport} and {@link AuditVerifier} so that the two can never disagree. Not thread-safe
 * (one instance per export or verification).
 *
 * <p>Hash rule: {@code hash = hex(SHA-256(UTF-8(prevHash + "\n" + canonical(line without its hash member))))},
 * lowercase hex; the first line's {@code prevHash} is {@link #GENESIS}. The line itself is the canonical
 * form of the object with its hash member, followed by {@code "\n"}.
 */
final class AuditLines {

    /** The {@code prevHash} of the first line: 64 zeros. */
    static final String GENESIS = "0".repeat(64);
    /** Names the line format and hash rule; in every trailer. */
    static final String FORMAT_ID = "ledger-audit-export/1";

    // JSON Lines members.
    static final String POSITION = "position";
    static final String EVENT_ID = "eventId";
    static final String TYPE = "type";
    static final String PAYLOAD_TYPE = "payloadType";
    static final String REVISION = "revision";
    static final String AGGREGATE = "aggregate";
    static final String SEQUENCE = "sequence";
    static final String ACCOUNTS = "accounts";
    static final String TIMESTAMP = "timestamp";
    static final String METADATA = "metadata";
    static final String PAYLOAD = "payload";
    static final String PREV_HASH = "prevHash";
    static final String HASH = "hash";
    static final String TRAILER = "trailer";
    static final String COUNT = "count";
    static final String HEAD_HASH = "headHash";
    static final String FILTER = "filter";
    static final String FORMAT = "format";

    // CloudEvents attributes.
    static final String CE_SPECVERSION = "specversion";
    static final String CE_ID = "id";
    static final String CE_SOURCE = "source";
    static final String CE_TYPE = "type";
    static final String CE_TIME = "time";
    static final String CE_SUBJECT = "subject";
    static final String CE_DATACONTENTTYPE = "datacontenttype";
    static final String CE_DATA = "data";
    static final String CE_POSITION = "ledgerposition";
    static final String CE_SEQUENCE = "ledgersequence";
    static final String CE_ACCOUNTS = "ledgeraccounts";
    static final String CE_PAYLOAD_TYPE = "ledgerpayloadtype";
    static final String CE_REVISION = "ledgerrevision";
    static final String CE_METADATA = "ledgermetadata";
    static final String CE_PREV_HASH = "ledgerprevhash";
    static final String CE_HASH = "ledgerhash";
    static final String CE_SPEC_VERSION_1 = "1.0";
    static final String CE_JSON = "application/json";
    static final String CE_SOURCE_PREFIX = "urn:ledger:";
    static final String CE_TYPE_PREFIX = "dev.ledger.";
    static final String CE_TRAILER_TYPE = "dev.ledger.export.trailer";
    static final String CE_TRAILER_SOURCE = "urn:ledger:export";
    static final String CE_TRAILER_ID_PREFIX = "export-trailer-";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final HexFormat HEX = HexFormat.of();

    private final MessageDigest sha256;
    private final StringBuilder buffer = new StringBuilder(1024);

    AuditLines() {
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    /** One stored event, as the export reads it. {@code metadata} is a NullNode when none is stored. */
    record Event(long position, String eventId, String payloadType, String revision, String aggregate,
                 long sequence, List<String> accounts, Instant timestamp, JsonNode metadata, JsonNode payload) {
    }

    /** A line with its hash: {@code text} is the canonical line without the newline. */
    record Line(String text, String hash) {
    }

    /** {@code FundsDeposited} from {@code dev.ledger.domain.event.FundsDeposited} (nested classes: the last part). */
    static String simpleName(String className) {
        int cut = Math.max(className.lastIndexOf('.'), className.lastIndexOf('$'));
        return className.substring(cut + 1);
    }

    /**
     * Seals {@code line} (its hash member absent) into a chained line: hashes its canonical form, then
     * puts the hash member in its sorted place in that same text.
     */
    Line seal(ObjectNode line, String hashMember, String prevHash) {
        if (line.has(hashMember)) {
            throw new IllegalArgumentException("the line to seal has its " + hashMember + " already");
        }
        buffer.setLength(0);
        int slot = CanonicalJson.writeObject(line, hashMember, buffer)[0];
        String hash = hash(prevHash, buffer.toString());
        String member = "\"" + hashMember + "\":\"" + hash + "\"";
        if (line.isEmpty()) {
            buffer.insert(slot, member);
        } else if (slot == buffer.length() - 1) {
            buffer.insert(slot, "," + member);
        } else {
            buffer.insert(slot, member + ",");
        }
        return new Line(buffer.toString(), hash);
    }

    /** The hash rule. */
    String hash(String prevHash, String canonicalContent) {
        sha256.reset();
        sha256.update(prevHash.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) '\n');
        sha256.update(canonicalContent.getBytes(StandardCharsets.UTF_8));
        return HEX.formatHex(sha256.digest());
    }

    Line event(ExportFormat format, Event event, String prevHash) {
        return format == ExportFormat.CLOUDEVENTS ? cloudEvent(event, prevHash) : jsonLinesEvent(event, prevHash);
    }

    Line trailer(ExportFormat format, long count, String headHash, ExportFilter filter) {
        return format == ExportFormat.CLOUDEVENTS
                ? cloudEventsTrailer(count, headHash, filter)
                : jsonLinesTrailer(count, headHash, filter);
    }

    private Line jsonLinesEvent(Event event, String prevHash) {
        ObjectNode line = NODES.objectNode();
        line.put(POSITION, event.position());
        line.put(EVENT_ID, event.eventId());
        line.put(TYPE, simpleName(event.payloadType()));
        line.put(PAYLOAD_TYPE, event.payloadType());
        line.put(REVISION, event.revision());
        line.put(AGGREGATE, event.aggregate());
        line.put(SEQUENCE, event.sequence());
        ArrayNode accounts = line.putArray(ACCOUNTS);
        event.accounts().forEach(accounts::add);
        line.put(TIMESTAMP, event.timestamp().toString());
        line.set(METADATA, event.metadata());
        line.set(PAYLOAD, event.payload());
        line.put(PREV_HASH, prevHash);
        return seal(line, HASH, prevHash);
    }

    private Line jsonLinesTrailer(long count, String headHash, ExportFilter filter) {
        ObjectNode line = NODES.objectNode();
        line.put(TRAILER, true);
        line.put(FORMAT, FORMAT_ID);
        line.put(COUNT, count);
        line.put(HEAD_HASH, headHash);
        line.set(FILTER, filterJson(filter));
        line.put(PREV_HASH, headHash);
        return seal(line, HASH, headHash);
    }

    private Line cloudEvent(Event event, String prevHash) {
        ObjectNode line = NODES.objectNode();
        line.put(CE_SPECVERSION, CE_SPEC_VERSION_1);
        line.put(CE_ID, event.eventId());
        line.put(CE_SOURCE, CE_SOURCE_PREFIX + event.aggregate());
        String type = CE_TYPE_PREFIX + simpleName(event.payloadType());
        line.put(CE_TYPE, event.revision() == null ? type : type + ".v" + event.revision());
        line.put(CE_TIME, event.timestamp().toString());
        if (!event.accounts().isEmpty()) {
            line.put(CE_SUBJECT, event.accounts().get(0));
            line.put(CE_ACCOUNTS, String.join(",", event.accounts()));
        }
        line.put(CE_DATACONTENTTYPE, CE_JSON);
        line.set(CE_DATA, event.payload());
        // CloudEvents Integer is 32 bits; positions and sequences may outgrow it, so they are strings.
        line.put(CE_POSITION, Long.toString(event.position()));
        line.put(CE_SEQUENCE, Long.toString(event.sequence()));
        line.put(CE_PAYLOAD_TYPE, event.payloadType());
        if (event.revision() != null) {
            line.put(CE_REVISION, event.revision());
        }
        if (!event.metadata().isNull()) {
            // Extension attributes are scalars; the metadata object travels as its canonical JSON text.
            line.put(CE_METADATA, CanonicalJson.write(event.metadata()));
        }
        line.put(CE_PREV_HASH, prevHash);
        return seal(line, CE_HASH, prevHash);
    }

    private Line cloudEventsTrailer(long count, String headHash, ExportFilter filter) {
        ObjectNode line = NODES.objectNode();
        line.put(CE_SPECVERSION, CE_SPEC_VERSION_1);
        line.put(CE_ID, CE_TRAILER_ID_PREFIX + headHash);
        line.put(CE_SOURCE, CE_TRAILER_SOURCE);
        line.put(CE_TYPE, CE_TRAILER_TYPE);
        line.put(CE_DATACONTENTTYPE, CE_JSON);
        ObjectNode data = line.putObject(CE_DATA);
        data.put(FORMAT, FORMAT_ID);
        data.put(COUNT, count);
        data.put(HEAD_HASH, headHash);
        data.set(FILTER, filterJson(filter));
        line.put(CE_PREV_HASH, headHash);
        return seal(line, CE_HASH, headHash);
    }

    static ObjectNode filterJson(ExportFilter filter) {
        ObjectNode json = NODES.objectNode();
        json.put("account", filter.account());
        json.put("user", filter.user());
        json.put("from", filter.from() == null ? null : filter.from().toString());
        json.put("to", filter.to() == null ? null : filter.to().toString());
        return json;
    }
}
