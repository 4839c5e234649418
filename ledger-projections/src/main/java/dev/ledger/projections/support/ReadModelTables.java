package dev.ledger.projections.support;

import org.axonframework.common.jdbc.ConnectionProvider;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Where a projection instance writes: the live tables, their {@code _rebuild} shadow twins that a rebuild
 * fills, or the tables of a scratch database. Whoever applies events to live tables holds the read
 * model's row lock in {@code rm_projection_state} for that transaction, so a batch and a rebuild's switch
 * never interleave.
 *
 * <p>Shadow and scratch tables start empty and have one writer, the replay that fills them: they keep the
 * rows they wrote in memory (within a {@link RetainedRows} budget) instead of reading them back. When such
 * a replay's transaction rolls back after its rows were written, the replay calls
 * {@link #forgetRetainedRows()}.
 */
public final class ReadModelTables {

    private final ConnectionProvider connections;
    private final String suffix;
    private final RetainedRows retained;
    private final List<BufferedTable> tables = new ArrayList<>();

    private ReadModelTables(ConnectionProvider connections, String suffix, RetainedRows retained) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.suffix = suffix;
        this.retained = retained;
    }

    /** The tables that serve queries; every row is read from them when a batch first needs it. */
    public static ReadModelTables live(ConnectionProvider connections) {
        return new ReadModelTables(connections, "", null);
    }

    /**
     * The shadow tables a rebuild fills (nothing reads or writes them but the rebuild), empty when the
     * rebuild starts, keeping the rows it writes within {@code retained}.
     */
    public static ReadModelTables shadow(ConnectionProvider connections, RetainedRows retained) {
        return new ReadModelTables(connections, "_rebuild", Objects.requireNonNull(retained, "retained"));
    }

    /**
     * Empty tables of a scratch database that only one replay writes (point-in-time answers), keeping the
     * rows it writes within {@code retained}.
     */
    public static ReadModelTables scratch(ConnectionProvider connections, RetainedRows retained) {
        return new ReadModelTables(connections, "", Objects.requireNonNull(retained, "retained"));
    }

    public ConnectionProvider connections() {
        return connections;
    }

    public String name(String table) {
        return table + suffix;
    }

    /** A batched table of this set. */
    public BufferedTable table(String table, List<String> keyColumns, List<String> valueColumns) {
        BufferedTable buffered = new BufferedTable(connections, name(table), keyColumns, valueColumns, retained);
        synchronized (tables) {
            tables.add(buffered);
        }
        return buffered;
    }

    /**
     * Within the current batch (its unit of work), reads at once the rows that the events of {@code streams}
     * (aggregate ids) may touch, in every table of this set that says how ({@link BufferedTable#prefetchedByStream}),
     * instead of one query per row as the events ask for them. Only live tables read: shadow and scratch tables
     * remember their rows.
     */
    public void prefetch(Collection<String> streams) {
        List<BufferedTable> current;
        synchronized (tables) {
            current = List.copyOf(tables);
        }
        current.forEach(table -> table.prefetch(streams));
    }

    /** The tables were emptied, in the transaction that the coming batches join: they start over knowing every row. */
    public void emptied() {
        synchronized (tables) {
            tables.forEach(BufferedTable::emptied);
        }
    }

    /**
     * Drops the rows kept in memory: the transaction that wrote them rolled back, so the tables no longer
     * hold what they remember. From then on the tables read the rows they need.
     */
    public void forgetRetainedRows() {
        synchronized (tables) {
            tables.forEach(BufferedTable::forgetRetainedRows);
        }
    }
}
