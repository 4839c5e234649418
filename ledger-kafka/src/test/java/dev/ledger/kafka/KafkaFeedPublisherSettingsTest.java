package dev.ledger.kafka;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the publisher's producer is made of, and the settings it refuses; no broker needed. */
class KafkaFeedPublisherSettingsTest {

    @Test
    void theProducerIsIdempotentWithAllAcksWhateverElseIsSet() {
        Map<String, Object> config = KafkaFeedPublisher.builder()
                .bootstrapServers("127.0.0.1:9")
                .clientProperty("security.protocol", "PLAINTEXT")
                .producerProperty(ProducerConfig.LINGER_MS_CONFIG, 20)
                .producerProperty(ProducerConfig.ACKS_CONFIG, "-1")
                .producerConfig();

        assertThat(config).containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5)
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 20)
                .containsEntry("security.protocol", "PLAINTEXT")
                .containsEntry("bootstrap.servers", "127.0.0.1:9")
                .doesNotContainKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    }

    @Test
    void refusesSettingsThatWouldBreakOrderOrDurability() {
        KafkaFeedPublisher.Builder builder = KafkaFeedPublisher.builder();

        assertThatThrownBy(() -> builder.producerProperty(ProducerConfig.ACKS_CONFIG, "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acks=1");
        assertThatThrownBy(() -> builder.producerProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.producerProperty(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 6))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.producerProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.batchSize(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void buildNamesWhatIsMissing() {
        assertThatThrownBy(() -> KafkaFeedPublisher.builder().build()).hasMessageContaining("feed");
    }
}
