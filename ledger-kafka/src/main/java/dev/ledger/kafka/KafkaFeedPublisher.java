package dev.ledger.kafka;

import dev.ledger.api.feed.EventFeed;
import dev.ledger.api.feed.FeedCursor;
import dev.ledger.api.feed.FeedEvent;
import dev.ledger.api.feed.FeedHandler;
import dev.ledger.api.feed.Subscription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Publishes the ledger's event feed to one Kafka topic: every event, in position order, one record each,
 * keyed by user ({@link FeedRecords} has the record shape), with an idempotent producer
 * ({@code enable.idempotence=true}, {@code acks=all}), and resumes after a crash from what the topic holds.
 *
 * <p><b>Batches.</b> The publisher takes the feed in batches of at most {@code batchSize} events (default
 * 500). It sends a batch's records, flushes, and waits for every acknowledgement before it takes the next
 * batch. If any record fails, it drops its producer (a fresh idempotent session replaces it) and the feed
 * hands it the same batch again after a back-off (see {@link Subscription}), for as long as Kafka refuses:
 * it never goes past an event that Kafka has not acknowledged.
 *
 * <p><b>Resuming.</b> Every record carries the cursor its batch started from ({@value FeedRecords#BATCH_FROM_HEADER},
 * {@value FeedRecords#BATCH_PREV_HASH_HEADER}) and the batch's last position ({@value FeedRecords#BATCH_TO_HEADER}).
 * On {@link #start()} the publisher reads the last record of each partition; the highest of their batch cursors
 * is the last batch begun, and every event before it is in the topic (a batch is sent only once the one before
 * it was acknowledged whole). It then reads that batch's records (they end the partitions they went to) and
 * checks them against the feed: if every event of the batch is there, it goes on after the batch, and nothing
 * is written twice; if not (a crash in the middle of the batch), it goes on from the batch's start, and only
 * the part of that batch that Kafka had already taken is written again (at least once). The resumed lines go on with the same hash chain, so a record written again
 * is byte for byte the record written before: consumers drop it by its CloudEvents {@code id}, or by keeping
 * the highest {@value FeedRecords#POSITION_HEADER} per key (or partition) and skipping records at or below it.
 * Nothing is stored outside the topic: the publisher needs only read access to the ledger's store.
 *
 * <p>One publisher per topic at a time: two running at once would interleave their batches (nothing here
 * fences a second one off).
 *
 * <p><b>Thread-safety.</b> The builder is not thread-safe. A publisher's methods may be called from any
 * thread; it sends from its feed subscription's thread only.
 */
public final class KafkaFeedPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaFeedPublisher.class);

    private final EventFeed feed;
    private final String topic;
    private final Map<String, Object> producerConfig;
    private final Map<String, Object> consumerConfig;
    private final Function<Map<String, Object>, Producer<String, byte[]>> producerFactory;
    private final int batchSize;
    private final FeedCursor startFrom;
    private final boolean startFromGiven;
    private final Duration startTimeout;
    private final AtomicLong publishedRecords = new AtomicLong();

    private volatile Producer<String, byte[]> producer;
    private volatile long publishedPosition = -1;
    private Subscription subscription;
    private FeedCursor resumedFrom;
    private boolean closed;

    private KafkaFeedPublisher(Builder builder) {
        this.feed = builder.feed;
        this.topic = builder.topic;
        this.producerConfig = Map.copyOf(builder.producerConfig());
        this.consumerConfig = Map.copyOf(builder.consumerConfig());
        this.producerFactory = builder.producerFactory;
        this.batchSize = builder.batchSize;
        this.startFrom = builder.startFrom;
        this.startFromGiven = builder.startFromGiven;
        this.startTimeout = builder.startTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Finds where to resume (the topic's last records, see the class comment), or starts from
     * {@link Builder#startFrom} when the topic holds no record of the publisher, and starts publishing.
     *
     * @throws IllegalStateException the topic does not exist; or it held records once and none of the
     *                               publisher's is left (retention deleted them) and no start was given
     */
    public synchronized KafkaFeedPublisher start() {
        if (closed || subscription != null) {
            throw new IllegalStateException(closed ? "this publisher is closed" : "this publisher has started already");
        }
        ResumePoint.Found found;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
            found = ResumePoint.find(consumer, topic, startTimeout);
        }
        FeedCursor from;
        if (found.batchFrom().isPresent()) {
            from = afterLastBatch(found);
            if (from.equals(found.batchFrom().get())) {
                log.info("Publishing the ledger's feed to {} from position {} again: the batch in flight when the "
                        + "last publisher stopped is not whole in the topic", topic, from.position());
            } else {
                log.info("Publishing the ledger's feed to {} from position {}, after the last batch published",
                        topic, from.position());
            }
        } else if (found.topicEverWritten() && !startFromGiven) {
            throw new IllegalStateException("Kafka topic '" + topic + "' held records once, but none of this "
                    + "publisher's is left (deleted by retention, or written by something else): the position to "
                    + "go on from is lost; say where to start with startFrom(...)");
        } else {
            from = startFrom;
            log.info("Publishing the ledger's feed to {} from position {}", topic, from.position());
        }
        resumedFrom = from;
        subscription = feed.subscribe(from, batchSize, new FeedHandler() {
            @Override
            public void handle(List<FeedEvent> batch) throws Exception {
                publish(batch);
            }
        });
        return this;
    }

    /**
     * Where to go on from, given the last batch begun: after it when the topic holds every event of it (a
     * publisher that stopped between batches, or whose last batch was sent again whole), else from its start.
     */
    private FeedCursor afterLastBatch(ResumePoint.Found found) {
        FeedCursor batchFrom = found.batchFrom().orElseThrow();
        if (found.batchTo() < batchFrom.position()) {
            return batchFrom;
        }
        FeedCursor cursor = batchFrom;
        while (true) {
            List<FeedEvent> events = feed.read(cursor, EventFeed.DEFAULT_BATCH_SIZE);
            for (FeedEvent event : events) {
                if (event.position() > found.batchTo()) {
                    return cursor;
                }
                if (!found.positions().contains(event.position())) {
                    return batchFrom;
                }
                cursor = event.next();
            }
            if (events.isEmpty()) {
                // The batch announced events the store does not hold (another store?): publish it again.
                return batchFrom;
            }
        }
    }

    private void publish(List<FeedEvent> batch) throws Exception {
        FeedEvent first = batch.get(0);
        FeedCursor batchFrom = new FeedCursor(first.position(), first.prevHash());
        long batchTo = batch.get(batch.size() - 1).position();
        Producer<String, byte[]> sending = producer;
        if (sending == null) {
            sending = producerFactory.apply(producerConfig);
            producer = sending;
        }
        try {
            List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
            for (FeedEvent event : batch) {
                acks.add(sending.send(FeedRecords.record(topic, event, batchFrom, batchTo)));
            }
            sending.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
        } catch (Exception failure) {
            // A fresh idempotent session for the retry; whatever this one still held is dropped with it.
            producer = null;
            try {
                sending.close(Duration.ZERO);
            } catch (RuntimeException closing) {
                log.debug("Closing the failed producer failed too", closing);
            }
            if (failure instanceof ExecutionException execution && execution.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw failure;
        }
        publishedPosition = batch.get(batch.size() - 1).position();
        publishedRecords.addAndGet(batch.size());
    }

    /** The topic. */
    public String topic() {
        return topic;
    }

    /** Where this run of the publisher started; null before {@link #start()}. */
    public synchronized FeedCursor resumedFrom() {
        return resumedFrom;
    }

    /** The position of the last event Kafka acknowledged in this run; -1 before the first. */
    public long publishedPosition() {
        return publishedPosition;
    }

    /** How many records Kafka acknowledged in this run (a batch sent again counts again). */
    public long publishedRecords() {
        return publishedRecords.get();
    }

    /** The feed subscription that drives the publisher: its errors, failed attempts and cursor. Null before start. */
    public synchronized Subscription subscription() {
        return subscription;
    }

    /** Waits until every event up to {@code position} is acknowledged by Kafka, or the timeout passes. */
    public boolean awaitPublished(long position, Duration timeout) throws InterruptedException {
        Subscription running;
        synchronized (this) {
            running = subscription;
        }
        if (running == null) {
            throw new IllegalStateException("the publisher has not started");
        }
        return running.awaitDelivered(position, timeout);
    }

    /**
     * Stops: waits for the batch in flight (see {@link Subscription#close()}), then closes the producer, which
     * waits up to 30 s for what it still sends. Idempotent.
     */
    @Override
    public void close() {
        Subscription running;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = subscription;
        }
        try {
            if (running != null) {
                running.close();
            }
        } finally {
            Producer<String, byte[]> open = producer;
            producer = null;
            if (open != null) {
                open.close(Duration.ofSeconds(30));
            }
        }
    }

    /** Configures a {@link KafkaFeedPublisher}. */
    public static final class Builder {
        private EventFeed feed;
        private String topic;
        private final Map<String, Object> clientProperties = new HashMap<>();
        private final Map<String, Object> producerProperties = new HashMap<>();
        private Function<Map<String, Object>, Producer<String, byte[]>> producerFactory = KafkaProducer::new;
        private int batchSize = EventFeed.DEFAULT_BATCH_SIZE;
        private FeedCursor startFrom = FeedCursor.start();
        private boolean startFromGiven;
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder() {
        }

        /** The feed to publish: {@code ledger.feed()}, or {@code EventFeed.on(store)} without a ledger. */
        public Builder feed(EventFeed feed) {
            this.feed = Objects.requireNonNull(feed, "feed");
            return this;
        }

        /** The topic to publish to; it must exist (its partitions and retention are the operator's choice). */
        public Builder topic(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /** {@code bootstrap.servers}, for the producer and the consumer that finds the resume point. */
        public Builder bootstrapServers(String servers) {
            return clientProperty("bootstrap.servers", Objects.requireNonNull(servers, "servers"));
        }

        /** A setting for both Kafka clients, e.g. {@code security.protocol} and the SASL settings. */
        public Builder clientProperty(String name, Object value) {
            clientProperties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * A producer setting ({@code linger.ms}, {@code compression.type}, {@code delivery.timeout.ms} ...).
         * What the guarantees rest on cannot be changed: {@code enable.idempotence=true}, {@code acks=all},
         * at most 5 requests in flight, no {@code transactional.id}, and the serializers.
         */
        public Builder producerProperty(String name, Object value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            String text = value.toString().trim();
            switch (name) {
                case ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG -> require(text.equalsIgnoreCase("true"), name, text);
                case ProducerConfig.ACKS_CONFIG -> require(text.equals("all") || text.equals("-1"), name, text);
                case ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION ->
                        require(text.matches("[1-5]"), name, text);
                case ProducerConfig.TRANSACTIONAL_ID_CONFIG, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG -> require(false, name, text);
                default -> {
                }
            }
            producerProperties.put(name, value);
            return this;
        }

        private static void require(boolean allowed, String name, String value) {
            if (!allowed) {
                throw new IllegalArgumentException(name + "=" + value + " would break the publisher's ordering or "
                        + "durability guarantees; it keeps enable.idempotence=true, acks=all, at most 5 requests in "
                        + "flight, no transactions and its own serializers");
            }
        }

        /** Events per batch (default 500): the most records written again after a crash. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Where to start when the topic holds no record of the publisher (default: the first event,
         * {@link FeedCursor#start()}). Ignored when the topic holds one: then the publisher resumes from the
         * topic.
         */
        public Builder startFrom(FeedCursor cursor) {
            this.startFrom = Objects.requireNonNull(cursor, "cursor");
            this.startFromGiven = true;
            return this;
        }

        /** How long {@link #start()} may take to read the topic's last records (default 60 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Makes the producers (default {@code KafkaProducer::new}); for instrumentation and tests. */
        public Builder producerFactory(Function<Map<String, Object>, Producer<String, byte[]>> factory) {
            this.producerFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        Map<String, Object> producerConfig() {
            Map<String, Object> config = new HashMap<>(clientProperties);
            config.put(ProducerConfig.CLIENT_ID_CONFIG, "ledger-feed-publisher");
            config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            config.putAll(producerProperties);
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            return config;
        }

        Map<String, Object> consumerConfig() {
            Map<String, Object> config = new HashMap<>(clientProperties);
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, "ledger-feed-publisher-resume");
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            return config;
        }

        public KafkaFeedPublisher build() {
            if (feed == null) {
                throw new IllegalStateException("KafkaFeedPublisher.builder(): no feed; call feed(ledger.feed())");
            }
            if (topic == null || topic.isBlank()) {
                throw new IllegalStateException("KafkaFeedPublisher.builder(): no topic; call topic(...)");
            }
            if (!clientProperties.containsKey("bootstrap.servers")) {
                throw new IllegalStateException("KafkaFeedPublisher.builder(): no bootstrap servers; call "
                        + "bootstrapServers(...)");
            }
            return new KafkaFeedPublisher(this);
        }

        /** {@link #build()}, then {@link KafkaFeedPublisher#start()}. */
        public KafkaFeedPublisher start() {
            return build().start();
        }
    }
}
