package dev.ledger.api.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

import static dev.ledger.api.audit.AuditLines.*;

/**
 * Checks an audit export offline, in one streaming pass with constant memory: every line must be valid
 * UTF-8, one JSON object, byte-identical to its canonical form, of the expected shape, hash to its own
 * hash under the chain rule, and name the previous line's hash as its {@code prevHash}; positions must
 * rise; the file must end with exactly one trailer whose count and head hash match what came before.
 * Any change to the file (a flipped byte, a line removed, inserted or swapped, a changed or missing
 * trailer) fails one of these checks, and the result names the first line that does. The format
 * (JSON Lines or CloudEvents) is taken from line 1.
 *
 * <p>The chain proves the file is as it was written, not who wrote it: anyone can write a new file
 * with a valid chain. Compare the head hash with one recorded when the export was made
 * ({@link #verify(InputStream, String, LongConsumer)}) to tie the file to that moment.
 */
public final class AuditVerifier {

    /** Longest line accepted (a limit on input, not a property of exports: events are far smaller). */
    public static final int MAX_LINE_BYTES = 16 << 20;
    public static final int PROGRESS_EVERY = 10_000;

    private static final Pattern HASH_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern DIGITS = Pattern.compile("0|[1-9][0-9]{0,18}");

    private static final Set<String> EVENT_MEMBERS = Set.of(POSITION, EVENT_ID, TYPE, PAYLOAD_TYPE, REVISION, AGGREGATE,
            SEQUENCE, ACCOUNTS, TIMESTAMP, METADATA, PAYLOAD, PREV_HASH, HASH);
    private static final Set<String> TRAILER_MEMBERS = Set.of(TRAILER, FORMAT, COUNT, HEAD_HASH, FILTER, PREV_HASH, HASH);
    private static final Set<String> CE_EVENT_REQUIRED = Set.of(CE_SPECVERSION, CE_ID, CE_SOURCE, CE_TYPE, CE_TIME,
            CE_DATACONTENTTYPE, CE_DATA, CE_POSITION, CE_SEQUENCE, CE_PAYLOAD_TYPE, CE_PREV_HASH, CE_HASH);
    private static final Set<String> CE_EVENT_OPTIONAL = Set.of(CE_SUBJECT, CE_ACCOUNTS, CE_REVISION, CE_METADATA);
    private static final Set<String> CE_TRAILER_MEMBERS = Set.of(CE_SPECVERSION, CE_ID, CE_SOURCE, CE_TYPE,
            CE_DATACONTENTTYPE, CE_DATA, CE_PREV_HASH, CE_HASH);
    private static final Set<String> TRAILER_DATA_MEMBERS = Set.of(FORMAT, COUNT, HEAD_HASH, FILTER);

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private AuditVerifier() {
    }

    public static VerificationResult verify(Path file) throws IOException {
        return verify(file, null);
    }

    /** As {@link #verify(Path)}, and the head hash must be {@code expectedHeadHash} (when not null). */
    public static VerificationResult verify(Path file, String expectedHeadHash) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return verify(in, expectedHeadHash, null);
        }
    }

    public static VerificationResult verify(InputStream in) throws IOException {
        return verify(in, null, null);
    }

    /**
     * Verifies the export read from {@code in} (not closed). {@code expectedHeadHash}: when not null, the
     * head hash must equal it. {@code progress}: when not null, told the number of lines checked every
     * {@value #PROGRESS_EVERY} lines. Content problems are results; only reading failures throw.
     */
    public static VerificationResult verify(InputStream in, String expectedHeadHash, LongConsumer progress)
            throws IOException {
        return new Run(new LineReader(Objects.requireNonNull(in, "in")), expectedHeadHash,
                progress == null ? lines -> { } : progress).verify();
    }

    /** One verification: the state carried from line to line is constant in size. */
    private static final class Run {
        private final LineReader reader;
        private final String expectedHeadHash;
        private final LongConsumer progress;
        private final AuditLines lines = new AuditLines();
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);

        private ExportFormat format;
        private long lineNumber;
        private long count;
        private String head = GENESIS;
        private long lastPosition = -1;
        private long trailerLine;
        private final StringBuilder canonical = new StringBuilder(1024);
        private String lineText;
        private int[] hashSpan;

        Run(LineReader reader, String expectedHeadHash, LongConsumer progress) {
            this.reader = reader;
            this.expectedHeadHash = expectedHeadHash;
            this.progress = progress;
        }

        VerificationResult verify() throws IOException {
            try {
                while (reader.next()) {
                    lineNumber++;
                    if (trailerLine > 0) {
                        throw new BadLine("data after the trailer on line " + trailerLine
                                + ": the trailer must be the last line");
                    }
                    if (reader.tooLong()) {
                        throw new BadLine("longer than " + MAX_LINE_BYTES + " bytes: not an export line");
                    }
                    if (!reader.terminated()) {
                        throw new BadLine("does not end with a newline: the file was truncated or altered");
                    }
                    check(reader.line());
                    if (lineNumber % PROGRESS_EVERY == 0) {
                        progress.accept(lineNumber);
                    }
                }
                if (lineNumber == 0) {
                    lineNumber = 1;
                    throw new BadLine("the file is empty: an export holds at least its trailer");
                }
                if (trailerLine == 0) {
                    lineNumber++;
                    throw new BadLine("missing trailer: the file ends after line " + (lineNumber - 1)
                            + " without one (truncated, or the trailer was removed)");
                }
                if (expectedHeadHash != null && !expectedHeadHash.equals(head)) {
                    lineNumber = trailerLine;
                    throw new BadLine("head hash " + head + " is not the expected " + expectedHeadHash);
                }
                return VerificationResult.passed(format, count, head);
            } catch (BadLine bad) {
                return VerificationResult.failed(format, count, lineNumber, bad.getMessage());
            }
        }

        private void check(ByteBuffer bytes) {
            String text;
            try {
                text = utf8.reset().decode(bytes).toString();
            } catch (CharacterCodingException e) {
                throw new BadLine("not valid UTF-8");
            }
            JsonNode node;
            try {
                node = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw new BadLine("not valid JSON: " + e.getOriginalMessage()
                        + (e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr()));
            }
            if (node == null || !node.isObject()) {
                throw new BadLine(text.isEmpty() ? "empty line" : "not a JSON object");
            }
            if (format == null) {
                format = node.has(CE_SPECVERSION) ? ExportFormat.CLOUDEVENTS : ExportFormat.JSON_LINES;
            }
            canonical.setLength(0);
            try {
                hashSpan = CanonicalJson.writeObject(node, format == ExportFormat.CLOUDEVENTS ? CE_HASH : HASH, canonical);
            } catch (CanonicalJson.NotCanonicalException e) {
                throw new BadLine("not in canonical form: holds " + e.getMessage());
            }
            if (!text.contentEquals(canonical)) {
                throw new BadLine("not in canonical form (sorted keys, no whitespace, minimal escapes; see "
                        + "docs/audit-export.md): differs from it at column " + (firstDifference(canonical, text) + 1));
            }
            lineText = text;
            if (format == ExportFormat.CLOUDEVENTS) {
                checkCloudEvent((ObjectNode) node);
            } else {
                checkJsonLine((ObjectNode) node);
            }
        }

        private void checkJsonLine(ObjectNode node) {
            if (node.has(CE_SPECVERSION)) {
                throw new BadLine("a CloudEvent in a JSON Lines export (line 1 set the format)");
            }
            if (node.has(TRAILER)) {
                members(node, TRAILER_MEMBERS, Set.of(), "trailer");
                if (!node.get(TRAILER).isBoolean() || !node.get(TRAILER).booleanValue()) {
                    throw new BadLine("\"trailer\" must be true");
                }
                text(node, FORMAT);
                if (!FORMAT_ID.equals(node.get(FORMAT).textValue())) {
                    throw new BadLine("unknown format " + node.get(FORMAT) + " (this verifier knows " + FORMAT_ID + ")");
                }
                object(node, FILTER);
                chain(node, PREV_HASH, HASH, -1);
                trailer(node, count(node, COUNT), hex(node, HEAD_HASH));
            } else {
                members(node, EVENT_MEMBERS, Set.of(), "event line");
                long position = natural(node, POSITION);
                natural(node, SEQUENCE);
                text(node, EVENT_ID);
                text(node, TYPE);
                text(node, PAYLOAD_TYPE);
                text(node, AGGREGATE);
                if (!node.get(REVISION).isNull()) {
                    text(node, REVISION);
                }
                JsonNode accounts = node.get(ACCOUNTS);
                if (!accounts.isArray()) {
                    throw new BadLine("\"accounts\" must be an array of account names");
                }
                for (JsonNode account : accounts) {
                    if (!account.isTextual()) {
                        throw new BadLine("\"accounts\" must be an array of account names");
                    }
                }
                instant(node, TIMESTAMP);
                if (!node.get(METADATA).isObject() && !node.get(METADATA).isNull()) {
                    throw new BadLine("\"metadata\" must be an object or null");
                }
                chain(node, PREV_HASH, HASH, position);
            }
        }

        private void checkCloudEvent(ObjectNode node) {
            if (!node.has(CE_SPECVERSION)) {
                throw new BadLine("not a CloudEvent (no \"specversion\") in a CloudEvents export (line 1 set the format)");
            }
            if (!CE_SPEC_VERSION_1.equals(node.get(CE_SPECVERSION).textValue())) {
                throw new BadLine("\"specversion\" must be \"1.0\"");
            }
            if (CE_TRAILER_TYPE.equals(node.path(CE_TYPE).textValue())) {
                members(node, CE_TRAILER_MEMBERS, Set.of(), "trailer event");
                JsonNode data = object(node, CE_DATA);
                members(data, TRAILER_DATA_MEMBERS, Set.of(), "trailer event's data");
                if (!FORMAT_ID.equals(data.get(FORMAT).textValue())) {
                    throw new BadLine("unknown format " + data.get(FORMAT) + " (this verifier knows " + FORMAT_ID + ")");
                }
                object(data, FILTER);
                chain(node, CE_PREV_HASH, CE_HASH, -1);
                trailer(node, count(data, COUNT), hex(data, HEAD_HASH));
            } else {
                members(node, CE_EVENT_REQUIRED, CE_EVENT_OPTIONAL, "CloudEvent");
                for (String attribute : new String[] {CE_ID, CE_SOURCE, CE_TYPE, CE_PAYLOAD_TYPE}) {
                    text(node, attribute);
                }
                if (!node.get(CE_SOURCE).textValue().startsWith(CE_SOURCE_PREFIX)) {
                    throw new BadLine("\"source\" must start with " + CE_SOURCE_PREFIX);
                }
                if (!CE_JSON.equals(node.get(CE_DATACONTENTTYPE).textValue())) {
                    throw new BadLine("\"datacontenttype\" must be " + CE_JSON);
                }
                instant(node, CE_TIME);
                for (String attribute : new String[] {CE_SUBJECT, CE_ACCOUNTS, CE_REVISION, CE_METADATA}) {
                    if (node.has(attribute)) {
                        text(node, attribute);
                    }
                }
                digits(node, CE_SEQUENCE);
                chain(node, CE_PREV_HASH, CE_HASH, digits(node, CE_POSITION));
            }
        }

        /**
         * The chain: the line hashes to its own hash, names the previous line's hash, and (for an event,
         * {@code position >= 0}) comes after the previous event.
         */
        private void chain(ObjectNode node, String prevMember, String hashMember, long position) {
            String prevHash = hex(node, prevMember);
            String hash = hex(node, hashMember);
            // The line without its hash member, cut from the canonical text just checked.
            String content = lineText.substring(0, hashSpan[0]) + lineText.substring(hashSpan[1]);
            String computed = lines.hash(prevHash, content);
            if (!computed.equals(hash)) {
                throw new BadLine("hash mismatch: the line's content hashes to " + computed + ", not to its "
                        + hashMember + " " + hash + " (the line was altered)");
            }
            if (!prevHash.equals(head)) {
                throw new BadLine(lineNumber == 1
                        ? prevMember + " is not the genesis value (64 zeros): the export's first line is missing or was replaced"
                        : prevMember + " does not match the hash of line " + (lineNumber - 1)
                          + ": a line was removed, inserted or moved here");
            }
            if (position >= 0) {
                if (position <= lastPosition) {
                    throw new BadLine("position " + position + " does not come after position " + lastPosition
                            + " of line " + (lineNumber - 1));
                }
                lastPosition = position;
                count++;
                head = hash;
            }
        }

        private void trailer(ObjectNode node, long trailerCount, String headHash) {
            if (trailerCount != count) {
                throw new BadLine("the trailer counts " + trailerCount + " events, the file holds " + count);
            }
            if (!headHash.equals(head)) {
                throw new BadLine("the trailer's headHash " + headHash + " is not the hash of the last event line, " + head);
            }
            trailerLine = lineNumber;
        }

        private static void members(JsonNode node, Set<String> required, Set<String> optional, String what) {
            for (String member : required) {
                if (!node.has(member)) {
                    throw new BadLine(what + " without \"" + member + "\"");
                }
            }
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (!required.contains(name) && !optional.contains(name)) {
                    throw new BadLine(what + " with an unknown member \"" + name + "\"");
                }
            }
        }

        private static String text(JsonNode node, String member) {
            JsonNode value = node.get(member);
            if (value == null || !value.isTextual()) {
                throw new BadLine("\"" + member + "\" must be a string");
            }
            return value.textValue();
        }

        private static JsonNode object(JsonNode node, String member) {
            JsonNode value = node.get(member);
            if (value == null || !value.isObject()) {
                throw new BadLine("\"" + member + "\" must be an object");
            }
            return value;
        }

        private static String hex(JsonNode node, String member) {
            String value = text(node, member);
            if (!HASH_HEX.matcher(value).matches()) {
                throw new BadLine("\"" + member + "\" must be 64 lowercase hex digits");
            }
            return value;
        }

        private static long natural(JsonNode node, String member) {
            JsonNode value = node.get(member);
            if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
                throw new BadLine("\"" + member + "\" must be a non-negative integer");
            }
            return value.longValue();
        }

        private static long count(JsonNode node, String member) {
            return natural(node, member);
        }

        private static long digits(JsonNode node, String member) {
            String value = text(node, member);
            if (!DIGITS.matcher(value).matches()) {
                throw new BadLine("\"" + member + "\" must be a non-negative integer in decimal digits");
            }
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new BadLine("\"" + member + "\" is out of range");
            }
        }

        private static void instant(JsonNode node, String member) {
            String value = text(node, member);
            if (ExportFilter.parseInstantOrNull(value) == null) {
                throw new BadLine("\"" + member + "\" must be an ISO-8601 instant");
            }
        }

        private static int firstDifference(CharSequence a, CharSequence b) {
            int length = Math.min(a.length(), b.length());
            for (int i = 0; i < length; i++) {
                if (a.charAt(i) != b.charAt(i)) {
                    return i;
                }
            }
            return length;
        }
    }

    /** The current line is bad; the message says why. */
    private static final class BadLine extends RuntimeException {
        BadLine(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Splits a byte stream on {@code '\n'} only (a {@code '\r'} stays in the line, where it makes the line
     * non-canonical). Keeps at most {@link #MAX_LINE_BYTES} of a line.
     */
    private static final class LineReader {
        private final InputStream in;
        private final byte[] chunk = new byte[1 << 16];
        private int chunkPosition;
        private int chunkLimit;
        private byte[] line = new byte[1 << 12];
        private int lineLength;
        private boolean terminated;
        private boolean tooLong;

        LineReader(InputStream in) {
            this.in = in;
        }

        /** Reads the next line; false at the end of the stream. */
        boolean next() throws IOException {
            lineLength = 0;
            terminated = false;
            tooLong = false;
            boolean any = false;
            while (true) {
                if (chunkPosition == chunkLimit) {
                    int read = in.read(chunk);
                    if (read < 0) {
                        return any;
                    }
                    chunkPosition = 0;
                    chunkLimit = read;
                }
                any = true;
                int start = chunkPosition;
                int end = start;
                while (end < chunkLimit && chunk[end] != '\n') {
                    end++;
                }
                append(start, end);
                if (end < chunkLimit) {
                    chunkPosition = end + 1;
                    terminated = true;
                    return true;
                }
                chunkPosition = chunkLimit;
            }
        }

        private void append(int start, int end) {
            int length = end - start;
            if (tooLong || lineLength + length > MAX_LINE_BYTES) {
                tooLong = true;
                return;
            }
            if (lineLength + length > line.length) {
                line = Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, Math.max(line.length * 2, lineLength + length)));
            }
            System.arraycopy(chunk, start, line, lineLength, length);
            lineLength += length;
        }

        ByteBuffer line() {
            return ByteBuffer.wrap(line, 0, lineLength);
        }

        boolean terminated() {
            return terminated;
        }

        boolean tooLong() {
            return tooLong;
        }
    }
}
