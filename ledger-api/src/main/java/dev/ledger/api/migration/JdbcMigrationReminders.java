package dev.ledger.api.migration;

import dev.ledger.api.store.JdbcTransactions;
import dev.ledger.api.store.StoreException;
import dev.ledger.domain.migration.MigrationReminders;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Migration reminders in the ledger's database, written on the connection of the current transaction,
 * so a reminder is scheduled or cancelled exactly when the saga step that does it commits.
 */
public final class JdbcMigrationReminders implements MigrationReminders {

    /** A reminder that is due. */
    public record DueReminder(String user, Instant dueAt) {
    }

    private final JdbcTransactions transactions;

    public JdbcMigrationReminders(JdbcTransactions transactions) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    @Override
    public void schedule(String user, Instant dueAt) {
        try (Connection connection = transactions.getConnection()) {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM ledger_migration_reminder WHERE user_name = ?")) {
                delete.setString(1, user);
                delete.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO ledger_migration_reminder (user_name, due_at) VALUES (?, ?)")) {
                insert.setString(1, user);
                insert.setLong(2, dueAt.toEpochMilli());
                insert.executeUpdate();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot schedule the migration reminder of " + user, e);
        }
    }

    @Override
    public void cancel(String user) {
        try (Connection connection = transactions.getConnection();
             PreparedStatement delete = connection.prepareStatement(
                     "DELETE FROM ledger_migration_reminder WHERE user_name = ?")) {
            delete.setString(1, user);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot cancel the migration reminder of " + user, e);
        }
    }

    /** Reminders due at {@code now}, oldest first, at most {@code limit}. */
    public List<DueReminder> due(Instant now, int limit) {
        try (Connection connection = transactions.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT user_name, due_at FROM ledger_migration_reminder WHERE due_at <= ? ORDER BY due_at, user_name")) {
            query.setLong(1, now.toEpochMilli());
            query.setMaxRows(limit);
            try (ResultSet rows = query.executeQuery()) {
                List<DueReminder> due = new ArrayList<>();
                while (rows.next()) {
                    due.add(new DueReminder(rows.getString(1), Instant.ofEpochMilli(rows.getLong(2))));
                }
                return due;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read due migration reminders", e);
        }
    }
}
