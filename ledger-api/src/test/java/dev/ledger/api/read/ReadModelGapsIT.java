package dev.ledger.api.read;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.event.FundsDeposited;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.DomainEventMessage;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.ledger.api.support.Commands.deposit;
import static dev.ledger.api.support.Commands.open;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Holes in the global index: a transaction that takes index numbers and rolls back leaves them unused for
 * good (sequences are not transactional). Read models must neither wait for such a hole to fill nor skip
 * an event after it, whether the hole is small or wider than one read of the event table.
 */
class ReadModelGapsIT {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    @OnEveryStore
    void readModelsPassHolesLeftByRolledBackAppendsWithoutWaitingOrSkipping(StoreKind store) throws Exception {
        // A short read-model timeout: waiting on a hole for the length of any gap timeout would fail it.
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(store)).readModelTimeout(Duration.ofSeconds(10)));
        LedgerStore ledgerStore = ledger.store();
        assertThat(ledger.execute(open("alice:FUTURES"))).isInstanceOf(Outcome.Accepted.class);
        assertThat(ledger.execute(deposit("alice:FUTURES", "USDT", "100"))).isInstanceOf(Outcome.Accepted.class);
        ledger.awaitReadModels();

        // A small hole, then one wider than a read of the event table (1,000 events).
        for (int width : new int[]{3, 2_500}) {
            rolledBackAppend(ledgerStore, "ghost:FUTURES", width);
            assertThat(ledger.execute(deposit("alice:FUTURES", "USDT", "1"))).isInstanceOf(Outcome.Accepted.class);
        }
        assertThat(unusedIndexes(ledgerStore)).as("index numbers taken by the rolled-back appends")
                .isGreaterThanOrEqualTo(2_503);

        ledger.awaitReadModels();
        long head = ledgerStore.headIndex();
        assertThat(ledger.readModelStatus()).allSatisfy(status ->
                assertThat(status.position()).as(status.name()).isEqualTo(head));
        assertThat(ledger.balance("alice:FUTURES").orElseThrow().balances().get(0).wallet()).isEqualByComparingTo("102");
        assertThat(ledger.balance("ghost:FUTURES")).isEmpty();
    }

    /** Appends {@code count} events (taking as many index numbers) as the writer appends, then rolls back. */
    private static void rolledBackAppend(LedgerStore store, String aggregate, int count) {
        List<DomainEventMessage<?>> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(new GenericDomainEventMessage<>("Account", aggregate, i,
                    new FundsDeposited(aggregate, "USDT", BigDecimal.ONE, BigDecimal.valueOf(i + 1))));
        }
        Transaction transaction = store.transactions().startTransaction();
        try {
            store.eventStorage().appendEvents(events);
        } finally {
            transaction.rollback();
        }
    }

    /** Numbers between the lowest and the highest index that no stored event has. */
    private static long unusedIndexes(LedgerStore store) throws Exception {
        try (Connection connection = store.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(
                     "SELECT MAX(globalindex) - MIN(globalindex) + 1 - COUNT(*) FROM domainevententry")) {
            row.next();
            return row.getLong(1);
        }
    }
}
