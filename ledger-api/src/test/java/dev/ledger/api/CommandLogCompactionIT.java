package dev.ledger.api;

import dev.ledger.api.rebuild.ProjectionRebuilder;
import dev.ledger.api.support.MutableClock;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.RawEvents;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.projections.ProjectionCatalog;
import dev.ledger.projections.balance.AssetBalance;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Command-log retention ({@link Ledger#compactCommandLog}): ids recorded before the instant are forgotten,
 * ids recorded at or after it keep their idempotency, events are untouched and the read models still equal a
 * rebuild; an instant inside the minimum retention is refused. Times come from the ledger's clock, which
 * stamps the command-log records.
 */
class CommandLogCompactionIT {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    /** The compaction's instant: records before it go, records at it or after stay. */
    private static final Instant T = T0.plus(Duration.ofDays(1));
    private static final Instant NOW = T0.plus(Duration.ofDays(10));

    @OnEveryStore
    void forgetsTheIdsRecordedBeforeTAndKeepsEveryLaterOneIdempotentWithoutTouchingEvents(StoreKind store) {
        MutableClock clock = new MutableClock(T0);
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(store)).clock(clock));

        accepted(ledger, new OpenAccount("open", "alice:FUTURES"));
        Deposit oldDeposit = deposit("d-old", "100");
        accepted(ledger, oldDeposit);
        Withdraw oldRefusal = new Withdraw("w-old", "alice:FUTURES", "USDT", new BigDecimal("1000000"));
        assertThat(ledger.execute(oldRefusal)).isInstanceOf(Outcome.Rejected.class);

        clock.set(T.minusMillis(1));
        accepted(ledger, deposit("d-just-before", "1"));
        clock.set(T);
        Deposit atT = deposit("d-at-t", "10");
        accepted(ledger, atT);

        clock.set(NOW);
        Deposit newDeposit = deposit("d-new", "20");
        accepted(ledger, newDeposit);
        Withdraw newRefusal = new Withdraw("w-new", "alice:FUTURES", "USDT", new BigDecimal("1000000"));
        Outcome newRefused = ledger.execute(newRefusal);
        assertThat(newRefused).isInstanceOf(Outcome.Rejected.class);

        DataSource data = ledger.store().dataSource();
        List<RawEvents.Row> eventsBefore = RawEvents.read(data);
        assertThat(wallet(ledger)).isEqualByComparingTo("131");

        // Inside the minimum retention: refused, nothing removed.
        Instant tooRecent = NOW.minus(Ledger.MINIMUM_COMMAND_LOG_RETENTION).plusMillis(1);
        assertThatThrownBy(() -> ledger.compactCommandLog(tooRecent))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keeps at least the last 7 days");
        assertThatThrownBy(() -> ledger.compactCommandLog(NOW)).isInstanceOf(IllegalArgumentException.class);
        assertThat(commandLog(data)).hasSize(7);

        assertThat(ledger.compactCommandLog(T)).as("records removed").isEqualTo(4);
        assertThat(commandLog(data).keySet()).containsExactly("d-at-t", "d-new", "w-new");
        assertThat(ledger.compactCommandLog(T)).as("run again").isZero();

        // At or after T: still idempotent, the first outcome comes back, nothing is booked.
        assertThat(ledger.execute(atT)).isEqualTo(new Outcome.Duplicate(atT.id(), new Outcome.Accepted(atT.id())));
        assertThat(ledger.execute(newDeposit)).isEqualTo(new Outcome.Duplicate(newDeposit.id(), new Outcome.Accepted(newDeposit.id())));
        assertThat(ledger.execute(newRefusal)).isEqualTo(new Outcome.Duplicate(newRefusal.id(), newRefused));
        // and their ids with other content are still refused as conflicts.
        assertThat(ledger.execute(deposit("d-at-t", "11"))).isInstanceOfSatisfying(Outcome.Rejected.class,
                rejected -> assertThat(rejected.code()).isEqualTo(RejectionCode.IDEMPOTENCY_CONFLICT));
        assertThat(ledger.execute(new Deposit("w-new", "alice:FUTURES", "USDT", BigDecimal.ONE)))
                .isInstanceOfSatisfying(Outcome.Rejected.class,
                        rejected -> assertThat(rejected.code()).isEqualTo(RejectionCode.IDEMPOTENCY_CONFLICT));
        // Events untouched.
        assertThat(RawEvents.read(data)).isEqualTo(eventsBefore);
        assertThat(wallet(ledger)).isEqualByComparingTo("131");
        // And a rebuild of every read model from them equals the live ones.
        verifyReadModels(ledger);

        // Before T: forgotten. The same deposit sent again is a new command and is booked a second time.
        assertThat(ledger.execute(oldDeposit)).isEqualTo(new Outcome.Accepted(oldDeposit.id()));
        assertThat(wallet(ledger)).isEqualByComparingTo("231");
        assertThat(RawEvents.read(data)).hasSize(eventsBefore.size() + 1);
        assertThat(commandLog(data)).containsKey("d-old");
        // A forgotten id is free for other content too: no conflict, the new command is decided on its own.
        assertThat(ledger.execute(new Withdraw("w-old", "alice:FUTURES", "USDT", BigDecimal.ONE)))
                .isEqualTo(new Outcome.Accepted("w-old"));
        assertThat(wallet(ledger)).isEqualByComparingTo("230");
        verifyReadModels(ledger);
    }

    @OnEveryStore
    void walksALogOfManyChunksAndRemovesExactlyTheOldRecords(StoreKind store) throws SQLException {
        MutableClock clock = new MutableClock(NOW);
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(store)).clock(clock));
        accepted(ledger, new OpenAccount("open", "alice:FUTURES"));
        DataSource data = ledger.store().dataSource();
        // 25,000 records, old and new interleaved in key order (ids spread over the chunk boundaries). Mixed case,
        // punctuation and unpadded numbers: the walk must hold under PostgreSQL's collation as under H2's order.
        String[] prefixes = {"synthetic-", "Synthetic_", "migrate-start:", "A.", "z"};
        int old = 0;
        try (Connection connection = data.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO ledger_command_log"
                     + " (command_id, command_type, fingerprint, outcome, message, recorded_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            connection.setAutoCommit(false);
            for (int i = 0; i < 25_000; i++) {
                boolean isOld = i % 3 != 0;
                old += isOld ? 1 : 0;
                insert.setString(1, prefixes[i % prefixes.length] + i);
                insert.setString(2, "Deposit");
                insert.setString(3, "0".repeat(64));
                insert.setString(4, "ACCEPTED");
                insert.setString(5, null);
                insert.setLong(6, (isOld ? T.minusMillis(1 + i) : T.plusMillis(i)).toEpochMilli());
                insert.addBatch();
            }
            insert.executeBatch();
            connection.commit();
            connection.setAutoCommit(true);
        }

        List<long[]> steps = new ArrayList<>();
        assertThat(ledger.compactCommandLog(T, (walked, removed) -> steps.add(new long[]{walked, removed}))).isEqualTo(old);
        assertThat(steps).as("one step per 10,000 ids, each telling the ids walked and the records removed so far")
                .extracting(step -> step[0]).containsExactly(10_000L, 20_000L, 25_001L);
        assertThat(steps.get(steps.size() - 1)[1]).isEqualTo(old);
        assertThat(steps).extracting(step -> step[1]).isSorted();
        Map<String, Long> left = commandLog(data);
        assertThat(left).hasSize(25_000 - old + 1).containsKey("open");
        assertThat(left.values()).allSatisfy(recordedAt -> assertThat(recordedAt).isGreaterThanOrEqualTo(T.toEpochMilli()));
    }

    private static Deposit deposit(String id, String amount) {
        return new Deposit(id, "alice:FUTURES", "USDT", new BigDecimal(amount));
    }

    private static void accepted(Ledger ledger, LedgerCommand command) {
        assertThat(ledger.execute(command)).as(command.id()).isEqualTo(new Outcome.Accepted(command.id()));
    }

    private static BigDecimal wallet(Ledger ledger) {
        return ledger.balance("alice:FUTURES").orElseThrow().balances().stream().filter(b -> b.asset().equals("USDT"))
                .map(AssetBalance::wallet).findFirst().orElseThrow();
    }

    private static void verifyReadModels(Ledger ledger) {
        ledger.awaitReadModels();
        for (ProjectionRebuilder.Result result : new ProjectionRebuilder(ledger.store())
                .rebuildAll(ProjectionCatalog.names(), true, ProjectionRebuilder.Progress.NONE)) {
            assertThat(result.differences()).as("verify %s", result.projection()).isEmpty();
        }
    }

    /** Every record's id and time, in id order. */
    private static Map<String, Long> commandLog(DataSource data) {
        Map<String, Long> records = new TreeMap<>();
        try (Connection connection = data.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT command_id, recorded_at FROM ledger_command_log");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                records.put(rows.getString(1), rows.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return records;
    }
}
