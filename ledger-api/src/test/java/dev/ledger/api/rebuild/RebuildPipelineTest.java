package dev.ledger.api.rebuild;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.store.StoreException;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.projections.ProjectionCatalog;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A rebuild reads, decodes and applies pages on three threads at once: across many small pages it ends equal to the
 * live read models, and a page that cannot be decoded, several pages in, fails the rebuild with the read model named,
 * leaves the live rows as they were, and, once the page is readable again, a rerun completes.
 */
class RebuildPipelineTest {

    @Test
    void rebuildsAcrossManySmallPagesAndAPageThatCannotBeDecodedFailsItLeavingTheLiveRowsAlone() throws Exception {
        try (Ledger ledger = Ledger.builder().store(StoreSettings.inMemory("pipeline-" + UUID.randomUUID())).build()) {
            List<LedgerCommand> commands = new ArrayList<>();
            for (String user : List.of("ann", "bob", "cid")) {
                commands.add(new OpenAccount(user + "-f", user + ":FUTURES"));
                commands.add(new OpenAccount(user + "-c", user + ":COPY"));
                for (int i = 0; i < 8; i++) {
                    commands.add(new Deposit(user + "-d" + i, user + ":FUTURES", "USDT", new BigDecimal(100 + i)));
                    commands.add(new Transfer(user + "-t" + i, user + ":FUTURES", user + ":COPY", "USDT", new BigDecimal("7.5")));
                    commands.add(new Withdraw(user + "-w" + i, user + ":FUTURES", "USDT", new BigDecimal("0.25")));
                }
            }
            assertThat(ledger.executeAll(commands)).allMatch(o -> o instanceof Outcome.Accepted);
            ledger.balance("ann:FUTURES").orElseThrow();
            long events = count(ledger, "SELECT COUNT(*) FROM domainevententry");

            List<Long> indexes = globalIndexes(ledger);
            assertThat(indexes).hasSize((int) events);

            // Pages of 7 events: dozens of pages, each read, decoded and applied by a different thread. After the
            // first page, more commands arrive: their events lie past the end of the one pass (the head when it
            // began), which must stop exactly there; each switch then replays them up to its live position.
            ProjectionRebuilder rebuilder = new ProjectionRebuilder(ledger.store(), 7);
            List<Long> passProgress = new ArrayList<>();
            List<ProjectionRebuilder.Result> verified = rebuilder.rebuildAll(ProjectionCatalog.names(), true,
                    (projection, done, total, rate) -> {
                        if (projection.endsWith("read models")) {
                            passProgress.add(done);
                            if (passProgress.size() == 1) {
                                for (int i = 0; i < 5; i++) {
                                    assertThat(ledger.execute(new Deposit("late-" + i, "ann:FUTURES", "USDT", BigDecimal.TEN)))
                                            .isInstanceOf(Outcome.Accepted.class);
                                }
                                // A switch replays up to where its live read model is: let every live one take
                                // the late deposits in first, or one that lags stops short of them.
                                ledger.awaitReadModels();
                            }
                        }
                    });
            List<Long> expectedProgress = new ArrayList<>();
            for (int page = 0; page * 7 < indexes.size(); page++) {
                expectedProgress.add(indexes.get(Math.min(indexes.size(), page * 7 + 7) - 1) + 1);
            }
            assertThat(passProgress).as("the one pass, page by page: in order, none skipped or repeated, none past its end")
                    .isEqualTo(expectedProgress);
            long withLateDeposits = count(ledger, "SELECT COUNT(*) FROM domainevententry");
            assertThat(withLateDeposits).isGreaterThan(events);
            assertThat(verified).allSatisfy(result -> {
                assertThat(result.events()).as(result.projection()).isEqualTo(withLateDeposits);
                assertThat(result.differences()).as(result.projection()).isEmpty();
            });
            events = withLateDeposits;
            indexes = globalIndexes(ledger);

            // A deposit late in the history whose payload is no longer JSON.
            long broken = count(ledger, "SELECT MAX(globalindex) FROM domainevententry WHERE payloadtype LIKE '%FundsDeposited'");
            assertThat(broken).as("the broken event lies pages into the history").isGreaterThan(3 * 7);
            byte[] payload = payload(ledger, broken);
            setPayload(ledger, broken, "{\"account\": not json".getBytes(StandardCharsets.UTF_8));
            List<String> liveRows = balanceRows(ledger);

            assertThatThrownBy(() -> rebuilder.rebuild("balance", false, ProjectionRebuilder.Progress.NONE))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("cannot read the events of balance")
                    .cause().hasMessage("decoding the events at global indexes %d to %d failed",
                            pageStart(indexes, broken), pageEnd(indexes, broken));
            assertThat(balanceRows(ledger)).as("live balance rows after the failed rebuild").isEqualTo(liveRows);

            setPayload(ledger, broken, payload);
            ProjectionRebuilder.Result rerun = rebuilder.rebuild("balance", false, ProjectionRebuilder.Progress.NONE);
            assertThat(rerun.switched()).isTrue();
            assertThat(rerun.differences()).isEmpty();
            assertThat(rerun.events()).isEqualTo(events);
            assertThat(balanceRows(ledger)).isEqualTo(liveRows);
        }
    }

    /** The first global index of the page of 7 that holds {@code index}, in a replay from the start. */
    private static long pageStart(List<Long> indexes, long index) {
        return indexes.get(indexes.indexOf(index) / 7 * 7);
    }

    private static long pageEnd(List<Long> indexes, long index) {
        return indexes.get(Math.min(indexes.size(), indexes.indexOf(index) / 7 * 7 + 7) - 1);
    }

    private static long count(Ledger ledger, String sql) throws SQLException {
        try (Connection connection = ledger.store().dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static List<Long> globalIndexes(Ledger ledger) throws SQLException {
        List<Long> indexes = new ArrayList<>();
        try (Connection connection = ledger.store().dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT globalindex FROM domainevententry ORDER BY globalindex")) {
            while (rows.next()) {
                indexes.add(rows.getLong(1));
            }
        }
        return indexes;
    }

    private static byte[] payload(Ledger ledger, long globalIndex) throws SQLException {
        try (Connection connection = ledger.store().dataSource().getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT payload FROM domainevententry WHERE globalindex = ?")) {
            query.setLong(1, globalIndex);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getBytes(1);
            }
        }
    }

    private static void setPayload(Ledger ledger, long globalIndex, byte[] payload) throws SQLException {
        try (Connection connection = ledger.store().dataSource().getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE domainevententry SET payload = ? WHERE globalindex = ?")) {
            update.setBytes(1, payload);
            update.setLong(2, globalIndex);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private static List<String> balanceRows(Ledger ledger) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = ledger.store().dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(
                     "SELECT account, asset, wallet, in_transit FROM rm_balance ORDER BY account, asset")) {
            while (result.next()) {
                rows.add(result.getString(1) + " " + result.getString(2) + " " + result.getBigDecimal(3).toPlainString()
                        + " " + result.getBigDecimal(4).toPlainString());
            }
        }
        return rows;
    }
}
