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
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A read-model table written in batches. During one batch of events a projection reads and changes
 * rows in memory ({@link #row}, {@link #find}); the rows it touched are written with one batched
 * INSERT, UPDATE and DELETE each just before the batch's transaction commits, together with the
 * processor's token. A row is read from the database at most once per batch.
 *
 * <p>A table that keeps rows ({@link ReadModelTables#shadow}, {@link ReadModelTables#scratch}: empty at the
 * start, one writer) also remembers, between batches, the rows it wrote, within its {@link RetainedRows}
 * budget, least recently used first to go. As long as it never let a row go, a row it does not remember does
 * not exist, and it reads nothing at all; once it has, it reads the rows it does not remember.
 */
public final class BufferedTable {

    private final String table;
    private final String[] keyColumns;
    private final String[] valueColumns;
    private final Map<String, Integer> valueIndex = new HashMap<>();
    private final ConnectionProvider connections;
    private final BatchBuffer<Batch> batch;
    private final String selectSql;
    private final String insertSql;
    private final String updateSql;
    private final String deleteSql;
    private final RetainedRows retained;
    /** Rows as last written, when this table keeps rows; access order, eldest first. */
    private final LinkedHashMap<RowKey, Row> kept;
    /** Whether {@link #kept} holds every row of the table (nothing ever let go or forgotten). */
    private boolean keptAll;
    /** The first key of the rows an event stream (an aggregate) may touch, or {@code null}: see {@link #prefetchedByStream}. */
    private Function<String, String> streamKey;
    /** The same, with {@code IN} lists of up to {@link #PREFETCH_CHUNK} values. */
    private static final int PREFETCH_CHUNK = 500;

    public BufferedTable(ConnectionProvider connections, String table, List<String> keyColumns, List<String> valueColumns) {
        this(connections, table, keyColumns, valueColumns, null);
    }

    /**
     * A table that keeps the rows it writes within {@code retained} between batches, or none when it is
     * {@code null}. Only for a table that is empty now and that nothing else writes.
     */
    public BufferedTable(ConnectionProvider connections, String table, List<String> keyColumns, List<String> valueColumns,
                         RetainedRows retained) {
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
        this.retained = retained;
        this.kept = retained == null ? null : new LinkedHashMap<>(1024, 0.75f, true);
        this.keptAll = retained != null;
        this.batch = new BatchBuffer<>(table, Batch::new, this::flush, this::forgetRetainedRows);
    }

    /** The rows of one batch, and the first keys whose rows it read all at once ({@link #prefetch}). */
    private static final class Batch {
        final Map<RowKey, Row> rows = new LinkedHashMap<>();
        final Set<Object> complete = new HashSet<>();
    }

    /**
     * Lets a batch read, in one query, every row that the events of a stream (an aggregate: an account, say) may
     * touch, instead of one query per row: {@code firstKey} gives, for a stream's id, the value of this table's
     * first key column in the rows its events touch ({@code null}: none). For tables whose key columns are all
     * text (the rows read back are matched to the keys the projection asks for by equality). Returns this table.
     */
    public BufferedTable prefetchedByStream(Function<String, String> firstKey) {
        this.streamKey = Objects.requireNonNull(firstKey, "firstKey");
        return this;
    }

    /**
     * Reads, within the current batch, every row whose first key belongs to one of {@code streams}, when this
     * table was told how ({@link #prefetchedByStream}) and reads rows from the database (live tables). Rows the
     * batch already holds are kept as they are. Afterwards, a row of those first keys that was not found does not
     * exist, and asking for it reads nothing.
     */
    void prefetch(Collection<String> streams) {
        if (streamKey == null || kept != null || streams.isEmpty()) {
            return;
        }
        Batch current = batch.current();
        List<String> wanted = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String stream : streams) {
            String first = streamKey.apply(stream);
            if (first != null && !current.complete.contains(first) && seen.add(first)) {
                wanted.add(first);
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        String columns = String.join(", ", keyColumns) + ", " + String.join(", ", valueColumns);
        try (Connection connection = connections.getConnection()) {
            for (int from = 0; from < wanted.size(); from += PREFETCH_CHUNK) {
                List<String> chunk = wanted.subList(from, Math.min(wanted.size(), from + PREFETCH_CHUNK));
                String sql = "SELECT " + columns + " FROM " + table + " WHERE " + keyColumns[0] + " IN ("
                        + String.join(", ", chunk.stream().map(value -> "?").toList()) + ")";
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    for (int i = 0; i < chunk.size(); i++) {
                        statement.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet result = statement.executeQuery()) {
                        while (result.next()) {
                            Object[] key = new Object[keyColumns.length];
                            for (int i = 0; i < key.length; i++) {
                                key[i] = result.getString(i + 1);
                            }
                            current.rows.putIfAbsent(new RowKey(key), stored(key, result, keyColumns.length + 1));
                        }
                    }
                }
                current.complete.addAll(chunk);
            }
        } catch (SQLException e) {
            throw new ReadModelException("cannot read " + table + " for " + wanted.size() + " streams", e);
        }
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
        Batch current = batch.current();
        RowKey id = new RowKey(key);
        Row row = current.rows.get(id);
        if (row == null) {
            row = kept == null ? null : kept.get(id);
            if (row == null) {
                row = keptAll || current.complete.contains(key[0]) ? absent(key) : select(key);
            }
            current.rows.put(id, row);
        }
        return row;
    }

    /** The row with {@code key} as stored, its values in the result's columns from {@code firstValueColumn} on. */
    private Row stored(Object[] key, ResultSet result, int firstValueColumn) throws SQLException {
        Row row = new Row(key, new Object[valueColumns.length]);
        row.stored = true;
        for (int i = 0; i < valueColumns.length; i++) {
            row.values[i] = result.getObject(firstValueColumn + i);
        }
        return row;
    }

    private Row absent(Object[] key) {
        Row row = new Row(key, new Object[valueColumns.length]);
        row.deleted = true;
        return row;
    }

    /** After a batch's rows were written: remember them as they now are in the table. */
    private void keep(Map<RowKey, Row> rows) {
        for (Map.Entry<RowKey, Row> entry : rows.entrySet()) {
            Row row = entry.getValue();
            row.stored = !row.deleted;
            if (kept.containsKey(entry.getKey())) {
                kept.put(entry.getKey(), row);
            } else if (!row.stored && keptAll) {
                // Absent, and known to be absent without remembering it.
            } else if (retained.reserve()) {
                kept.put(entry.getKey(), row);
            } else if (!kept.isEmpty()) {
                Iterator<RowKey> eldest = kept.keySet().iterator();
                eldest.next();
                eldest.remove();
                keptAll = false;
                kept.put(entry.getKey(), row);
            } else {
                keptAll = false;
            }
        }
    }

    /** The table was emptied (in the transaction of the batches to come): nothing to remember, nothing to read. */
    void emptied() {
        if (kept == null) {
            return;
        }
        retained.release(kept.size());
        kept.clear();
        keptAll = true;
    }

    /** Forgets every kept row (their transaction rolled back); from now on rows not kept are read. */
    void forgetRetainedRows() {
        if (kept == null) {
            return;
        }
        retained.release(kept.size());
        kept.clear();
        keptAll = false;
    }

    private Row select(Object[] key) {
        try (Connection connection = connections.getConnection();
             PreparedStatement statement = connection.prepareStatement(selectSql)) {
            for (int i = 0; i < key.length; i++) {
                statement.setObject(i + 1, key[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? stored(key, result, 1) : absent(key);
            }
        } catch (SQLException e) {
            throw new ReadModelException("cannot read " + table + " " + Arrays.toString(key), e);
        }
    }

    private void flush(Batch current) {
        Map<RowKey, Row> rows = current.rows;
        if (rows.isEmpty()) {
            return;
        }
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
            if (kept != null) {
                keep(rows);
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

    /**
     * A row's key in the maps of a batch and of the kept rows: its values compared one by one, as a list's would
     * be, with the hash computed once (a row is looked up and stored several times per event and batch).
     */
    private static final class RowKey {
        private final Object[] values;
        private final int hash;

        RowKey(Object[] values) {
            for (Object value : values) {
                Objects.requireNonNull(value, "a key value is null");
            }
            this.values = values;
            this.hash = Arrays.hashCode(values);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof RowKey key && hash == key.hash && Arrays.equals(values, key.values);
        }

        @Override
        public int hashCode() {
            return hash;
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

        /** Whether the column holds no value (a new row's columns hold none until set). */
        public boolean isNull(String column) {
            return values[index(column)] == null;
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
