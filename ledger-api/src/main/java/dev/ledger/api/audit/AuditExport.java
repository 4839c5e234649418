package dev.ledger.api.audit;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.api.store.CommitHorizon;
import dev.ledger.api.store.StoreException;
import dev.ledger.api.store.StreamedResults;
import dev.ledger.domain.value.AccountId;

import javax.sql.DataSource;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Writes the audit export: the events of the store in global-position order, one hash-chained JSON
 * line each, then a trailer with the count and the head hash. The format, canonical form and hash rule
 * are in {@code docs/audit-export.md}; {@link AuditVerifier} checks a file offline.
 *
 * <p>Streaming: the events are read with one forward-only query, in fetches of {@link #DEFAULT_FETCH_SIZE}
 * rows (on PostgreSQL inside a transaction, which is what makes the driver use a cursor instead of
 * loading the whole result; on H2 in lazy mode, which keeps it from copying the result to a temporary
 * file first), and each line is written as soon as it is made. Memory stays
 * flat however many events there are. The query is one snapshot: events appended while the export
 * runs are not in it, and no event below the last exported position can appear later (appends commit
 * in position order, see {@link LedgerStore}).
 *
 * <p>An export is a pure function of the stored events and the filter: exporting the same events again
 * gives a byte-identical file with the same head hash.
 */
public final class AuditExport {

    public static final int DEFAULT_FETCH_SIZE = 500;
    public static final int PROGRESS_EVERY = 10_000;

    private static final String COLUMNS = "globalindex, aggregateidentifier, sequencenumber, eventidentifier, "
            + "metadata, payload, payloadrevision, payloadtype, timestamp";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final DataSource dataSource;
    private final int fetchSize;

    private AuditExport(DataSource dataSource, int fetchSize) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        if (fetchSize < 1) {
            throw new IllegalArgumentException("fetchSize must be positive, got " + fetchSize);
        }
        this.fetchSize = fetchSize;
    }

    /**
     * Writes the export to {@code out} (buffered, flushed, not closed). If it fails part way, what was
     * written has no trailer and fails verification; {@link #write(DataSource, ExportFilter, ExportFormat,
     * Path, ExportProgress)} leaves nothing behind instead.
     *
     * @param progress told how far the export has got; may be null
     * @throws AuditExportException an event cannot be exported faithfully (the message names its position)
     * @throws dev.ledger.api.store.StoreException the store cannot be read
     * @throws IOException writing failed
     */
    public static ExportSummary write(DataSource dataSource, ExportFilter filter, ExportFormat format,
                                      OutputStream out, ExportProgress progress) throws IOException {
        return new AuditExport(dataSource, DEFAULT_FETCH_SIZE).run(filter, format, out, progress);
    }

    /**
     * Writes the export to {@code file}: to a temporary file beside it first, moved into place only when
     * complete, so {@code file} is either a whole export or untouched. An existing file is replaced.
     */
    public static ExportSummary write(DataSource dataSource, ExportFilter filter, ExportFormat format,
                                      Path file, ExportProgress progress) throws IOException {
        return new AuditExport(dataSource, DEFAULT_FETCH_SIZE).run(filter, format, file, progress);
    }

    public static ExportSummary write(LedgerStore store, ExportFilter filter, ExportFormat format,
                                      OutputStream out, ExportProgress progress) throws IOException {
        return write(store.dataSource(), filter, format, out, progress);
    }

    public static ExportSummary write(LedgerStore store, ExportFilter filter, ExportFormat format,
                                      Path file, ExportProgress progress) throws IOException {
        return write(store.dataSource(), filter, format, file, progress);
    }

    /** For tests: a small fetch size makes a small store cross many fetches. */
    static AuditExport withFetchSize(DataSource dataSource, int fetchSize) {
        return new AuditExport(dataSource, fetchSize);
    }

    ExportSummary run(ExportFilter filter, ExportFormat format, Path file, ExportProgress progress) throws IOException {
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        Files.createDirectories(directory);
        // Not Files.createTempFile: its owner-only permissions would stick to the export.
        Path partial = directory.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".partial");
        boolean done = false;
        try {
            ExportSummary summary;
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                summary = run(filter, format, Channels.newOutputStream(channel), progress);
                // On disk before it takes the target's name: a crash never leaves a cut export there.
                channel.force(true);
            }
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            return summary;
        } finally {
            if (!done) {
                Files.deleteIfExists(partial);
            }
        }
    }

    ExportSummary run(ExportFilter filter, ExportFormat format, OutputStream target, ExportProgress progress)
            throws IOException {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(target, "target");
        ExportProgress listener = progress == null ? ExportProgress.NONE : progress;
        AuditLines lines = new AuditLines();
        BufferedOutputStream out = new BufferedOutputStream(target, 1 << 16);
        String head = AuditLines.GENESIS;
        long count = 0;
        long lastPosition = -1;
        String sql = query(filter);
        // Up to where nothing can appear any more (on PostgreSQL an append in flight may still commit a lower index):
        // an export is a prefix of the store that a later export only extends.
        long upTo = CommitHorizon.settledHead(dataSource);
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            // PostgreSQL streams a result with a cursor only inside a transaction.
            connection.setAutoCommit(false);
            try (StreamedResults streamed = StreamedResults.on(connection);
                 PreparedStatement statement = connection.prepareStatement(sql,
                    ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                statement.setFetchSize(fetchSize);
                statement.setLong(1, upTo);
                int parameter = 2;
                if (filter.account() != null) {
                    statement.setString(parameter++, filter.account());
                }
                if (filter.user() != null) {
                    statement.setString(parameter, likePrefix(filter.user() + ":"));
                }
                try (ResultSet rows = statement.executeQuery()) {
                    Timestamps timestamps = new Timestamps();
                    while (rows.next()) {
                        AuditLines.Event event = read(rows, timestamps);
                        if (filter.hasTimeRange() && !filter.admits(event.timestamp())) {
                            continue;
                        }
                        AuditLines.Line line;
                        try {
                            line = lines.event(format, event, head);
                        } catch (CanonicalJson.NotCanonicalException e) {
                            throw new AuditExportException("event at position " + event.position()
                                    + " cannot be exported: it holds " + e.getMessage(), e);
                        }
                        writeLine(out, line);
                        head = line.hash();
                        lastPosition = event.position();
                        if (++count % PROGRESS_EVERY == 0) {
                            listener.exported(count, lastPosition);
                        }
                    }
                }
            } finally {
                try {
                    connection.rollback();
                } finally {
                    connection.setAutoCommit(autoCommit);
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the event store for the audit export: " + e.getMessage(), e);
        }
        writeLine(out, lines.trailer(format, count, head, filter));
        out.flush();
        listener.exported(count, lastPosition);
        return new ExportSummary(count, head, format);
    }

    static String query(ExportFilter filter) {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM domainevententry");
        List<String> conditions = new ArrayList<>(3);
        conditions.add("globalindex <= ?");
        if (filter.account() != null) {
            conditions.add("aggregateidentifier = ?");
        }
        if (filter.user() != null) {
            conditions.add("aggregateidentifier LIKE ? ESCAPE '!'");
        }
        sql.append(" WHERE ").append(String.join(" AND ", conditions));
        return sql.append(" ORDER BY globalindex").toString();
    }

    /** A LIKE pattern matching strings that start with {@code prefix}; '_' in user names is a literal. */
    static String likePrefix(String prefix) {
        StringBuilder pattern = new StringBuilder(prefix.length() + 4);
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c == '!' || c == '%' || c == '_') {
                pattern.append('!');
            }
            pattern.append(c);
        }
        return pattern.append('%').toString();
    }

    /** Parses stored timestamps; events of one command usually share theirs, so the last one is kept. */
    private static final class Timestamps {
        private String lastText;
        private Instant lastInstant;

        Instant parse(String text, long position) {
            if (text != null && text.equals(lastText)) {
                return lastInstant;
            }
            Instant instant = ExportFilter.parseInstantOrNull(text);
            if (instant == null) {
                throw new AuditExportException("event at position " + position + " has a timestamp that is not an "
                        + "ISO-8601 instant: " + text);
            }
            lastText = text;
            lastInstant = instant;
            return instant;
        }
    }

    private static AuditLines.Event read(ResultSet rows, Timestamps timestamps) throws SQLException {
        long position = rows.getLong(1);
        String aggregate = rows.getString(2);
        long sequence = rows.getLong(3);
        String eventId = rows.getString(4);
        byte[] metadataBytes = rows.getBytes(5);
        byte[] payloadBytes = rows.getBytes(6);
        String revision = rows.getString(7);
        String payloadType = rows.getString(8);
        String timestampText = rows.getString(9);
        Instant timestamp = timestamps.parse(timestampText, position);
        return event(position, aggregate, sequence, eventId, metadataBytes, payloadBytes, revision, payloadType,
                timestamp);
    }

    /** One stored event as the export reads it, from its columns (also {@link CloudEventRenderer}'s way in). */
    static AuditLines.Event event(long position, String aggregate, long sequence, String eventId, byte[] metadataBytes,
                                  byte[] payloadBytes, String revision, String payloadType, Instant timestamp) {
        JsonNode metadata = metadataBytes == null ? NullNode.getInstance() : parse(metadataBytes, "metadata", position);
        if (!metadata.isObject() && !metadata.isNull()) {
            throw new AuditExportException("event at position " + position + " has metadata that is not a JSON object");
        }
        JsonNode payload = parse(payloadBytes, "payload", position);
        return new AuditLines.Event(position, eventId, payloadType, revision, aggregate, sequence,
                accounts(aggregate, payload), timestamp, metadata, payload);
    }

    /**
     * The accounts an event concerns: its own account (the aggregate, for account events), then the
     * {@code from} and {@code to} of the payload where they name accounts (transfers, migration moves);
     * without repeats. Empty for market events.
     */
    static List<String> accounts(String aggregate, JsonNode payload) {
        List<String> accounts = new ArrayList<>(3);
        addAccount(accounts, aggregate);
        if (!accounts.isEmpty()) {
            addAccount(accounts, payload.path("from").textValue());
            addAccount(accounts, payload.path("to").textValue());
        }
        return accounts;
    }

    private static void addAccount(List<String> accounts, String candidate) {
        if (candidate != null && AccountId.parseOrNull(candidate) != null && !accounts.contains(candidate)) {
            accounts.add(candidate);
        }
    }

    private static JsonNode parse(byte[] json, String what, long position) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AuditExportException("event at position " + position + " has a " + what
                    + " that is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static void writeLine(OutputStream out, AuditLines.Line line) throws IOException {
        out.write(line.text().getBytes(StandardCharsets.UTF_8));
        out.write('\n');
    }
}
