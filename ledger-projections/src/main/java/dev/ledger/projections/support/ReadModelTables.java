package dev.ledger.projections.support;

import org.axonframework.common.jdbc.ConnectionProvider;

import java.util.Objects;

/**
 * Where a projection instance writes: the live tables, their {@code _rebuild} shadow twins that a rebuild
 * fills, or the tables of a scratch database. Whoever applies events to live tables holds the read
 * model's row lock in {@code rm_projection_state} for that transaction, so a batch and a rebuild's switch
 * never interleave.
 */
public final class ReadModelTables {

    private final ConnectionProvider connections;
    private final String suffix;

    private ReadModelTables(ConnectionProvider connections, String suffix) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.suffix = suffix;
    }

    /** The tables that serve queries. */
    public static ReadModelTables live(ConnectionProvider connections) {
        return new ReadModelTables(connections, "");
    }

    /** The shadow tables a rebuild fills (nothing reads them but the rebuild). */
    public static ReadModelTables shadow(ConnectionProvider connections) {
        return new ReadModelTables(connections, "_rebuild");
    }

    /** Tables of a scratch database that only one reader uses (point-in-time answers). */
    public static ReadModelTables scratch(ConnectionProvider connections) {
        return new ReadModelTables(connections, "");
    }

    public ConnectionProvider connections() {
        return connections;
    }

    public String name(String table) {
        return table + suffix;
    }

    /** A batched table of this set. */
    public BufferedTable table(String table, java.util.List<String> keyColumns, java.util.List<String> valueColumns) {
        return new BufferedTable(connections, name(table), keyColumns, valueColumns);
    }
}
