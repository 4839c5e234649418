package dev.ledger.api;

import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.AccountType;
import dev.ledger.projections.ProjectionCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Ledger.health(): UP, DEGRADED and DOWN, with the details behind each. */
class LedgerHealthTest {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    private static List<Object> commands() {
        return List.of(new OpenAccount("o1", "alice:FUTURES"), new Deposit("d1", "alice:FUTURES", "USDT", BigDecimal.TEN));
    }

    private static void send(Ledger ledger) {
        ledger.execute(new OpenAccount("o1", "alice:FUTURES"));
        ledger.execute(new Deposit("d1", "alice:FUTURES", "USDT", BigDecimal.TEN));
    }

    @Test
    void aLedgerThatWorksIsUpWithTheStoreProbeTheWriterAndEveryReadModelCaughtUp() {
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(StoreKind.H2)).queueCapacity(100));
        send(ledger);
        ledger.awaitReadModels();

        Health health = ledger.health();

        assertThat(health.status()).isEqualTo(Health.Status.UP);
        assertThat(health.problems()).isEmpty();
        assertThat(health.store().reachable()).isTrue();
        assertThat(health.store().latency()).isPositive().isLessThan(Duration.ofSeconds(30));
        assertThat(health.store().head()).isGreaterThanOrEqualTo(1);
        assertThat(health.store().error()).isNull();
        assertThat(health.writer()).isEqualTo(new Health.Writer(true, 0, 100));
        assertThat(health.readModels()).extracting(Health.ReadModel::name).containsExactlyElementsOf(ProjectionCatalog.names());
        assertThat(health.readModels()).allSatisfy(model -> {
            assertThat(model.runsHere()).isTrue();
            assertThat(model.lag()).isZero();
            assertThat(model.position()).isEqualTo(health.store().head());
            assertThat(model.error()).isNull();
            assertThat(model.stuck()).isFalse();
        });
        assertThat(health.lastStoreError()).isNull();
        assertThat(health.checkedAt()).isAfter(Instant.now().minusSeconds(60));
    }

    @Test
    void readModelsThatNobodyAppliesMakeItDegradedOnceTheyLagTheThreshold() {
        // Lag is counted in global indexes, as in readModelStatus(): from -1 (nothing applied) to the head.
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(StoreKind.H2)).startReadModels(false)
                .healthThresholds(new Health.Thresholds(Duration.ofSeconds(5), 0.9, 3, Duration.ofMinutes(1))));
        ledger.execute(new OpenAccount("o1", "alice:FUTURES"));
        Health before = ledger.health();
        assertThat(before.store().head()).as("one event, the first index").isEqualTo(1);
        assertThat(before.readModels()).allSatisfy(model -> assertThat(model.lag()).isEqualTo(2));
        assertThat(before.status()).as("lag 2, limit 3").isEqualTo(Health.Status.UP);

        ledger.execute(new Deposit("d1", "alice:FUTURES", "USDT", BigDecimal.TEN));
        Health health = ledger.health();

        assertThat(health.status()).isEqualTo(Health.Status.DEGRADED);
        assertThat(health.readModels()).allSatisfy(model -> {
            assertThat(model.runsHere()).isFalse();
            assertThat(model.position()).isEqualTo(-1);
            assertThat(model.lag()).isEqualTo(3);
        });
        assertThat(health.problems()).contains("read model balance lags 3 events (limit 3)");
        assertThat(ledger.readModelStatus()).allSatisfy(status -> assertThat(status.lag()).isEqualTo(3));
    }

    @Test
    void aStoreThatIsGoneIsDownWithTheErrorAndTheReadModelsLagFromMemory() {
        ControlledDataSource dataSource = new ControlledDataSource();
        try {
            Ledger ledger = ledgers.open(Ledger.builder().dataSource(dataSource));
            send(ledger);
            ledger.awaitReadModels();
            dataSource.close();

            Health health = ledger.health();

            assertThat(health.status()).isEqualTo(Health.Status.DOWN);
            assertThat(health.store().reachable()).isFalse();
            assertThat(health.store().error()).contains("has been closed");
            assertThat(health.problems()).first().asString().startsWith("store unreachable: ");
            assertThat(health.writer().running()).isTrue();
            assertThat(health.readModels()).allSatisfy(model -> assertThat(model.lag()).isZero());
            assertThat(health.lastStoreError()).isNotNull();
            assertThat(health.lastStoreError().component()).isIn("health", "watcher", "readmodel");
        } finally {
            dataSource.close();
        }
    }

    @Test
    void aClosedLedgerIsDown() {
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(StoreKind.H2)));
        ledgers.close(ledger);

        Health health = ledger.health();

        assertThat(health.status()).isEqualTo(Health.Status.DOWN);
        assertThat(health.writer().running()).isFalse();
        assertThat(health.problems()).contains("the writer does not take commands (closed, or its thread ended)");
    }

    @Test
    void theQueriesTakeTypedAccountIds() {
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(StoreKind.H2)));
        send(ledger);
        AccountId alice = AccountId.of("alice", AccountType.FUTURES);

        assertThat(ledger.balance(alice)).isEqualTo(ledger.balance("alice:FUTURES"));
        assertThat(ledger.balance(alice).orElseThrow().balances().get(0).wallet()).isEqualByComparingTo("10");
        assertThat(ledger.risk(alice)).isEqualTo(ledger.risk("alice:FUTURES"));
        assertThat(ledger.performance(alice)).isEqualTo(ledger.performance("alice:FUTURES"));
        Instant now = Instant.now().plusSeconds(1);
        assertThat(ledger.balanceAt(alice, now)).isEqualTo(ledger.balanceAt("alice:FUTURES", now));
        assertThat(ledger.riskAt(alice, now)).isEqualTo(ledger.riskAt("alice:FUTURES", now));
        assertThat(ledger.performanceAt(alice, now)).isEqualTo(ledger.performanceAt("alice:FUTURES", now));
        assertThat(commands()).hasSize(2);
    }
}
