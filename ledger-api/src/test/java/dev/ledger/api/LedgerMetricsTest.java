package dev.ledger.api;

import dev.ledger.api.store.StoreException;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.Follow;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SetLeaderTerms;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;
import dev.ledger.projections.ProjectionCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ledger's meters on a SimpleMeterRegistry: what a few commands, a fan-out and a broken store record. */
class LedgerMetricsTest {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static BigDecimal d(String value) {
        return new BigDecimal(value);
    }

    private Ledger open() {
        return ledgers.open(Ledger.builder().store(Stores.fresh(StoreKind.H2)).meterRegistry(registry));
    }

    private long latencySamples(String type, String outcome) {
        Timer timer = registry.find("ledger.command.latency").tag("type", type).tag("outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    private long allLatencySamples() {
        return registry.find("ledger.command.latency").timers().stream().mapToLong(Timer::count).sum();
    }

    @Test
    void everyCommandSentGetsOneLatencySampleByTypeAndOutcomeAndEveryCommandIsInOneCommittedGroup() {
        Ledger ledger = open();
        List<LedgerCommand> commands = List.of(
                new OpenAccount("open-1", "alice:FUTURES"),
                new Deposit("dep-1", "alice:FUTURES", "USDT", d("100")),
                new Withdraw("wd-1", "alice:FUTURES", "USDT", d("500")),      // refused: INSUFFICIENT_FUNDS
                new Deposit("dep-1", "alice:FUTURES", "USDT", d("100")),      // the same again: duplicate
                new Deposit("dep-2", "alice:FUTURES", "USDT", d("5")));
        for (LedgerCommand command : commands) {
            ledger.execute(command);
        }
        List<Outcome> batch = ledger.executeAll(List.of(
                new Deposit("dep-3", "alice:FUTURES", "USDT", d("1")),
                new Deposit("dep-4", "alice:FUTURES", "USDT", d("1")),
                new Deposit("dep-5", "alice:FUTURES", "USDT", d("1"))));
        assertThat(batch).allMatch(o -> o instanceof Outcome.Accepted);

        assertThat(allLatencySamples()).isEqualTo(8);
        assertThat(latencySamples("OpenAccount", "accepted")).isEqualTo(1);
        assertThat(latencySamples("Deposit", "accepted")).isEqualTo(5);
        assertThat(latencySamples("Deposit", "duplicate")).isEqualTo(1);
        assertThat(latencySamples("Withdraw", "rejected")).isEqualTo(1);
        assertThat(registry.get("ledger.command.latency").tag("type", "Deposit").tag("outcome", "accepted").timer()
                .totalTime(TimeUnit.NANOSECONDS)).isPositive();

        DistributionSummary groups = registry.get("ledger.writer.group.size").summary();
        assertThat(groups.totalAmount()).as("commands in committed groups").isEqualTo(8);
        assertThat(groups.count()).as("groups").isBetween(6L, 8L);
        assertThat(registry.get("ledger.writer.group.commit").timer().count()).isEqualTo(groups.count());
        assertThat(registry.find("ledger.store.errors").counters()).isEmpty();
        assertThat(registry.find("ledger.writer.retries").counters()).isEmpty();
    }

    @Test
    void aLeadTradeMirroredToKCopiersIsRecordedAsAFanOutOfK() {
        Ledger ledger = open();
        List<String> copiers = List.of("bob", "carl", "dan");
        List<LedgerCommand> setUp = new ArrayList<>(List.of(
                new ConfigureSymbol("sym", "BTCUSDT", "USDT", d("0.005"), 100),
                new UpdateMarkPrice("mark-1", "BTCUSDT", d("50000")),
                new OpenAccount("open-alice-f", "alice:FUTURES"),
                new OpenAccount("open-alice-e", "alice:ELITE"),
                new Deposit("dep-alice", "alice:FUTURES", "USDT", d("20000")),
                new Transfer("tr-alice", "alice:FUTURES", "alice:ELITE", "USDT", d("10000")),
                new SetLeaderTerms("terms", "alice", d("0.1"), 100)));
        for (String copier : copiers) {
            setUp.add(new OpenAccount("open-" + copier + "-f", copier + ":FUTURES"));
            setUp.add(new OpenAccount("open-" + copier + "-c", copier + ":COPY"));
            setUp.add(new Deposit("dep-" + copier, copier + ":FUTURES", "USDT", d("5000")));
            setUp.add(new Transfer("tr-" + copier, copier + ":FUTURES", copier + ":COPY", "USDT", d("2000")));
            setUp.add(Follow.byRatio("follow-" + copier, copier, "alice", d("0.5")));
        }
        assertThat(ledger.executeAll(setUp)).allMatch(o -> o instanceof Outcome.Accepted);
        assertThat(registry.find("ledger.copy.fanout").summaries()).as("no lead trade yet").isEmpty();

        RecordFill lead = RecordFill.builder().id("L1").account("alice:ELITE").symbol("BTCUSDT").side(Side.BUY)
                .quantity("0.2").price("50000").fee("5").leverage(10).marginMode(MarginMode.ISOLATED).build();
        assertThat(ledger.execute(lead)).isInstanceOf(Outcome.Accepted.class);
        // A personal fill of a copier mirrors nothing.
        assertThat(ledger.execute(new RecordFill("own-1", "bob:FUTURES", "BTCUSDT", Side.BUY, d("0.01"), d("50000"),
                d("0.5"), 10, MarginMode.ISOLATED))).isInstanceOf(Outcome.Accepted.class);
        // Sent again: a duplicate, nothing mirrored a second time.
        assertThat(ledger.execute(lead)).isInstanceOf(Outcome.Duplicate.class);

        DistributionSummary fanOut = registry.get("ledger.copy.fanout").tag("type", "RecordFill").summary();
        assertThat(fanOut.count()).isEqualTo(1);
        assertThat(fanOut.totalAmount()).isEqualTo(copiers.size());
        assertThat(fanOut.max()).isEqualTo(copiers.size());
        assertThat(ledger.copies("bob", "alice").outcomes()).hasSize(1);
    }

    @Test
    void readModelLagIsZeroOnceTheReadModelsCaughtUpAndEachReadModelHasItsMeters() {
        Ledger ledger = open();
        ledger.executeAll(List.of(new OpenAccount("o1", "alice:FUTURES"),
                new Deposit("d1", "alice:FUTURES", "USDT", d("10"))));
        ledger.awaitReadModels();

        List<String> names = ProjectionCatalog.names();
        assertThat(registry.find("ledger.readmodel.lag").gauges())
                .extracting(g -> g.getId().getTag("readmodel"))
                .containsExactlyInAnyOrderElementsOf(names);
        for (String name : names) {
            assertThat(registry.get("ledger.readmodel.lag").tag("readmodel", name).gauge().value()).as(name).isZero();
            assertThat(registry.get("ledger.readmodel.failing").tag("readmodel", name).gauge().value()).as(name).isZero();
            assertThat(registry.get("ledger.readmodel.recoveries").tag("readmodel", name).functionCounter().count())
                    .as(name).isZero();
        }
        // Every event reaches the balance read model: AccountOpened, FundsDeposited.
        assertThat(registry.get("ledger.readmodel.events").tag("readmodel", "balance").functionCounter().count())
                .isGreaterThanOrEqualTo(2);
        assertThat(registry.get("ledger.writer.queue.capacity").gauge().value())
                .isEqualTo(65_536);
        assertThat(registry.get("ledger.writer.queue.size").gauge().value()).isZero();
    }

    @Test
    void axonsOwnCommandBusAndEventStoreMetersAreThereUnderTheLedgerPrefix() {
        Ledger ledger = open();
        ledger.execute(new OpenAccount("o1", "alice:FUTURES"));
        ledger.execute(new Deposit("d1", "alice:FUTURES", "USDT", d("10")));
        ledger.execute(new Withdraw("w1", "alice:FUTURES", "USDT", d("100")));   // refused in its handler

        Counter handled = registry.get("ledger.axon.commandbus.successCounter").tag("payloadType", "Deposit").counter();
        assertThat(handled.count()).isEqualTo(1);
        assertThat(registry.get("ledger.axon.commandbus.failureCounter").tag("payloadType", "Withdraw").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("ledger.axon.commandbus.allTimer").tag("payloadType", "OpenAccount").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("ledger.axon.eventstore.ingestedCounter").tag("payloadType", "FundsDeposited").counter()
                .count()).isEqualTo(1);
        assertThat(registry.getMeters()).extracting(m -> m.getId().getName()).allMatch(name -> name.startsWith("ledger."));
    }

    @Test
    void aStoreThatGoesAwayIsCountedAsStoreErrorsAndTheFailedCommandGetsAFailedLatencySample() throws Exception {
        ControlledDataSource dataSource = new ControlledDataSource();
        try {
            Ledger ledger = ledgers.open(Ledger.builder().dataSource(dataSource).meterRegistry(registry));
            ledger.execute(new OpenAccount("o1", "alice:FUTURES"));
            assertThat(registry.find("ledger.store.errors").counters()).isEmpty();

            dataSource.close();
            CompletableFuture<Outcome> lost = ledger.submit(new Deposit("d1", "alice:FUTURES", "USDT", d("10")));
            assertThatThrownBy(() -> lost.get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(StoreException.class);

            Counter writerErrors = registry.get("ledger.store.errors").tag("component", "writer").counter();
            assertThat(writerErrors.count()).isGreaterThanOrEqualTo(1);
            Counter storeRetries = registry.find("ledger.writer.retries").tag("reason", "store").counter();
            double retried = storeRetries == null ? 0 : storeRetries.count();
            assertThat(writerErrors.count()).as("every failed attempt is an error; all but the last were retried")
                    .isEqualTo(retried + 1);
            assertThat(latencySamples("Deposit", "failed")).isEqualTo(1);
            assertThat(ledger.health().lastStoreError()).isNotNull();
        } finally {
            dataSource.close();
        }
    }

    @Test
    void aReadModelBatchThatFailsInTheDatabaseIsCountedAndTheReadModelCatchesUp() {
        ControlledDataSource dataSource = new ControlledDataSource();
        try {
            Ledger ledger = ledgers.open(Ledger.builder().dataSource(dataSource).meterRegistry(registry));
            ledger.execute(new OpenAccount("o1", "alice:FUTURES"));
            ledger.awaitReadModels();

            dataSource.failNext("ledger-read-model-balance", 2);
            ledger.execute(new Deposit("d1", "alice:FUTURES", "USDT", d("10")));
            assertThat(ledger.balance("alice:FUTURES").orElseThrow().balances().get(0).wallet()).isEqualByComparingTo("10");

            assertThat(registry.get("ledger.readmodel.failures").tag("readmodel", "balance").counter().count())
                    .isEqualTo(2);
            assertThat(registry.get("ledger.store.errors").tag("component", "readmodel").counter().count()).isEqualTo(2);
            assertThat(registry.get("ledger.readmodel.lag").tag("readmodel", "balance").gauge().value()).isZero();
            Health health = ledger.health();
            assertThat(health.lastStoreError().component()).isEqualTo("readmodel");
            assertThat(health.status()).as("a store error within the last minute").isEqualTo(Health.Status.DEGRADED);
            assertThat(health.problems()).anyMatch(p -> p.startsWith("store error ") && p.contains("in readmodel"));
        } finally {
            dataSource.close();
        }
    }

    @Test
    void theGaugesBoundToALedgerLeaveTheRegistryWhenItClosesTheCumulativeMetersStay() {
        Ledger ledger = open();
        ledger.execute(new OpenAccount("o1", "alice:FUTURES"));
        assertThat(registry.find("ledger.writer.queue.size").gauge()).isNotNull();

        ledgers.close(ledger);

        assertThat(registry.find("ledger.writer.queue.size").gauges()).isEmpty();
        assertThat(registry.find("ledger.readmodel.lag").gauges()).isEmpty();
        assertThat(registry.find("ledger.readmodel.events").functionCounters()).isEmpty();
        assertThat(latencySamples("OpenAccount", "accepted")).isEqualTo(1);

        // A second ledger on the same registry binds its own gauges.
        Ledger second = open();
        second.execute(new OpenAccount("o1", "bob:FUTURES"));
        Gauge queue = registry.get("ledger.writer.queue.capacity").gauge();
        assertThat(queue.value()).isEqualTo(65_536);
        assertThat(registry.find("ledger.readmodel.lag").gauges()).hasSize(ProjectionCatalog.ALL.size());
    }

    @Test
    void withoutARegistryNothingIsRecordedAnywhere() {
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(StoreKind.H2)));
        ledger.execute(new OpenAccount("o1", "alice:FUTURES"));
        assertThat(registry.getMeters()).isEmpty();
        assertThat(ledger.health().status()).isEqualTo(Health.Status.UP);
    }
}
