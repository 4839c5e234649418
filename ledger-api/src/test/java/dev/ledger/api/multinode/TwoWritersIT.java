package dev.ledger.api.multinode;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two ledgers (two nodes) write to one store. Each decides from its own cache; the read validation
 * before every commit makes them decide on current state all the same.
 */
class TwoWritersIT {

    @RegisterExtension
    final OpenLedgers ledgers = new OpenLedgers();

    @OnEveryStore
    void aNodeDecidesOnWhatTheOtherNodeCommitted(StoreKind kind) {
        StoreSettings store = Stores.fresh(kind);
        Ledger first = ledgers.open(Ledger.builder().store(store));
        Ledger second = ledgers.open(Ledger.builder().store(store));

        assertThat(first.execute(new OpenAccount("o1", "ann:FUTURES"))).isInstanceOf(Outcome.Accepted.class);
        assertThat(first.execute(new Deposit("d1", "ann:FUTURES", "USDT", new BigDecimal("90"))))
                .isInstanceOf(Outcome.Accepted.class);
        // The second node caches ann:FUTURES with 90 in it.
        assertThat(second.execute(new Withdraw("w1", "ann:FUTURES", "USDT", new BigDecimal("10"))))
                .isInstanceOf(Outcome.Accepted.class);
        // The first node's cache still says 90; the store says 80.
        assertThat(first.execute(new Deposit("d2", "ann:FUTURES", "USDT", new BigDecimal("1000"))))
                .isInstanceOf(Outcome.Accepted.class);
        // The second node's cache says 80; the store says 1080: the withdrawal must be decided on 1080.
        assertThat(second.execute(new Withdraw("w2", "ann:FUTURES", "USDT", new BigDecimal("1000"))))
                .isInstanceOf(Outcome.Accepted.class);
        // A symbol listed through one node is known to the other.
        assertThat(second.execute(new ConfigureSymbol("s1", "BTCUSDT", "USDT", new BigDecimal("0.005"), 20)))
                .isInstanceOf(Outcome.Accepted.class);
        assertThat(first.execute(new RecordFill("f1", "ann:FUTURES", "BTCUSDT", Side.BUY, new BigDecimal("0.001"),
                new BigDecimal("30000"), BigDecimal.ZERO, 10, MarginMode.ISOLATED))).isInstanceOf(Outcome.Accepted.class);
        second.awaitReadModels();
        assertThat(second.balance("ann:FUTURES").orElseThrow().balances().get(0).wallet()).isEqualByComparingTo("80");
    }

    @OnEveryStore
    void concurrentTransfersFromTwoNodesNeverOverdrawAndConserveMoney(StoreKind kind) {
        StoreSettings store = Stores.fresh(kind);
        Ledger first = ledgers.open(Ledger.builder().store(store));
        Ledger second = ledgers.open(Ledger.builder().store(store));
        int users = 4;
        for (int u = 0; u < users; u++) {
            first.execute(new OpenAccount("of" + u, "u" + u + ":FUTURES"));
            first.execute(new OpenAccount("oc" + u, "u" + u + ":COPY"));
            first.execute(new Deposit("d" + u, "u" + u + ":FUTURES", "USDT", new BigDecimal("100")));
        }
        Random random = new Random(42);
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int u = random.nextInt(users);
            boolean out = random.nextBoolean();
            Transfer transfer = new Transfer("t" + i, "u" + u + (out ? ":FUTURES" : ":COPY"),
                    "u" + u + (out ? ":COPY" : ":FUTURES"), "USDT", new BigDecimal(1 + random.nextInt(60)));
            outcomes.add((i % 2 == 0 ? first : second).submit(transfer));
        }
        outcomes.forEach(CompletableFuture::join);
        first.awaitReadModels();
        for (int u = 0; u < users; u++) {
            BigDecimal futures = first.balance("u" + u + ":FUTURES").orElseThrow().balances().get(0).wallet();
            BigDecimal copy = first.balance("u" + u + ":COPY").orElseThrow().balances().get(0).wallet();
            assertThat(futures.signum()).isGreaterThanOrEqualTo(0);
            assertThat(copy.signum()).isGreaterThanOrEqualTo(0);
            assertThat(futures.add(copy)).isEqualByComparingTo("100");
        }
    }
}
