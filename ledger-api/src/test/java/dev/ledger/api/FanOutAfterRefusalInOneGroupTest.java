package dev.ledger.api;

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
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;
import dev.ledger.projections.balance.BalanceView;
import dev.ledger.projections.risk.RiskView;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One command group in which a copier's account is changed, then touched by a refused command (whose rollback takes
 * the account out of memory), then reached by a lead trade's fan-out, which brings the copiers it mirrors to into
 * memory in bulk. The bulk load must see the change the group has made but not yet stored: the group commits, and
 * books exactly what the same commands book one by one.
 */
class FanOutAfterRefusalInOneGroupTest {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    private static final List<LedgerCommand> SET_UP = List.of(
            new ConfigureSymbol("sym", "BTCUSDT", "USDT", new BigDecimal("0.005"), 100),
            new UpdateMarkPrice("mark", "BTCUSDT", new BigDecimal("50000")),
            new OpenAccount("lf", "lea:FUTURES"), new OpenAccount("le", "lea:ELITE"),
            new Deposit("ld", "lea:FUTURES", "USDT", new BigDecimal("100000")),
            new Transfer("lt", "lea:FUTURES", "lea:ELITE", "USDT", new BigDecimal("100000")),
            new SetLeaderTerms("terms", "lea", new BigDecimal("0.1"), 10),
            new OpenAccount("cf", "cat:FUTURES"), new OpenAccount("cc", "cat:COPY"),
            new Deposit("cd", "cat:FUTURES", "USDT", new BigDecimal("1000")),
            new Transfer("ct", "cat:FUTURES", "cat:COPY", "USDT", new BigDecimal("500")),
            Follow.byRatio("follow", "cat", "lea", new BigDecimal("0.5")));

    /** Into cat's COPY account, out of it beyond its wallet (refused), then a lead trade mirrored to it. */
    private static final List<LedgerCommand> GROUP = List.of(
            new Transfer("more", "cat:FUTURES", "cat:COPY", "USDT", new BigDecimal("100")),
            new Transfer("too-much", "cat:COPY", "cat:FUTURES", "USDT", new BigDecimal("1000000")),
            new RecordFill("lead", "lea:ELITE", "BTCUSDT", Side.BUY, new BigDecimal("0.01"), new BigDecimal("50000"),
                    BigDecimal.ZERO, 10, MarginMode.ISOLATED));

    @Test
    void aFanOutAfterARefusalInTheSameGroupSeesTheGroupsEarlierChanges() throws Exception {
        List<Outcome> oneByOne = new ArrayList<>();
        Ledger reference = ledgers.open(Ledger.builder().store(Stores.fresh(StoreKind.H2)));
        assertThat(reference.executeAll(SET_UP)).allMatch(o -> o instanceof Outcome.Accepted);
        for (LedgerCommand command : GROUP) {
            oneByOne.add(reference.execute(command));
        }
        assertThat(oneByOne.get(1)).isInstanceOf(Outcome.Rejected.class);
        assertThat(List.of(oneByOne.get(0), oneByOne.get(2))).allMatch(o -> o instanceof Outcome.Accepted);

        try (ControlledDataSource dataSource = new ControlledDataSource()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Ledger grouped = ledgers.open(Ledger.builder().dataSource(dataSource).meterRegistry(registry));
            assertThat(grouped.executeAll(SET_UP)).allMatch(o -> o instanceof Outcome.Accepted);
            DistributionSummary groups = registry.get("ledger.writer.group.size").summary();
            long groupsBefore = groups.count();
            double commandsBefore = groups.totalAmount();

            // The writer takes a first command and waits at the gate; the three queue behind it and then form one group.
            dataSource.closeWriterGate();
            CompletableFuture<Outcome> first = grouped.submit(new Deposit("hold", "lea:FUTURES", "USDT", BigDecimal.ONE));
            assertThat(dataSource.awaitWriterWaiting(30)).as("the writer took the first command and waits").isTrue();
            List<CompletableFuture<Outcome>> queued = GROUP.stream().map(grouped::submit).toList();
            dataSource.openWriterGate();
            assertThat(first.get(30, TimeUnit.SECONDS)).isInstanceOf(Outcome.Accepted.class);
            List<Outcome> inOneGroup = new ArrayList<>();
            for (CompletableFuture<Outcome> outcome : queued) {
                inOneGroup.add(outcome.get(30, TimeUnit.SECONDS));
            }

            assertThat(groups.count() - groupsBefore).as("groups committed: the first command's, then the three's")
                    .isEqualTo(2);
            assertThat(groups.totalAmount() - commandsBefore).isEqualTo(4);
            assertThat(inOneGroup).as("outcomes in one group").isEqualTo(oneByOne);
            for (String account : List.of("cat:FUTURES", "cat:COPY")) {
                BalanceView expected = reference.balance(account).orElseThrow();
                assertThat(grouped.balance(account).orElseThrow()).as(account).isEqualTo(expected);
            }
            RiskView expectedRisk = reference.risk("cat:COPY").orElseThrow();
            assertThat(grouped.risk("cat:COPY").orElseThrow()).isEqualTo(expectedRisk);
            assertThat(grouped.risk("cat:COPY").orElseThrow().positions()).as("the mirrored position").hasSize(1);
            ledgers.close(grouped);
        }
    }
}
