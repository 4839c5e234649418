package dev.ledger.api.read;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

import static dev.ledger.api.support.Commands.deposit;
import static dev.ledger.api.support.Commands.open;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A read model whose batch waits in the database (here: on a row another transaction holds) is recovered
 * after the stall timeout, without harming the store: no interrupt reaches the embedded database's file,
 * the pool is not drained by abandoned batches, and once the row is free the read model catches up exactly.
 */
class ReadModelRecoveryIT {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    @OnEveryStore
    void aBatchWaitingInTheDatabaseIsRecoveredAndTheStoreStaysWhole(StoreKind store) throws Exception {
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(store)).stallTimeout(Duration.ofSeconds(1)));
        assertThat(ledger.execute(open("alice:FUTURES"))).isInstanceOf(Outcome.Accepted.class);
        assertThat(ledger.execute(deposit("alice:FUTURES", "USDT", "100"))).isInstanceOf(Outcome.Accepted.class);
        ledger.awaitReadModels();

        try (Connection holder = ledger.store().dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement(
                    "SELECT wallet FROM rm_balance WHERE account = ? FOR UPDATE")) {
                lock.setString(1, "alice:FUTURES");
                try (ResultSet row = lock.executeQuery()) {
                    assertThat(row.next()).isTrue();
                }
            }
            // The balance read model's next batch waits on that row; the others go on.
            assertThat(ledger.execute(deposit("alice:FUTURES", "USDT", "1"))).isInstanceOf(Outcome.Accepted.class);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (recoveriesOf(ledger, "balance") == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(recoveriesOf(ledger, "balance")).as("the waiting batch was recovered").isPositive();
            // Meanwhile the writer and the other read models work as ever.
            for (int i = 0; i < 20; i++) {
                assertThat(ledger.execute(open("u" + i + ":FUTURES"))).isInstanceOf(Outcome.Accepted.class);
            }
            holder.rollback();
        }

        ledger.awaitReadModels();
        assertThat(ledger.balance("alice:FUTURES").orElseThrow().balances().get(0).wallet()).isEqualByComparingTo("101");
        long head = ledger.store().headIndex();
        assertThat(ledger.readModelStatus()).allSatisfy(status -> {
            assertThat(status.position()).as(status.name()).isEqualTo(head);
            assertThat(status.error()).as(status.name()).isNull();
        });
        assertThat(ledger.readModelStatus()).filteredOn(status -> !status.name().equals("balance"))
                .allSatisfy(status -> assertThat(status.recoveries()).as(status.name()).isZero());
        // The store is whole: more commands, and every read model follows them.
        for (int i = 0; i < 20; i++) {
            assertThat(ledger.execute(deposit("u" + i + ":FUTURES", "USDT", "5"))).isInstanceOf(Outcome.Accepted.class);
        }
        ledger.awaitReadModels();
        assertThat(ledger.balance("u19:FUTURES").orElseThrow().balances().get(0).wallet()).isEqualByComparingTo("5");
    }

    private static long recoveriesOf(Ledger ledger, String readModel) {
        return ledger.readModelStatus().stream().filter(status -> status.name().equals(readModel))
                .findFirst().orElseThrow().recoveries();
    }
}
