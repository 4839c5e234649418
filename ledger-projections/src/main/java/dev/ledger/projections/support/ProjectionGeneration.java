package dev.ledger.projections.support;

import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Guards a live projection's batch against a rebuild that switched its tables meanwhile. The batch
 * reads the projection's generation when it first touches a table, and before it commits it confirms
 * the generation is unchanged with an UPDATE that also locks the row: a rebuild's switch (which bumps
 * the generation) and a batch's write therefore never interleave, and a batch that read rows from
 * before a switch fails (and is retried by its processor) instead of overwriting rebuilt rows.
 */
public final class ProjectionGeneration {

    private static final Map<String, ProjectionGeneration> BY_KEY = new ConcurrentHashMap<>();

    private final ConnectionProvider connections;
    private final String projection;
    private final String resourceKey;

    private ProjectionGeneration(ConnectionProvider connections, String projection) {
        this.connections = connections;
        this.projection = projection;
        this.resourceKey = ProjectionGeneration.class.getName() + "." + projection + "@" + System.identityHashCode(connections);
    }

    static ProjectionGeneration of(ConnectionProvider connections, String projection) {
        return BY_KEY.computeIfAbsent(projection + "@" + System.identityHashCode(connections),
                k -> new ProjectionGeneration(connections, projection));
    }

    /** Called on a batch's first touch of a table; reads the generation once per batch. */
    void enterBatch() {
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        root.getOrComputeResource(resourceKey, key -> {
            long generation = read();
            root.onPrepareCommit(u -> confirm(generation));
            return generation;
        });
    }

    private long read() {
        try (Connection connection = connections.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT generation FROM rm_projection_state WHERE name = ?")) {
            query.setString(1, projection);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("rm_projection_state has no row for projection " + projection);
                }
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new ReadModelException("cannot read the generation of " + projection, e);
        }
    }

    private void confirm(long generation) {
        try (Connection connection = connections.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE rm_projection_state SET generation = generation WHERE name = ? AND generation = ?")) {
            update.setString(1, projection);
            update.setLong(2, generation);
            if (update.executeUpdate() != 1) {
                throw new ReadModelException("read model " + projection
                        + " was rebuilt while this batch ran; the batch is retried on the rebuilt rows", null);
            }
        } catch (SQLException e) {
            throw new ReadModelException("cannot confirm the generation of " + projection, e);
        }
    }
}
