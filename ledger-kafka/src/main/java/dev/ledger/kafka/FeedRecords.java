package dev.ledger.kafka;

import dev.ledger.api.feed.FeedCursor;
import dev.ledger.api.feed.FeedEvent;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The shape of the records {@link KafkaFeedPublisher} writes, for producers and consumers alike.
 *
 * <ul>
 *   <li><b>Key</b> ({@link #key}): the part of the event's stream before {@code ':'}: the user of an account
 *   event ({@code alice} for {@code alice:FUTURES}), the leader of a leader-book event ({@code alice} for
 *   {@code alice:LEADER}), and {@code MARKET} for the market's events (symbols, mark prices, the migration
 *   phase). Every stream maps to one key, so each stream's events, and all of one user's, stay in order in
 *   one partition; the market's events are one key too, in their total order.</li>
 *   <li><b>Value</b>: the event's CloudEvents 1.0 line, UTF-8, exactly as {@code ledger export --format
 *   cloudevents} and {@code ledger tail} print it (structured mode).</li>
 *   <li><b>Headers</b>: {@value #CONTENT_TYPE_HEADER} {@value #CONTENT_TYPE} (the CloudEvents Kafka binding's
 *   structured mode); {@value #POSITION_HEADER}, the event's global position in decimal digits; and
 *   {@value #BATCH_FROM_HEADER} and {@value #BATCH_PREV_HASH_HEADER}, the feed cursor the record's publishing
 *   batch started from (position and chain hash), and {@value #BATCH_TO_HEADER}, the batch's last position,
 *   which is what a publisher resumes from after it stopped.</li>
 * </ul>
 */
public final class FeedRecords {

    public static final String CONTENT_TYPE_HEADER = "content-type";
    public static final String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";
    public static final String POSITION_HEADER = "ledger.position";
    public static final String BATCH_FROM_HEADER = "ledger.batch.from";
    public static final String BATCH_PREV_HASH_HEADER = "ledger.batch.prevhash";
    public static final String BATCH_TO_HEADER = "ledger.batch.to";
    /** The key of events that belong to no user: the market's. */
    public static final String MARKET_KEY = "MARKET";

    private static final byte[] CONTENT_TYPE_BYTES = CONTENT_TYPE.getBytes(StandardCharsets.UTF_8);

    private FeedRecords() {
    }

    /** The record key of {@code event}: its user, or {@link #MARKET_KEY}. */
    public static String key(FeedEvent event) {
        String user = event.user();
        return user != null ? user : MARKET_KEY;
    }

    /**
     * The record of {@code event}, published in a batch that started from {@code batchFrom} and ends with the
     * event at {@code batchTo}.
     */
    public static ProducerRecord<String, byte[]> record(String topic, FeedEvent event, FeedCursor batchFrom,
                                                        long batchTo) {
        List<Header> headers = List.of(
                new RecordHeader(CONTENT_TYPE_HEADER, CONTENT_TYPE_BYTES),
                new RecordHeader(POSITION_HEADER, ascii(Long.toString(event.position()))),
                new RecordHeader(BATCH_FROM_HEADER, ascii(Long.toString(batchFrom.position()))),
                new RecordHeader(BATCH_PREV_HASH_HEADER, ascii(batchFrom.prevHash())),
                new RecordHeader(BATCH_TO_HEADER, ascii(Long.toString(batchTo))));
        return new ProducerRecord<>(topic, null, key(event), event.cloudEvent().getBytes(StandardCharsets.UTF_8),
                headers);
    }

    /** The {@value #POSITION_HEADER} of a record; empty when it has none. */
    public static OptionalLong position(Headers headers) {
        String text = text(headers, POSITION_HEADER);
        return text == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
    }

    /** The {@value #BATCH_TO_HEADER} of a record: the last position of its batch; empty when it has none. */
    public static OptionalLong batchTo(Headers headers) {
        String text = text(headers, BATCH_TO_HEADER);
        return text == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
    }

    /** The cursor the record's publishing batch started from; empty for a record the publisher did not write. */
    public static Optional<FeedCursor> batchFrom(Headers headers) {
        String position = text(headers, BATCH_FROM_HEADER);
        String prevHash = text(headers, BATCH_PREV_HASH_HEADER);
        if (position == null || prevHash == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new FeedCursor(Long.parseLong(position), prevHash));
        } catch (IllegalArgumentException notOurs) {
            return Optional.empty();
        }
    }

    private static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.US_ASCII);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
