package dev.ledger.api.history;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.rebuild.ProjectionRebuilder;
import dev.ledger.api.support.MutableClock;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.projections.ProjectionCatalog;
import org.junit.jupiter.api.extension.RegisterExtension;

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

import static dev.ledger.api.support.Commands.deposit;
import static dev.ledger.api.support.Commands.open;
import static dev.ledger.api.support.Commands.transfer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * History checkpoints are built by the writer's background thread as intervals complete, without any query;
 * they sit where the interval says; one of another format, or a damaged one, is never used; a rebuild's switch
 * deletes them all, and the next answer builds them again. Every answer stays the one of a full replay.
 */
class HistoryCheckpointsIT {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    private static final int INTERVAL = 20;
    private static final String ANN = "ann:FUTURES";
    private static final String ANN_COPY = "ann:COPY";

    @OnEveryStore
    void theWriterHasThemBuiltInTheBackgroundAndAnswersUseThem(StoreKind store) throws Exception {
        Filled filled = filled(store, 60);
        Ledger ledger = filled.ledger();
        Map<Instant, String> wallets = filled.wallets();
        // A checkpoint after every 20th event of each account, built without a single query.
        List<Long> expected = checkpointPlaces(ledger, ANN);
        assertThat(expected).hasSizeGreaterThanOrEqualTo(3);
        awaitCheckpoints(ledger, ANN, expected);
        awaitCheckpoints(ledger, ANN_COPY, checkpointPlaces(ledger, ANN_COPY));
        assertAnswers(ledger, wallets);
    }

    @OnEveryStore
    void aCheckpointOfAnotherFormatIsIgnoredAndReplaced(StoreKind store) throws Exception {
        Filled filled = filled(store, 30);
        Ledger ledger = filled.ledger();
        Map<Instant, String> wallets = filled.wallets();
        awaitCheckpoints(ledger, ANN, checkpointPlaces(ledger, ANN));
        awaitCheckpoints(ledger, ANN_COPY, checkpointPlaces(ledger, ANN_COPY));
        try (Connection connection = ledger.store().dataSource().getConnection();
             PreparedStatement damage = connection.prepareStatement(
                     "UPDATE history_checkpoint SET format = format + 1, state = ? WHERE stream_id = ?")) {
            damage.setBytes(1, new byte[]{1, 2, 3});
            damage.setString(2, ANN);
            assertThat(damage.executeUpdate()).isPositive();
        }
        assertAnswers(ledger, wallets);
        assertThat(formatsOf(ledger, ANN)).as("replaced by checkpoints of the running code's format")
                .isEqualTo(formatsOf(ledger, ANN_COPY));
    }

    @OnEveryStore
    void aRebuildDeletesThemAndTheNextAnswerBuildsThemAgain(StoreKind store) throws Exception {
        Filled filled = filled(store, 45);
        Ledger ledger = filled.ledger();
        Map<Instant, String> wallets = filled.wallets();
        List<Long> expected = checkpointPlaces(ledger, ANN);
        awaitCheckpoints(ledger, ANN, expected);
        ledger.awaitReadModels();
        new ProjectionRebuilder(ledger.store()).rebuildAll(ProjectionCatalog.names(), false, ProjectionRebuilder.Progress.NONE);
        assertThat(sequencesOf(ledger, ANN)).as("after the rebuild").isEmpty();
        assertAnswers(ledger, wallets);
        assertThat(sequencesOf(ledger, ANN)).as("built again by the first answer").isEqualTo(expected);
    }

    /** A ledger and ann's FUTURES wallet after each of its transfers, by the transfer's time. */
    private record Filled(Ledger ledger, Map<Instant, String> wallets) {
    }

    /**
     * A ledger with a checkpoint every INTERVAL events, in which ann's two accounts are opened and 1 USDT moves
     * between them {@code transfers} times, a second apart.
     */
    private static Filled filled(StoreKind store, int transfers) {
        MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(store)).clock(clock)
                .historyCheckpointInterval(INTERVAL));
        List<LedgerCommand> setUp = List.of(open(ANN), open(ANN_COPY), deposit(ANN, "USDT", "1000"));
        for (LedgerCommand command : setUp) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(ledger.execute(command)).isInstanceOf(Outcome.Accepted.class);
        }
        Map<Instant, String> wallets = new TreeMap<>();
        List<LedgerCommand> moves = new ArrayList<>();
        for (int i = 0; i < transfers; i++) {
            moves.add(i % 3 == 2 ? transfer(ANN_COPY, ANN, "USDT", "1") : transfer(ANN, ANN_COPY, "USDT", "1"));
        }
        for (LedgerCommand move : moves) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(ledger.execute(move)).isInstanceOf(Outcome.Accepted.class);
            wallets.put(clock.instant(), wallet(ledger.balance(ANN).orElseThrow()));
        }
        return new Filled(ledger, wallets);
    }

    private static void assertAnswers(Ledger ledger, Map<Instant, String> wallets) {
        // Instants beyond what nanoseconds since the epoch hold in a long (before 1677, after 2262) work too.
        String last = new ArrayList<>(wallets.values()).get(wallets.size() - 1);
        for (Instant farFuture : List.of(Instant.parse("2999-01-01T00:00:00Z"), Instant.MAX)) {
            assertThat(wallet(ledger.balanceAt(ANN, farFuture).orElseThrow())).as("%s at %s", ANN, farFuture).isEqualTo(last);
        }
        for (Instant farPast : List.of(Instant.parse("1000-01-01T00:00:00Z"), Instant.MIN)) {
            assertThat(ledger.balanceAt(ANN, farPast)).as("%s at %s", ANN, farPast).isEmpty();
        }
        wallets.forEach((at, wallet) -> {
            assertThat(wallet(ledger.balanceAt(ANN, at).orElseThrow())).as("%s at %s", ANN, at).isEqualTo(wallet);
            assertThat(wallet(ledger.balanceAt(ANN, at.plusMillis(500)).orElseThrow())).as("%s just after %s", ANN, at)
                    .isEqualTo(wallet);
        });
    }

    private static String wallet(dev.ledger.projections.balance.BalanceView view) {
        return view.balances().stream().filter(a -> a.asset().equals("USDT")).findFirst().orElseThrow()
                .wallet().toPlainString();
    }

    private static void awaitCheckpoints(Ledger ledger, String stream, List<Long> sequences) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!sequencesOf(ledger, stream).containsAll(sequences) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(sequencesOf(ledger, stream)).as("checkpoints of %s", stream).containsExactlyElementsOf(sequences);
    }

    /** Where the stream's checkpoints belong: after every INTERVAL-th of its stored events. */
    private static List<Long> checkpointPlaces(Ledger ledger, String stream) {
        long last = column(ledger, "SELECT MAX(sequencenumber) FROM domainevententry WHERE aggregateidentifier = ?", stream).get(0);
        List<Long> places = new ArrayList<>();
        for (long sequence = INTERVAL - 1; sequence <= last; sequence += INTERVAL) {
            places.add(sequence);
        }
        return places;
    }

    private static List<Long> sequencesOf(Ledger ledger, String stream) {
        return column(ledger, "SELECT sequence_number FROM history_checkpoint WHERE stream_id = ? ORDER BY sequence_number", stream);
    }

    private static List<Long> formatsOf(Ledger ledger, String stream) {
        return column(ledger, "SELECT DISTINCT format FROM history_checkpoint WHERE stream_id = ?", stream);
    }

    private static List<Long> column(Ledger ledger, String sql, String stream) {
        try (Connection connection = ledger.store().dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, stream);
            List<Long> values = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    values.add(row.getLong(1));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
