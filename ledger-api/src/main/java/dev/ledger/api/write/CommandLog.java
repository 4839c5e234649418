package dev.ledger.api.write;

import dev.ledger.api.Outcome;
import dev.ledger.api.store.OneShotStatements;
import dev.ledger.api.store.StoreException;
import dev.ledger.domain.value.RejectionCode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The ledger's memory of command ids: for every id, the fingerprint of the command's content and its
 * first outcome. Written in the same transaction as the command's events, so an id is recorded if and
 * only if its outcome is; that is what makes idempotency hold across restarts and crashes.
 */
final class CommandLog {

    static final String ACCEPTED = "ACCEPTED";
    /** Characters of a rejection message kept (the column's size). */
    static final int MESSAGE_LIMIT = 2000;
    /** Ids looked up per statement. */
    private static final int LOOKUP_CHUNK = 500;

    /** A command id's record. */
    record Entry(String commandId, String commandType, String fingerprint, Outcome outcome) {
    }

    /** The records of those of {@code ids} that were seen before. */
    Map<String, Entry> find(Connection connection, Collection<String> ids) throws SQLException {
        Map<String, Entry> found = new HashMap<>();
        Iterator<String> remaining = ids.iterator();
        while (remaining.hasNext()) {
            List<String> chunk = new java.util.ArrayList<>(LOOKUP_CHUNK);
            while (remaining.hasNext() && chunk.size() < LOOKUP_CHUNK) {
                chunk.add(remaining.next());
            }
            String placeholders = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement query = OneShotStatements.prepare(connection,
                    "SELECT command_id, command_type, fingerprint, outcome, message FROM ledger_command_log"
                            + " WHERE command_id IN (" + placeholders + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    query.setString(i + 1, chunk.get(i));
                }
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        Entry entry = read(rows);
                        found.put(entry.commandId(), entry);
                    }
                }
            }
        }
        return found;
    }

    /** Deletes the recorded refusals of {@code ids} (an accepted record is never deleted here). */
    void forgetRefusals(Connection connection, List<String> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM ledger_command_log WHERE command_id = ? AND outcome <> '" + ACCEPTED + "'")) {
            for (String id : ids) {
                delete.setString(1, id);
                delete.addBatch();
            }
            delete.executeBatch();
        }
    }

    void insert(Connection connection, List<Entry> entries, long recordedAtMillis) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO ledger_command_log (command_id, command_type, fingerprint, outcome, message, recorded_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?)")) {
            for (Entry entry : entries) {
                insert.setString(1, entry.commandId());
                insert.setString(2, entry.commandType());
                insert.setString(3, entry.fingerprint());
                if (entry.outcome() instanceof Outcome.Rejected rejected) {
                    insert.setString(4, rejected.code().name());
                    insert.setString(5, recordable(rejected.message()));
                } else if (entry.outcome() instanceof Outcome.Accepted) {
                    insert.setString(4, ACCEPTED);
                    insert.setString(5, null);
                } else {
                    throw new IllegalStateException("only first outcomes are recorded, not " + entry.outcome());
                }
                insert.setLong(6, recordedAtMillis);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static Entry read(ResultSet row) throws SQLException {
        String id = row.getString("command_id");
        String outcome = row.getString("outcome");
        Outcome first;
        if (ACCEPTED.equals(outcome)) {
            first = new Outcome.Accepted(id);
        } else {
            RejectionCode code;
            try {
                code = RejectionCode.valueOf(outcome);
            } catch (IllegalArgumentException e) {
                throw new StoreException("ledger_command_log holds an unknown outcome '" + outcome + "' for " + id);
            }
            String message = row.getString("message");
            first = new Outcome.Rejected(id, code, message == null ? "" : message);
        }
        return new Entry(id, row.getString("command_type"), row.getString("fingerprint"), first);
    }

    /**
     * A rejection message as the log can keep it: U+0000 written out as the text {@code \\u0000}
     * (PostgreSQL cannot store it in text) and at most 2000 characters. The writer reports a refusal
     * with this same text, so a duplicate reports exactly what the first outcome said.
     */
    static String recordable(String message) {
        String text = message.indexOf('\u0000') < 0 ? message : message.replace("\u0000", "\\u0000");
        if (text.length() <= MESSAGE_LIMIT) {
            return text;
        }
        int cut = MESSAGE_LIMIT - 3;
        if (Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut--; // never split a character in two
        }
        return text.substring(0, cut) + "...";
    }
}
