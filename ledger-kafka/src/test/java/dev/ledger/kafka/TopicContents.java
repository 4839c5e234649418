package dev.ledger.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Everything a topic holds, read from the beginning of each partition to its end, in partition order. */
final class TopicContents {

    /** One record as the tests look at it. */
    record Record(int partition, long offset, String key, String value, long position) {
    }

    private TopicContents() {
    }

    static Map<Integer, List<Record>> read(String bootstrapServers, String topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Map<Integer, List<Record>> partitions = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> all = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(all);
            consumer.assign(all);
            consumer.seekToBeginning(all);
            all.forEach(p -> partitions.put(p.partition(), new ArrayList<>()));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            Collection<TopicPartition> open = new ArrayList<>(all);
            while (!open.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    partitions.get(record.partition()).add(new Record(record.partition(), record.offset(), record.key(),
                            new String(record.value(), StandardCharsets.UTF_8),
                            FeedRecords.position(record.headers()).orElseThrow()));
                }
                open.removeIf(p -> consumer.position(p) >= ends.get(p));
            }
        }
        return partitions;
    }

    static List<Record> all(Map<Integer, List<Record>> partitions) {
        List<Record> all = new ArrayList<>();
        partitions.values().forEach(all::addAll);
        return all;
    }
}
