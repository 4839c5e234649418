package dev.ledger.api.audit;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/**
 * Writes rows into the event table directly, the way Axon's JDBC engine stores them, for tests that need
 * many events fast or rows the ledger would never write (odd timestamps, broken payloads).
 */
final class SyntheticEvents implements AutoCloseable {

    private static final String INSERT = "INSERT INTO domainevententry (aggregateidentifier, sequencenumber, type, "
            + "eventidentifier, metadata, payload, payloadrevision, payloadtype, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String EVENTS = "dev.ledger.domain.event.";

    private final Connection connection;
    private final PreparedStatement insert;
    private int batched;

    SyntheticEvents(Connection connection) throws SQLException {
        this.connection = connection;
        this.insert = connection.prepareStatement(INSERT);
    }

    void add(String aggregate, long sequence, String eventType, String payloadJson, String metadataJson, String timestamp)
            throws SQLException {
        insert.setString(1, aggregate);
        insert.setLong(2, sequence);
        insert.setString(3, "MARKET".equals(aggregate) ? "Market" : "Account");
        insert.setString(4, UUID.randomUUID().toString());
        insert.setBytes(5, metadataJson == null ? null : metadataJson.getBytes(StandardCharsets.UTF_8));
        insert.setBytes(6, payloadJson.getBytes(StandardCharsets.UTF_8));
        insert.setString(7, "1");
        insert.setString(8, EVENTS + eventType);
        insert.setString(9, timestamp);
        insert.addBatch();
        if (++batched == 1000) {
            flush();
        }
    }

    /** A deposit row of {@code account} with sequence {@code sequence}. */
    void deposit(String account, long sequence, String amount, String timestamp) throws SQLException {
        add(account, sequence, "FundsDeposited",
                "{\"account\":\"" + account + "\",\"asset\":\"USDT\",\"amount\":\"" + amount
                        + "\",\"walletAfter\":\"" + amount + "\"}",
                "{\"commandId\":\"c-" + account + "-" + sequence + "\"}", timestamp);
    }

    /**
     * {@code count} realistic rows: per group of five, a deposit, the three legs of a transfer from the
     * user's FUTURES to the user's COPY account, and a mark price; groups cycle over {@code users} users;
     * one millisecond apart from {@code start}.
     */
    void realistic(long count, int users, Instant start) throws SQLException {
        long[] sequences = new long[users * 2];
        long marketSequence = 0;
        for (long i = 0; i < count; i++) {
            int user = (int) ((i / 5) % users);
            String futures = "user" + user + ":FUTURES";
            String copy = "user" + user + ":COPY";
            String timestamp = start.plusMillis(i).toString();
            String commandId = "{\"commandId\":\"cmd-" + (i / 5) + "\"}";
            String fraction = Long.toString(100_000_000 + i % 100_000_000).substring(1);
            String amount = (i % 997) + "." + fraction;
            String transfer = "\"transferId\":\"cmd-" + (i / 5) + "\",\"from\":\"" + futures + "\",\"to\":\"" + copy
                    + "\",\"asset\":\"USDT\",\"amount\":\"" + amount + "\"";
            switch ((int) (i % 5)) {
                case 0 -> add(futures, sequences[user * 2]++, "FundsDeposited", "{\"account\":\"" + futures
                        + "\",\"asset\":\"USDT\",\"amount\":\"" + amount + "\",\"walletAfter\":\"" + amount + "\"}",
                        commandId, timestamp);
                case 1 -> add(futures, sequences[user * 2]++, "TransferSent", "{" + transfer
                        + ",\"walletAfter\":\"0.00000000\",\"inTransitAfter\":\"" + amount + "\"}", commandId, timestamp);
                case 2 -> add(copy, sequences[user * 2 + 1]++, "TransferReceived", "{" + transfer
                        + ",\"walletAfter\":\"" + amount + "\"}", commandId, timestamp);
                case 3 -> add(futures, sequences[user * 2]++, "TransferSettled", "{" + transfer
                        + ",\"inTransitAfter\":\"0.00000000\"}", commandId, timestamp);
                default -> add("MARKET", marketSequence++, "MarkPriceUpdated",
                        "{\"symbol\":\"BTCUSDT\",\"price\":\"" + (50_000 + i % 1000) + ".5\"}", commandId, timestamp);
            }
        }
    }

    void flush() throws SQLException {
        if (batched > 0) {
            insert.executeBatch();
            batched = 0;
            if (!connection.getAutoCommit()) {
                // Many small transactions: one huge one makes H2 keep a huge undo log.
                connection.commit();
            }
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            flush();
        } finally {
            insert.close();
        }
    }

    Connection connection() {
        return connection;
    }
}
