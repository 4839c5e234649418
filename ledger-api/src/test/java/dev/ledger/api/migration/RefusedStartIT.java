package dev.ledger.api.migration;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.StoreKind;
import dev.ledger.domain.command.CommandFingerprint;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.StartMigration;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.projections.balance.AssetBalance;
import dev.ledger.projections.migration.MigrationState;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A refused migration start does not block its user for good. The command line and the waves derive the
 * start's id from the user ({@code migrate-start:USER}); when the first refusal was recorded against that id,
 * every later start of the user came back as a duplicate of it, even once the cause was gone, and a wave kept
 * picking the user (still NOT_STARTED) without ever starting it. A refused {@link StartMigration} is now not
 * recorded: the same start is decided again. An accepted one is recorded as before and stays a duplicate, and
 * refusals of every other command stay final.
 */
class RefusedStartIT {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    @OnEveryStore
    void aRefusedStartStartsTheUserOnceTheLegacyAccountExistsAndAnAcceptedOneStaysADuplicate(StoreKind store) {
        Ledger ledger = ledgers.open(store);
        StartMigration start = new StartMigration("migrate-start:zed", "zed");

        Outcome refused = ledger.execute(start);
        assertThat(refused).isInstanceOfSatisfying(Outcome.Rejected.class,
                r -> assertThat(r.code()).isEqualTo(RejectionCode.ACCOUNT_NOT_FOUND));
        assertThat(ledger.execute(start)).as("sent again, decided again").isEqualTo(refused);
        assertThat(records(ledger, start.id())).as("a refused start is not recorded").isEmpty();

        // The legacy account arrives (imported late); the same start now starts, and completes at once.
        accepted(ledger, new OpenAccount("open-zed", "zed:LEGACY"));
        accepted(ledger, new Deposit("dep-zed", "zed:LEGACY", "USDT", new BigDecimal("100")));
        assertThat(ledger.execute(start)).isEqualTo(new Outcome.Accepted(start.id()));
        assertThat(ledger.migration("zed").state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(ledger.execute(start)).isEqualTo(new Outcome.Duplicate(start.id(), new Outcome.Accepted(start.id())));
        assertThat(records(ledger, start.id())).containsExactly("ACCEPTED");
        assertThat(wallet(ledger, "zed:FUTURES")).as("migrated once").isEqualByComparingTo("100");

        // Through a wave: yan is refused first, then picked up by the wave once its legacy account exists.
        assertThat(ledger.execute(new StartMigration("migrate-start:yan", "yan")).decisive())
                .isInstanceOf(Outcome.Rejected.class);
        accepted(ledger, new OpenAccount("open-yan", "yan:LEGACY"));
        assertThat(ledger.startMigrationWave(10)).containsExactly(new Outcome.Accepted("migrate-start:yan"));
        assertThat(ledger.migration("yan").state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(ledger.startMigrationWave(10)).as("nobody left to start").isEmpty();
    }

    @OnEveryStore
    void aRefusalRecordedByAnEarlierVersionNoLongerBlocksTheStartAndOtherRefusalsStayFinal(StoreKind store) throws Exception {
        Ledger ledger = ledgers.open(store);
        // What a ledger before this change recorded for a start refused while amy had no legacy account.
        StartMigration start = new StartMigration("migrate-start:amy", "amy");
        insertRefusal(ledger.store().dataSource(), start.id(), "StartMigration", CommandFingerprint.of(start),
                RejectionCode.ACCOUNT_NOT_FOUND);
        accepted(ledger, new OpenAccount("open-amy", "amy:LEGACY"));

        assertThat(ledger.startMigrationWave(1)).as("the wave starts amy instead of repeating the old refusal")
                .containsExactly(new Outcome.Accepted(start.id()));
        assertThat(ledger.execute(start)).isEqualTo(new Outcome.Duplicate(start.id(), new Outcome.Accepted(start.id())));
        assertThat(records(ledger, start.id())).as("the old refusal replaced by the acceptance").containsExactly("ACCEPTED");
        assertThat(ledger.migration("amy").state()).isEqualTo(MigrationState.COMPLETED);

        // An id whose recorded refusal belongs to another command type is still a conflict.
        insertRefusal(ledger.store().dataSource(), "migrate-start:bea", "Withdraw", "0".repeat(64),
                RejectionCode.INSUFFICIENT_FUNDS);
        accepted(ledger, new OpenAccount("open-bea", "bea:LEGACY"));
        assertThat(ledger.execute(new StartMigration("migrate-start:bea", "bea"))).isInstanceOfSatisfying(
                Outcome.Rejected.class, r -> assertThat(r.code()).isEqualTo(RejectionCode.IDEMPOTENCY_CONFLICT));

        // Other commands' refusals are final, as before: sent again, the first refusal comes back.
        accepted(ledger, new OpenAccount("open-cid", "cid:FUTURES"));
        Withdraw withdraw = new Withdraw("wd-cid", "cid:FUTURES", "USDT", new BigDecimal("5"));
        Outcome first = ledger.execute(withdraw);
        assertThat(first).isInstanceOf(Outcome.Rejected.class);
        accepted(ledger, new Deposit("dep-cid", "cid:FUTURES", "USDT", new BigDecimal("10")));
        assertThat(ledger.execute(withdraw)).isEqualTo(new Outcome.Duplicate(withdraw.id(), first));
        assertThat(wallet(ledger, "cid:FUTURES")).isEqualByComparingTo("10");
    }

    private static void accepted(Ledger ledger, dev.ledger.domain.command.LedgerCommand command) {
        assertThat(ledger.execute(command)).as(command.id()).isEqualTo(new Outcome.Accepted(command.id()));
    }

    private static BigDecimal wallet(Ledger ledger, String account) {
        return ledger.balance(account).orElseThrow().balances().stream().filter(b -> b.asset().equals("USDT"))
                .map(AssetBalance::wallet).findFirst().orElseThrow();
    }

    /** The outcomes the command log holds for {@code id} (at most one; a list to show none). */
    private static List<String> records(Ledger ledger, String id) {
        List<String> outcomes = new ArrayList<>();
        try (Connection connection = ledger.store().dataSource().getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT outcome FROM ledger_command_log WHERE command_id = ?")) {
            query.setString(1, id);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    outcomes.add(rows.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return outcomes;
    }

    private static void insertRefusal(DataSource dataSource, String id, String type, String fingerprint,
                                      RejectionCode code) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO ledger_command_log"
                     + " (command_id, command_type, fingerprint, outcome, message, recorded_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, id);
            insert.setString(2, type);
            insert.setString(3, fingerprint);
            insert.setString(4, code.name());
            insert.setString(5, "refused before");
            insert.setLong(6, System.currentTimeMillis());
            insert.executeUpdate();
        }
    }
}
