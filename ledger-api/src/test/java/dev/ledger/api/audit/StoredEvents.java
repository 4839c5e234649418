package dev.ledger.api.audit;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Direct SQL over the event table: what an export should hold, computed without the exporter. */
final class StoredEvents {

    record Row(long position, String aggregate, Instant timestamp) {
    }

    private StoredEvents() {
    }

    /** Global positions of the rows matching {@code where} (SQL, may be empty), in order. */
    static List<Long> positions(DataSource dataSource, String where, Object... parameters) {
        return rows(dataSource, where, parameters).stream().map(Row::position).toList();
    }

    static List<Row> rows(DataSource dataSource, String where, Object... parameters) {
        String sql = "SELECT globalindex, aggregateidentifier, timestamp FROM domainevententry"
                + (where.isEmpty() ? "" : " WHERE " + where) + " ORDER BY globalindex";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setObject(i + 1, parameters[i]);
            }
            List<Row> rows = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(new Row(result.getLong(1), result.getString(2), Instant.parse(result.getString(3))));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(DataSource dataSource, String where, Object... parameters) {
        String sql = "SELECT COUNT(*) FROM domainevententry" + (where.isEmpty() ? "" : " WHERE " + where);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setObject(i + 1, parameters[i]);
            }
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
