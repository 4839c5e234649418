package dev.ledger.api.store;

import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.SimpleSerializedObject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalLong;

/**
 * Reads how far an event processor has come from its committed token, without claiming it: what a
 * node that does not run the processor (a command-line query, a rebuild, another node) can know.
 */
public final class TokenPositions {

    private final LedgerStore store;

    public TokenPositions(LedgerStore store) {
        this.store = store;
    }

    /** The global index of the last event the processor committed, -1 before the first, empty if it never ran. */
    public OptionalLong committedPosition(Connection connection, String processor) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT token, tokentype FROM tokenentry WHERE processorname = ? AND segment = 0")) {
            query.setString(1, processor);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return OptionalLong.empty();
                }
                byte[] token = row.getBytes(1);
                if (token == null) {
                    return OptionalLong.of(-1);
                }
                TrackingToken tracking = store.serializer().deserialize(
                        new SimpleSerializedObject<>(token, byte[].class, row.getString(2), null));
                return OptionalLong.of(tracking.position().orElse(-1));
            }
        }
    }

    public OptionalLong committedPosition(String processor) {
        try (Connection connection = store.dataSource().getConnection()) {
            return committedPosition(connection, processor);
        } catch (SQLException e) {
            throw new StoreException("cannot read the token of " + processor, e);
        }
    }
}
