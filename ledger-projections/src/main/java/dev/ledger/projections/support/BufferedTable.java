package dev.ledger.projections.support;

import org.axonframework.common.jdbc.ConnectionProvider;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A read-model table written in batches. During one batch of events a projection reads and changes
 * rows in memory ({@link #row}, {@link #find}); the rows it touched are written with one batched
 * INSERT, UPDATE and DELETE each just before the batch's transaction commits, together with the
 * processor's token. A row is read from the database at most once per batch.
 */
public final class BufferedTable {

    private final String table;
    private final String[] keyColumns;
    private final String[] valueColumns;
    private final Map<String, Integer> valueIndex = new HashMap<>();
    private final ConnectionProvider connections;
    private final BatchBuffer<Map<List<Object>, Row>> batch;
    private final String selectSql;
    private final String insertSql;
    private final String updateSql;
    private final String deleteSql;

    public BufferedTable(ConnectionProvider connections, String table, List<String> keyColumns, List<String> valueColumns) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.table = table;
        this.keyColumns = keyColumns.toArray(String[]::new);
        this.valueColumns = valueColumns.toArray(String[]::new);
        for (int i = 0; i < this.valueColumns.length; i++) {
            valueIndex.put(this.valueColumns[i], i);
        }
        String keyMatch = String.join(" AND ", keyColumns.stream().map(c -> c + " = ?").toList());
        this.selectSql = "SELECT " + String.join(", ", valueColumns) + " FROM " + table + " WHERE " + keyMatch;
        List<String> all = new ArrayList<>(valueColumns);
        all.addAll(keyColumns);
        this.insertSql = "INSERT INTO " + table + " (" + String.join(", ", all) + ") VALUES ("
                + String.join(", ", all.stream().map(c -> "?").toList()) + ")";
        this.updateSql = "UPDATE " + table + " SET " + String.join(", ", valueColumns.stream().map(c -> c + " = ?").toList())
                + " WHERE " + keyMatch;
        this.deleteSql = "DELETE FROM " + table + " WHERE " + keyMatch;
        this.batch = new BatchBuffer<>(table, LinkedHashMap::new, this::flush);
    }

    /** The row with this key, created (with all values null) when it does not exist. */
    public Row row(Object... key) {
        Row row = load(key);
        if (row.deleted) {
            row.deleted = false;
            Arrays.fill(row.values, null);
        }
        return row;
    }

    /** The row with this key, or {@code null} when it does not exist. */
    public Row find(Object... key) {
        Row row = load(key);
        return row.deleted ? null : row;
    }

    /** Reads a committed row outside any batch (for queries), or {@code null} when it does not exist. */
    public Row readCommitted(Object... key) {
        Row row = select(key);
        return row.deleted ? null : row;
    }

    private Row load(Object... key) {
        if (key.length != keyColumns.length) {
            throw new IllegalArgumentException(table + " has key " + Arrays.toString(keyColumns));
        }
        Map<List<Object>, Row> rows = batch.current();
        List<Object> id = List.of(key);
        Row row = rows.get(id);
        if (row == null) {
            row = select(key);
            rows.put(id, row);
        }
        return row;
    }

    private Row select(Object[] key) {
        try (Connection connection = connections.getConnection();
             PreparedStatement statement = connection.prepareStatement(selectSql)) {
            for (int i = 0; i < key.length; i++) {
                statement.setObject(i + 1, key[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                Row row = new Row(key, new Object[valueColumns.length]);
                if (result.next()) {
                    row.stored = true;
                    for (int i = 0; i < valueColumns.length; i++) {
                        row.values[i] = result.getObject(i + 1);
                    }
                } else {
                    row.deleted = true;
                }
                return row;
            }
        } catch (SQLException e) {
            throw new ReadModelException("cannot read " + table + " " + Arrays.toString(key), e);
        }
    }

    private void flush(Map<List<Object>, Row> rows) {
        try (Connection connection = connections.getConnection();
             PreparedStatement insert = connection.prepareStatement(insertSql);
             PreparedStatement update = connection.prepareStatement(updateSql);
             PreparedStatement delete = connection.prepareStatement(deleteSql)) {
            int inserts = 0;
            int updates = 0;
            int deletes = 0;
            for (Row row : rows.values()) {
                if (row.deleted) {
                    if (row.stored) {
                        bind(delete, 1, row.key);
                        delete.addBatch();
                        deletes++;
                    }
                } else {
                    PreparedStatement statement = row.stored ? update : insert;
                    bind(statement, 1, row.values);
                    bind(statement, 1 + row.values.length, row.key);
                    statement.addBatch();
                    if (row.stored) {
                        updates++;
                    } else {
                        inserts++;
                    }
                }
            }
            if (deletes > 0) {
                delete.executeBatch();
            }
            if (updates > 0) {
                update.executeBatch();
            }
            if (inserts > 0) {
                insert.executeBatch();
            }
        } catch (SQLException e) {
            throw new ReadModelException("cannot write " + table, e);
        }
    }

    private static void bind(PreparedStatement statement, int first, Object[] values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            statement.setObject(first + i, values[i]);
        }
    }

    /** One row while a batch is applied. Values are JDBC objects: BigDecimal, String, Integer, Long, Boolean. */
    public final class Row {
        private final Object[] key;
        private final Object[] values;
        private boolean stored;
        private boolean deleted;

        private Row(Object[] key, Object[] values) {
            this.key = key;
            this.values = values;
        }

        public Row set(String column, Object value) {
            values[index(column)] = value instanceof Enum<?> constant ? constant.name() : value;
            return this;
        }

        public BigDecimal decimal(String column) {
            Object value = values[index(column)];
            if (value == null) {
                return BigDecimal.ZERO;
            }
            return value instanceof BigDecimal decimal ? decimal : new BigDecimal(value.toString());
        }

        public int integer(String column) {
            Object value = values[index(column)];
            return value == null ? 0 : ((Number) value).intValue();
        }

        public String string(String column) {
            Object value = values[index(column)];
            return value == null ? null : value.toString();
        }

        /** Adds {@code amount} to a numeric column (null counts as zero). */
        public Row add(String column, BigDecimal amount) {
            return set(column, decimal(column).add(amount));
        }

        public void delete() {
            deleted = true;
        }

        private int index(String column) {
            Integer index = valueIndex.get(column);
            if (index == null) {
                throw new IllegalArgumentException(table + " has no column " + column);
            }
            return index;
        }
    }
}
