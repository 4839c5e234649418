package dev.ledger.api.history;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A scratch database made from the schema script of the first one has the very schema Flyway made, and a
 * state taken from one scratch restores into another row for row, value for value (decimal scales and nulls
 * too), leaving out the copies read model's history rows.
 */
class ScratchReplayTest {

    @Test
    void everyScratchHasTheSchemaFlywayMigratesTo() throws SQLException {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:flyway-" + UUID.randomUUID() + ";MODE=PostgreSQL;DEFAULT_NULL_ORDERING=HIGH");
        dataSource.setUser("sa");
        List<String> migrated;
        try (Connection keepAlive = dataSource.getConnection()) {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/projections")
                    .table("projection_schema_history").load().migrate();
            // Flyway's own history table aside.
            migrated = layout(keepAlive).stream().filter(c -> !c.contains("projection_schema_history")).toList();
        }
        for (int i = 0; i < 2; i++) {
            try (ScratchReplay scratch = ScratchReplay.create();
                 Connection connection = scratch.transactions().getConnection()) {
                assertThat(layout(connection)).isEqualTo(migrated);
            }
        }
        assertThat(migrated).anyMatch(column -> column.startsWith("RM_BALANCE.WALLET "))
                .anyMatch(column -> column.startsWith("RM_COPY_OUTCOME.SEQ "));
    }

    @Test
    void aStateRestoresIntoAnotherScratchExactly() throws SQLException {
        byte[] state;
        List<String> rows;
        try (ScratchReplay source = ScratchReplay.create();
             Connection connection = source.transactions().getConnection()) {
            execute(connection, "INSERT INTO rm_balance (account, asset, wallet, in_transit) VALUES ('ann:FUTURES', 'USDT', 12.50000000, 0)");
            execute(connection, "INSERT INTO rm_balance (account, asset, wallet, in_transit) VALUES ('ann:FUTURES', 'BTC', -0.00000001, 3)");
            execute(connection, "INSERT INTO rm_mark_price (symbol, price) VALUES ('BTCUSDT', 123456789012345678901234567890.12345678)");
            execute(connection, "INSERT INTO rm_account (account, user_name, account_type, status, opened_at)"
                    + " VALUES ('ann:FUTURES', 'ann', 'FUTURES', 'ACTIVE', '2026-01-01T00:00:00Z')");
            execute(connection, "INSERT INTO rm_copy_outcome (copier, seq, lead_trade, leader, symbol, lead_quantity, quantity, outcome, reason)"
                    + " VALUES ('ann', 7, 't1', 'bob', 'BTCUSDT', 1, 0.5, 'COPIED', NULL)");
            rows = rows(connection);
            state = source.state();
        }
        try (ScratchReplay target = ScratchReplay.create();
             Connection connection = target.transactions().getConnection()) {
            target.restore(state);
            assertThat(rows(connection)).isEqualTo(rows);
            assertThat(count(connection, "rm_copy_outcome")).as("copy outcomes are history, not state").isZero();
            BigDecimal wallet = decimal(connection, "SELECT wallet FROM rm_balance WHERE asset = 'USDT'");
            assertThat(wallet).isEqualTo(new BigDecimal("12.50000000"));
            // The same rows again collide: two streams never write the same row.
            assertThatThrownBy(() -> target.restore(state)).hasMessageContaining("cannot restore");
        }
    }

    private static List<String> layout(Connection connection) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE,"
                     + " c.NUMERIC_PRECISION, c.NUMERIC_SCALE, c.IS_NULLABLE FROM INFORMATION_SCHEMA.COLUMNS c"
                     + " WHERE c.TABLE_SCHEMA = 'PUBLIC' ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION");
             ResultSet row = select.executeQuery()) {
            while (row.next()) {
                columns.add(row.getString(1) + "." + row.getString(2) + " " + row.getString(3) + "(" + row.getObject(4)
                        + "," + row.getObject(5) + ") " + row.getString(6));
            }
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT TABLE_NAME, INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES"
                     + " WHERE TABLE_SCHEMA = 'PUBLIC' ORDER BY TABLE_NAME, INDEX_NAME");
             ResultSet row = select.executeQuery()) {
            while (row.next()) {
                columns.add("index " + row.getString(1) + "." + (row.getString(2).startsWith("PRIMARY_KEY") ? "PRIMARY_KEY" : row.getString(2)));
            }
        }
        return columns;
    }

    private static List<String> rows(Connection connection) throws SQLException {
        List<String> rows = new ArrayList<>();
        for (String table : ScratchState.TABLES) {
            try (PreparedStatement select = connection.prepareStatement("SELECT * FROM " + table + " ORDER BY 1, 2");
                 ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    StringBuilder line = new StringBuilder(table);
                    for (int c = 1; c <= row.getMetaData().getColumnCount(); c++) {
                        line.append(' ').append(row.getObject(c));
                    }
                    rows.add(line.toString());
                }
            }
        }
        assertThat(rows).hasSize(4);
        return rows;
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.executeUpdate();
        }
    }

    private static long count(Connection connection, String table) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM " + table);
             ResultSet row = select.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private static BigDecimal decimal(Connection connection, String sql) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql);
             ResultSet row = select.executeQuery()) {
            row.next();
            return row.getBigDecimal(1);
        }
    }
}
