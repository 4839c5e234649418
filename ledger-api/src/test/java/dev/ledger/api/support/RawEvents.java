package dev.ledger.api.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ledger.domain.event.AccountEvent;
import dev.ledger.domain.event.MarketEvent;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The events exactly as stored: rows of {@code domainevententry} read with plain JDBC and their JSON
 * payloads turned into the event records by a plain Jackson mapper, independently of the ledger's
 * serializer, event store and projections.
 */
public final class RawEvents {

    /** One stored event. */
    public record Row(long globalIndex, String aggregate, long sequence, String payloadType, AccountEvent event) {
    }

    // Deliberately not the ledger's JsonSerialization: if the ledger wrote something a plain reader
    // cannot read back into the records (unknown fields, numbers as floats), this fails. The plain reader
    // knows ISO-8601 instants (Jackson's standard java.time module), which the migration events carry.
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

    private RawEvents() {
    }

    public static List<Row> read(DataSource dataSource) {
        return read(dataSource, false);
    }

    private static List<Row> read(DataSource dataSource, boolean skipMarketEvents) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT globalindex, aggregateidentifier, sequencenumber, payloadtype, payload"
                             + " FROM domainevententry ORDER BY globalindex");
             ResultSet rows = query.executeQuery()) {
            List<Row> events = new ArrayList<>();
            while (rows.next()) {
                String payloadType = rows.getString("payloadtype");
                if (skipMarketEvents && isMarketEvent(payloadType)) {
                    continue;
                }
                events.add(new Row(rows.getLong("globalindex"), rows.getString("aggregateidentifier"),
                        rows.getLong("sequencenumber"), payloadType, decode(payloadType, rows.getBytes("payload"))));
            }
            return events;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read domainevententry", e);
        }
    }

    /**
     * The account events exactly as stored, leaving out the market's events (listings, marks, phases),
     * which belong to no account.
     */
    public static List<Row> accountEvents(DataSource dataSource) {
        return read(dataSource, true);
    }

    public static long count(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT COUNT(*) FROM domainevententry");
             ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count domainevententry", e);
        }
    }

    private static boolean isMarketEvent(String payloadType) {
        try {
            return MarketEvent.class.isAssignableFrom(Class.forName(payloadType));
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static AccountEvent decode(String payloadType, byte[] payload) {
        Class<?> type;
        try {
            type = Class.forName(payloadType);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("stored payload type " + payloadType + " is not a class of the ledger", e);
        }
        if (!AccountEvent.class.isAssignableFrom(type)) {
            throw new AssertionError("stored payload type " + payloadType + " is not an AccountEvent");
        }
        try {
            return (AccountEvent) JSON.readValue(payload, type);
        } catch (IOException e) {
            throw new AssertionError("cannot read the stored " + payloadType + " payload "
                    + new String(payload, java.nio.charset.StandardCharsets.UTF_8), e);
        }
    }
}
