package dev.ledger.projections.support;

import org.axonframework.common.jdbc.ConnectionProvider;

import java.util.Objects;

/**
 * Where a projection instance writes: the live tables (guarded by the projection's generation, see
 * {@link ProjectionGeneration}), or their {@code _rebuild} shadow twins that a rebuild fills.
 */
public final class ReadModelTables {

    private final ConnectionProvider connections;
    private final String suffix;
    private final boolean guarded;

    private ReadModelTables(ConnectionProvider connections, String suffix, boolean guarded) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.suffix = suffix;
        this.guarded = guarded;
    }

    /** The tables that serve queries. */
    public static ReadModelTables live(ConnectionProvider connections) {
        return new ReadModelTables(connections, "", true);
    }

    /** The shadow tables a rebuild fills (nothing reads them but the rebuild). */
    public static ReadModelTables shadow(ConnectionProvider connections) {
        return new ReadModelTables(connections, "_rebuild", false);
    }

    /** Tables of a scratch database that only one reader uses (point-in-time answers). */
    public static ReadModelTables scratch(ConnectionProvider connections) {
        return new ReadModelTables(connections, "", false);
    }

    public ConnectionProvider connections() {
        return connections;
    }

    public String name(String table) {
        return table + suffix;
    }

    /** A batched table of this set, guarded by {@code projection}'s generation where live. */
    public BufferedTable table(String projection, String table, java.util.List<String> keyColumns,
                               java.util.List<String> valueColumns) {
        return new BufferedTable(connections, name(table), keyColumns, valueColumns,
                guarded ? ProjectionGeneration.of(connections, projection) : null);
    }
}
