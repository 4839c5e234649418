package dev.ledger.kafka;

import dev.ledger.api.feed.FeedCursor;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds where a publisher resumes from in what the topic holds: the {@link FeedRecords#batchFrom batch cursor}
 * of the last record of each partition, the one with the highest position.
 *
 * <p>Why that is exact: a batch is sent only after every record of the batch before it was acknowledged, and
 * an idempotent producer keeps the order of one partition. So the batch cursors rise along each partition,
 * the highest of the last records is the highest in the topic, and every batch before that one was written
 * whole. Resuming from it re-sends at most that one batch, the one in flight at the crash.
 */
final class ResumePoint {

    /** Where to resume (empty: no record of the publisher is left) and whether the topic ever held a record. */
    record Found(Optional<FeedCursor> cursor, boolean topicEverWritten) {
    }

    private ResumePoint() {
    }

    static Found find(Consumer<byte[], byte[]> consumer, String topic, Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("Kafka topic '" + topic + "' does not exist; create it first "
                    + "(the publisher never creates topics: partitions and retention are the operator's choice)");
        }
        List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions, timeout);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
        boolean everWritten = ends.values().stream().anyMatch(end -> end > 0);

        FeedCursor best = null;
        Map<TopicPartition, Long> window = new HashMap<>();
        for (TopicPartition partition : partitions) {
            if (ends.get(partition) > beginnings.get(partition)) {
                window.put(partition, 1L);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!window.isEmpty()) {
            Map<TopicPartition, FeedCursor> last = lastCursors(consumer, window, beginnings, ends, deadline);
            Map<TopicPartition, Long> wider = new HashMap<>();
            for (Map.Entry<TopicPartition, Long> entry : window.entrySet()) {
                TopicPartition partition = entry.getKey();
                FeedCursor cursor = last.get(partition);
                if (cursor != null) {
                    if (best == null || cursor.position() > best.position()) {
                        best = cursor;
                    }
                } else if (ends.get(partition) - entry.getValue() > beginnings.get(partition)) {
                    // The last records are not the publisher's (written by someone else): look further back.
                    wider.put(partition, entry.getValue() * 16);
                }
            }
            window = wider;
        }
        return new Found(Optional.ofNullable(best), everWritten);
    }

    /** Reads the last {@code window} records of each partition; the batch cursor of the last that has one. */
    private static Map<TopicPartition, FeedCursor> lastCursors(Consumer<byte[], byte[]> consumer,
                                                               Map<TopicPartition, Long> window,
                                                               Map<TopicPartition, Long> beginnings,
                                                               Map<TopicPartition, Long> ends, long deadline) {
        consumer.assign(new ArrayList<>(window.keySet()));
        for (Map.Entry<TopicPartition, Long> entry : window.entrySet()) {
            TopicPartition partition = entry.getKey();
            consumer.seek(partition, Math.max(beginnings.get(partition), ends.get(partition) - entry.getValue()));
        }
        Map<TopicPartition, FeedCursor> last = new HashMap<>();
        List<TopicPartition> open = new ArrayList<>(window.keySet());
        while (!open.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read the last records of " + open + " in time");
            }
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
            for (ConsumerRecord<byte[], byte[]> record : records) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                if (record.offset() < ends.get(partition)) {
                    FeedRecords.batchFrom(record.headers()).ifPresent(cursor -> last.put(partition, cursor));
                }
            }
            open.removeIf(partition -> consumer.position(partition) >= ends.get(partition));
        }
        consumer.assign(List.of());
        return last;
    }
}
