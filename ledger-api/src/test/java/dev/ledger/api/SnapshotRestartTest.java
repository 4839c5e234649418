package dev.ledger.api;

import dev.ledger.api.store.StoreSettings;
import dev.ledger.domain.account.Account;
import dev.ledger.domain.value.Book;
import org.axonframework.serialization.SimpleSerializedObject;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.domain.value.Side;
import dev.ledger.projections.balance.AssetBalance;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Aggregates restored from snapshots decide exactly as aggregates replayed from all their events. */
class SnapshotRestartTest {

    @Test
    void decidesTheSameAfterARestartFromSnapshots() throws Exception {
        StoreSettings store = StoreSettings.inMemory("snapshots-" + UUID.randomUUID());
        BigDecimal availableBefore;
        try (Ledger ledger = Ledger.builder().store(store).snapshotThreshold(5).build()) {
            List<dev.ledger.domain.command.LedgerCommand> commands = new ArrayList<>();
            commands.add(new ConfigureSymbol("sym", "BTCUSDT", "USDT", new BigDecimal("0.005"), 100));
            commands.add(new OpenAccount("open", "ann:FUTURES"));
            commands.add(new Deposit("dep", "ann:FUTURES", "USDT", new BigDecimal("100000")));
            for (int i = 0; i < 20; i++) {
                commands.add(new RecordFill("fill-" + i, "ann:FUTURES", "BTCUSDT", Side.BUY, new BigDecimal("0.01"),
                        new BigDecimal(30000 + i), new BigDecimal("0.3"), 10, MarginMode.CROSS));
                commands.add(new UpdateMarkPrice("mark-" + i, "BTCUSDT", new BigDecimal(29000 + 7 * i)));
            }
            assertThat(ledger.executeAll(commands)).allMatch(o -> o instanceof Outcome.Accepted);
            AssetBalance usdt = ledger.balance("ann:FUTURES").orElseThrow().balances().get(0);
            availableBefore = usdt.available();
            // Snapshots commit with the group that completes their interval: they are there once it is acknowledged.
            assertThat(countSnapshots(ledger)).as("aggregates with a snapshot").isGreaterThanOrEqualTo(2);
            assertSnapshotRestoresTheAccount(ledger);
        }
        try (Ledger reopened = Ledger.builder().store(store).snapshotThreshold(5).build()) {
            Outcome tooMuch = reopened.execute(new Withdraw("w1", "ann:FUTURES", "USDT",
                    availableBefore.add(new BigDecimal("0.00000001"))));
            assertThat(tooMuch).isInstanceOfSatisfying(Outcome.Rejected.class,
                    r -> assertThat(r.code()).isEqualTo(RejectionCode.INSUFFICIENT_FUNDS));
            assertThat(reopened.execute(new Withdraw("w2", "ann:FUTURES", "USDT", availableBefore)))
                    .isInstanceOf(Outcome.Accepted.class);
            assertThat(reopened.balance("ann:FUTURES").orElseThrow().balances().get(0).available())
                    .isEqualByComparingTo("0");
        }
    }

    /** The stored snapshot deserializes to the account with the wallet and position it had at that sequence. */
    private static void assertSnapshotRestoresTheAccount(Ledger ledger) throws SQLException {
        try (Connection connection = ledger.store().dataSource().getConnection();
             ResultSet row = connection.createStatement().executeQuery(
                     "SELECT payload, payloadtype, sequencenumber FROM snapshotevententry"
                             + " WHERE aggregateidentifier = 'ann:FUTURES' ORDER BY sequencenumber DESC")) {
            assertThat(row.next()).isTrue();
            Account account = ledger.store().serializer().deserialize(new SimpleSerializedObject<>(
                    row.getBytes(1), byte[].class, row.getString(2), null));
            long sequence = row.getLong(3);
            assertThat(account.accountId()).isEqualTo("ann:FUTURES");
            assertThat(account.openPositions(Book.PERSONAL)).isEqualTo(1);
            // Events 0..2 are opened/deposit/first fill; each fill adds PositionOpened|Increased and FeeCharged.
            BigDecimal expectedWallet = new BigDecimal("100000").subtract(
                    new BigDecimal("0.3").multiply(BigDecimal.valueOf(feesUpTo(sequence))));
            assertThat(account.wallet("USDT")).isEqualByComparingTo(expectedWallet);
        }
    }

    /** Fees charged among the account's events 0..sequence: open, deposit, then (position, fee) pairs. */
    private static long feesUpTo(long sequence) {
        return sequence < 3 ? 0 : (sequence - 1) / 2;
    }

    private static int countSnapshots(Ledger ledger) throws SQLException {
        try (Connection connection = ledger.store().dataSource().getConnection();
             ResultSet rows = connection.createStatement().executeQuery(
                     "SELECT COUNT(DISTINCT aggregateidentifier) FROM snapshotevententry")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
