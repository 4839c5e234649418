package dev.ledger.kafka;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerSmokeTest {
    @Test
    void starts() throws Exception {
        long t0 = System.nanoTime();
        try (InProcessKafka kafka = InProcessKafka.start()) {
            kafka.createTopic("smoke", 3);
            System.out.println("broker up in ms " + (System.nanoTime() - t0) / 1_000_000);
            assertThat(kafka.bootstrapServers()).isNotBlank();
        }
        System.out.println("total ms " + (System.nanoTime() - t0) / 1_000_000);
    }
}
