package dev.ledger.kafka;

import dev.ledger.api.feed.FeedCursor;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads from a topic where its publisher stopped: the last batch it began, and which of that batch's events
 * Kafka holds.
 *
 * <p>Why the last records of the partitions are enough: a batch is sent only after every record of the batch
 * before it was acknowledged, and an idempotent producer keeps the order of one partition. So the batch
 * cursors ({@link FeedRecords#BATCH_FROM_HEADER}) rise along each partition, the highest among the partitions'
 * last records is the highest in the topic, every event before it is in the topic, and that last batch's
 * records are at the very end of the partitions they went to.
 */
final class ResumePoint {

    /**
     * What the topic says.
     *
     * @param batchFrom        the cursor of the last batch begun; empty when no record of the publisher is left
     * @param batchTo          the highest last position that batch (or a retry of it) announced; -1 if unknown
     * @param positions        the positions of that batch's records in the topic
     * @param topicEverWritten whether the topic held records once (its end offsets are not all 0)
     */
    record Found(Optional<FeedCursor> batchFrom, long batchTo, Set<Long> positions, boolean topicEverWritten) {
    }

    /** One record's feed headers. */
    private record Tail(long offset, FeedCursor batchFrom, long batchTo, long position) {
    }

    private static final long BATCH_WINDOW = 512;

    private ResumePoint() {
    }

    static Found find(Consumer<byte[], byte[]> consumer, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("Kafka topic '" + topic + "' does not exist; create it first "
                    + "(the publisher never creates topics: partitions and retention are the operator's choice)");
        }
        List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions, timeout);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
        boolean everWritten = ends.values().stream().anyMatch(end -> end > 0);

        // The last record of the publisher in each partition: the last record, unless something else wrote
        // after it (then look further back).
        Map<TopicPartition, Tail> last = new HashMap<>();
        Map<TopicPartition, Long> window = new HashMap<>();
        for (TopicPartition partition : partitions) {
            if (ends.get(partition) > beginnings.get(partition)) {
                window.put(partition, 1L);
            }
        }
        while (!window.isEmpty()) {
            Map<TopicPartition, List<Tail>> read = read(consumer, starts(window, beginnings, ends), ends, deadline);
            Map<TopicPartition, Long> wider = new HashMap<>();
            window.forEach((partition, size) -> {
                List<Tail> tails = read.get(partition);
                if (!tails.isEmpty()) {
                    last.put(partition, tails.get(tails.size() - 1));
                } else if (ends.get(partition) - size > beginnings.get(partition)) {
                    wider.put(partition, size * 16);
                }
            });
            window = wider;
        }
        FeedCursor from = last.values().stream().map(Tail::batchFrom)
                .max((a, b) -> Long.compare(a.position(), b.position())).orElse(null);
        if (from == null) {
            return new Found(Optional.empty(), -1, Set.of(), everWritten);
        }

        // That batch's records: the ends of the partitions whose last record belongs to it.
        Set<Long> positions = new HashSet<>();
        long batchTo = -1;
        Map<TopicPartition, Long> tailWindow = new HashMap<>();
        last.forEach((partition, tail) -> {
            if (tail.batchFrom().equals(from)) {
                tailWindow.put(partition, BATCH_WINDOW);
            }
        });
        while (!tailWindow.isEmpty()) {
            Map<TopicPartition, List<Tail>> read = read(consumer, starts(tailWindow, beginnings, ends), ends, deadline);
            Map<TopicPartition, Long> wider = new HashMap<>();
            for (Map.Entry<TopicPartition, Long> entry : tailWindow.entrySet()) {
                TopicPartition partition = entry.getKey();
                List<Tail> tails = read.get(partition);
                boolean reachedEarlierBatch = tails.stream().anyMatch(t -> t.batchFrom().position() < from.position());
                boolean reachedBeginning = ends.get(partition) - entry.getValue() <= beginnings.get(partition);
                if (!reachedEarlierBatch && !reachedBeginning) {
                    wider.put(partition, entry.getValue() * 4);
                    continue;
                }
                for (Tail tail : tails) {
                    if (tail.batchFrom().equals(from)) {
                        positions.add(tail.position());
                        batchTo = Math.max(batchTo, tail.batchTo());
                    }
                }
            }
            tailWindow.clear();
            tailWindow.putAll(wider);
        }
        return new Found(Optional.of(from), batchTo, positions, everWritten);
    }

    private static Map<TopicPartition, Long> starts(Map<TopicPartition, Long> window, Map<TopicPartition, Long> beginnings,
                                                    Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> starts = new HashMap<>();
        window.forEach((partition, size) ->
                starts.put(partition, Math.max(beginnings.get(partition), ends.get(partition) - size)));
        return starts;
    }

    /** The publisher's records of each partition from its start offset to its end offset, in offset order. */
    private static Map<TopicPartition, List<Tail>> read(Consumer<byte[], byte[]> consumer,
                                                        Map<TopicPartition, Long> starts,
                                                        Map<TopicPartition, Long> ends, long deadline) {
        Map<TopicPartition, List<Tail>> read = new HashMap<>();
        consumer.assign(new ArrayList<>(starts.keySet()));
        starts.forEach((partition, offset) -> {
            consumer.seek(partition, offset);
            read.put(partition, new ArrayList<>());
        });
        List<TopicPartition> open = new ArrayList<>(starts.keySet());
        while (!open.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read the last records of " + open + " in time");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                if (record.offset() >= ends.get(partition)) {
                    continue;
                }
                Optional<FeedCursor> batchFrom = FeedRecords.batchFrom(record.headers());
                OptionalLong position = FeedRecords.position(record.headers());
                if (batchFrom.isPresent() && position.isPresent()) {
                    read.get(partition).add(new Tail(record.offset(), batchFrom.get(),
                            FeedRecords.batchTo(record.headers()).orElse(-1), position.getAsLong()));
                }
            }
            open.removeIf(partition -> consumer.position(partition) >= ends.get(partition));
        }
        consumer.assign(List.of());
        return read;
    }
}
