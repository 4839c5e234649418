package dev.ledger.kafka;

import dev.ledger.api.Ledger;
import dev.ledger.api.feed.FeedCursor;
import dev.ledger.api.feed.FeedEvent;
import dev.ledger.api.store.StoreSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The publisher against a real Kafka broker (KRaft, in this JVM, see {@link InProcessKafka}), with a ledger of a
 * few hundred events on embedded H2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaFeedPublisherIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final Pattern HASH = Pattern.compile("\"ledgerhash\":\"([0-9a-f]{64})\"");
    private static final Pattern PREV_HASH = Pattern.compile("\"ledgerprevhash\":\"([0-9a-f]{64})\"");

    private InProcessKafka kafka;
    private Ledger ledger;

    @BeforeAll
    void startBroker() throws Exception {
        kafka = InProcessKafka.start();
    }

    @AfterAll
    void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @BeforeEach
    void ledgerWithHistory() {
        ledger = Ledger.builder().store(StoreSettings.inMemory("kafka-" + UUID.randomUUID())).build();
        ledger.executeAll(LedgerHistory.setUp());
        for (int round = 0; round < 5; round++) {
            ledger.executeAll(LedgerHistory.round(round));
        }
    }

    @AfterEach
    void closeLedger() {
        ledger.close();
    }

    private String newTopic(int partitions) throws Exception {
        String topic = "ledger-events-" + UUID.randomUUID();
        kafka.createTopic(topic, partitions);
        return topic;
    }

    private KafkaFeedPublisher.Builder publisher(String topic) {
        return KafkaFeedPublisher.builder().feed(ledger.feed()).topic(topic).bootstrapServers(kafka.bootstrapServers());
    }

    private List<FeedEvent> allEvents() {
        return ledger.feed().read(FeedCursor.start(), 1_000_000);
    }

    @Test
    void publishesEveryEventOnceKeyedByUserInOrderWithTheExportsLine() throws Exception {
        String topic = newTopic(3);
        try (KafkaFeedPublisher publisher = publisher(topic).batchSize(64).start()) {
            assertThat(publisher.resumedFrom()).isEqualTo(FeedCursor.start());
            assertThat(publisher.awaitPublished(ledger.feed().head(), WAIT)).isTrue();
            // Events committed while it runs follow.
            ledger.executeAll(LedgerHistory.round(7));
            assertThat(publisher.awaitPublished(ledger.feed().head(), WAIT)).isTrue();
        }

        List<FeedEvent> events = allEvents();
        assertThat(events).hasSizeGreaterThan(300);
        Map<Integer, List<TopicContents.Record>> partitions = TopicContents.read(kafka.bootstrapServers(), topic);
        List<TopicContents.Record> records = TopicContents.all(partitions);
        assertThat(records).hasSize(events.size());
        Map<Long, FeedEvent> byPosition = events.stream().collect(Collectors.toMap(FeedEvent::position, e -> e));
        for (TopicContents.Record record : records) {
            FeedEvent event = byPosition.get(record.position());
            assertThat(record.value()).isEqualTo(event.cloudEvent());
            assertThat(record.key()).isEqualTo(event.user() == null ? "MARKET" : event.user());
        }
        assertThat(records.stream().map(TopicContents.Record::key).distinct())
                .containsExactlyInAnyOrderElementsOf(concat(LedgerHistory.USERS, "MARKET"));
        assertOrderPerKey(partitions);
        // Every key lives in one partition, and the keys spread over more than one.
        Map<String, Set<Integer>> partitionsOfKey = new HashMap<>();
        records.forEach(r -> partitionsOfKey.computeIfAbsent(r.key(), k -> new HashSet<>()).add(r.partition()));
        assertThat(partitionsOfKey.values()).allSatisfy(set -> assertThat(set).hasSize(1));
        assertThat(records.stream().map(TopicContents.Record::partition).distinct().count()).isGreaterThan(1);
    }

    @Test
    void resumesAfterACrashInTheMiddleOfABatchWithNoGapRepublishingOnlyThatBatch() throws Exception {
        String topic = newTopic(3);
        int batchSize = 50;
        // The "process" dies after 3 whole batches and 17 records of the 4th reached Kafka: nothing after that is
        // sent, by this producer or any it would make; the publisher is then closed without finishing the batch.
        int diesAfter = 3 * batchSize + 17;
        AtomicInteger sent = new AtomicInteger();
        KafkaFeedPublisher first = publisher(topic).batchSize(batchSize)
                .producerFactory(dyingAfter(diesAfter, sent)).start();
        try {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (first.subscription().failedAttempts() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(first.subscription().lastError()).hasMessageContaining("simulated crash");
            assertThat(first.publishedRecords()).isEqualTo(3L * batchSize);
        } finally {
            first.close();
        }
        List<FeedEvent> events = allEvents();
        FeedEvent crashedBatchStart = events.get(3 * batchSize);

        try (KafkaFeedPublisher second = publisher(topic).batchSize(batchSize).start()) {
            assertThat(second.resumedFrom()).isEqualTo(new FeedCursor(crashedBatchStart.position(),
                    crashedBatchStart.prevHash()));
            assertThat(second.awaitPublished(ledger.feed().head(), WAIT)).isTrue();
        }

        Map<Integer, List<TopicContents.Record>> partitions = TopicContents.read(kafka.bootstrapServers(), topic);
        List<TopicContents.Record> records = TopicContents.all(partitions);
        // No gap: every event is there.
        assertThat(records.stream().map(TopicContents.Record::position).collect(Collectors.toSet()))
                .isEqualTo(events.stream().map(FeedEvent::position).collect(Collectors.toSet()));
        // Twice: exactly the 17 records of the crashed batch that Kafka had taken, byte for byte the same.
        Map<Long, List<TopicContents.Record>> byPosition = records.stream()
                .collect(Collectors.groupingBy(TopicContents.Record::position));
        Set<Long> twice = byPosition.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        assertThat(twice).isEqualTo(events.subList(3 * batchSize, 3 * batchSize + 17).stream()
                .map(FeedEvent::position).collect(Collectors.toSet()));
        assertThat(byPosition.values()).allSatisfy(copies -> assertThat(copies).hasSizeLessThanOrEqualTo(2)
                .extracting(TopicContents.Record::value).containsOnly(copies.get(0).value()));
        // A consumer that drops what it has seen (by CloudEvents id) reads each key in order, and the whole
        // feed, merged by position, is one unbroken hash chain: the resumed lines go on with the same chain.
        assertOrderPerKey(partitions);
        List<String> deduped = dedupeById(records).stream()
                .sorted((a, b) -> Long.compare(a.position(), b.position()))
                .map(TopicContents.Record::value).toList();
        assertThat(deduped).isEqualTo(events.stream().map(FeedEvent::cloudEvent).toList());
        for (int i = 1; i < deduped.size(); i++) {
            assertThat(group(PREV_HASH, deduped.get(i))).isEqualTo(group(HASH, deduped.get(i - 1)));
        }
        System.out.printf("KafkaFeedPublisherIT: %d events, %d records, %d written twice after the crash%n",
                events.size(), records.size(), twice.size());
    }

    @Test
    void aPublisherStoppedBetweenBatchesGoesOnAfterTheLastWithNothingTwice() throws Exception {
        String topic = newTopic(2);
        try (KafkaFeedPublisher publisher = publisher(topic).batchSize(100).start()) {
            assertThat(publisher.awaitPublished(ledger.feed().head(), WAIT)).isTrue();
        }
        ledger.executeAll(LedgerHistory.round(8));

        try (KafkaFeedPublisher again = publisher(topic).batchSize(100).start()) {
            assertThat(again.resumedFrom().position()).isGreaterThan(0);
            assertThat(again.awaitPublished(ledger.feed().head(), WAIT)).isTrue();
        }

        List<TopicContents.Record> records = TopicContents.all(TopicContents.read(kafka.bootstrapServers(), topic));
        List<FeedEvent> events = allEvents();
        // The last batch before the stop is whole in the topic, so the second publisher went on after it.
        assertThat(records).extracting(TopicContents.Record::value)
                .containsExactlyInAnyOrderElementsOf(events.stream().map(FeedEvent::cloudEvent).toList());
    }

    @Test
    void refusesAMissingTopicAndATopicWhoseRecordsAreGone() throws Exception {
        assertThatThrownBy(() -> publisher("no-such-topic-" + UUID.randomUUID()).startTimeout(Duration.ofSeconds(5))
                .build().start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not exist");

        String topic = newTopic(1);
        try (KafkaFeedPublisher publisher = publisher(topic).start()) {
            assertThat(publisher.awaitPublished(ledger.feed().head(), WAIT)).isTrue();
        }
        // Retention deleted everything: where to go on from is lost, and the publisher says so.
        try (Admin admin = kafka.admin()) {
            TopicPartition partition = new TopicPartition(topic, 0);
            long end = admin.listOffsets(Map.of(partition, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                    .partitionResult(partition).get(10, TimeUnit.SECONDS).offset();
            admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(end))).all().get(10, TimeUnit.SECONDS);
        }
        assertThatThrownBy(() -> publisher(topic).build().start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("startFrom");

        FeedCursor from = allEvents().get(100).next();
        try (KafkaFeedPublisher publisher = publisher(topic).startFrom(from).build().start()) {
            assertThat(publisher.resumedFrom()).isEqualTo(from);
            assertThat(publisher.awaitPublished(ledger.feed().head(), WAIT)).isTrue();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Producers that, together, let {@code limit} records through and then die: flush what they took, refuse the rest. */
    private static Function<Map<String, Object>, Producer<String, byte[]>> dyingAfter(int limit, AtomicInteger sent) {
        return config -> new KafkaProducer<String, byte[]>(config) {
            @Override
            public Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
                return send(record, null);
            }

            @Override
            public Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
                if (sent.get() >= limit) {
                    super.flush();
                    throw new KafkaException("simulated crash after " + limit + " records");
                }
                sent.incrementAndGet();
                return super.send(record, callback);
            }
        };
    }

    /** Within each partition, the records of one key have rising positions once repeats are dropped. */
    private static void assertOrderPerKey(Map<Integer, List<TopicContents.Record>> partitions) {
        for (List<TopicContents.Record> partition : partitions.values()) {
            Map<String, Long> last = new HashMap<>();
            Set<String> seen = new HashSet<>();
            for (TopicContents.Record record : partition) {
                if (!seen.add(group(ID, record.value()))) {
                    continue;
                }
                Long before = last.put(record.key(), record.position());
                assertThat(before == null || before < record.position())
                        .as("key %s: position %d after %s", record.key(), record.position(), before).isTrue();
            }
        }
    }

    private static List<TopicContents.Record> dedupeById(List<TopicContents.Record> records) {
        Map<String, TopicContents.Record> first = new LinkedHashMap<>();
        records.forEach(r -> first.putIfAbsent(group(ID, r.value()), r));
        return new ArrayList<>(first.values());
    }

    private static String group(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertThat(matcher.find()).as(text).isTrue();
        return matcher.group(1);
    }

    private static List<String> concat(List<String> list, String more) {
        List<String> all = new ArrayList<>(list);
        all.add(more);
        return all;
    }
}
