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
    // cannot read back into the records (unknown fields, numbers as floats), this fails.
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

    private RawEvents() {
    }

    public static List<Row> read(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT globalindex, aggregateidentifier, sequencenumber, payloadtype, payload"
                             + " FROM domainevententry ORDER BY globalindex");
             ResultSet rows = query.executeQuery()) {
            List<Row> events = new ArrayList<>();
            while (rows.next()) {
                String payloadType = rows.getString("payloadtype");
                events.add(new Row(rows.getLong("globalindex"), rows.getString("aggregateidentifier"),
                        rows.getLong("sequencenumber"), payloadType, decode(payloadType, rows.getBytes("payload"))));
            }
            return events;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read domainevententry", e);
        }
    }

    /** One stored event of any aggregate: an account's ({@link AccountEvent}) or the market's ({@link MarketEvent}). */
    public record AnyRow(long globalIndex, String aggregate, long sequence, String payloadType, Object event) {
    }

    /** Every stored event, the market's included, in global order. */
    public static List<AnyRow> readAll(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT globalindex, aggregateidentifier, sequencenumber, payloadtype, payload"
                             + " FROM domainevententry ORDER BY globalindex");
             ResultSet rows = query.executeQuery()) {
            List<AnyRow> events = new ArrayList<>();
            while (rows.next()) {
                String payloadType = rows.getString("payloadtype");
                events.add(new AnyRow(rows.getLong("globalindex"), rows.getString("aggregateidentifier"),
                        rows.getLong("sequencenumber"), payloadType, decodeAny(payloadType, rows.getBytes("payload"))));
            }
            return events;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read domainevententry", e);
        }
    }

    /** The stored account events in global order, skipping the market's events (symbols, marks, phase). */
    public static List<Row> accountEvents(DataSource dataSource) {
        List<Row> events = new ArrayList<>();
        for (AnyRow row : readAll(dataSource)) {
            if (row.event() instanceof AccountEvent event) {
                events.add(new Row(row.globalIndex(), row.aggregate(), row.sequence(), row.payloadType(), event));
            }
        }
        return events;
    }

    /** The stored events of one type, in global order. */
    public static <T> List<T> ofType(DataSource dataSource, Class<T> type) {
        return readAll(dataSource).stream().map(AnyRow::event).filter(type::isInstance).map(type::cast).toList();
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

    private static Object decodeAny(String payloadType, byte[] payload) {
        Class<?> type = payloadClass(payloadType);
        if (!AccountEvent.class.isAssignableFrom(type) && !MarketEvent.class.isAssignableFrom(type)) {
            throw new AssertionError("stored payload type " + payloadType + " is neither an AccountEvent nor a MarketEvent");
        }
        try {
            return JSON.readValue(payload, type);
        } catch (IOException e) {
            throw new AssertionError("cannot read the stored " + payloadType + " payload "
                    + new String(payload, java.nio.charset.StandardCharsets.UTF_8), e);
        }
    }

    private static Class<?> payloadClass(String payloadType) {
        try {
            return Class.forName(payloadType);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("stored payload type " + payloadType + " is not a class of the ledger", e);
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
