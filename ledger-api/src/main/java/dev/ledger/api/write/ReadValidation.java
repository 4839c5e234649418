package dev.ledger.api.write;

import dev.ledger.api.store.LedgerStore;
import dev.ledger.domain.support.EventSourcedAggregates;

import dev.ledger.api.store.OneShotStatements;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes several writers on one database safe. A writer decides on aggregates from its cache; another
 * node may have changed them since. Just before a group commits (and before its own events are
 * appended) this takes the append lock and checks that every aggregate the group read still has the
 * version it was read at. Holding the lock until the commit, no other writer can append in between,
 * so the group's decisions (acceptances and refusals alike) were made on current state; if one was
 * not, the group is retried on fresh state. On a single writer the check always passes: one lock and
 * one indexed query per group.
 */
final class ReadValidation {

    private static final int CHUNK = 500;

    /** An aggregate changed under a group's feet; the group is retried with the cache cleared. */
    static final class StaleRead extends RuntimeException {
        StaleRead(String aggregate, long read, long stored) {
            super("aggregate " + aggregate + " was read at version " + read + " but is at " + stored
                    + " in the store (another writer changed it)", null, false, false);
        }
    }

    private ReadValidation() {
    }

    static void check(Connection connection, Map<String, Long> versionsRead) throws SQLException {
        if (versionsRead.isEmpty()) {
            return;
        }
        LedgerStore.appendLock(connection);
        List<String> ids = new ArrayList<>(versionsRead.keySet());
        Map<String, Long> stored = new HashMap<>();
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            String placeholders = String.join(",", Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement query = OneShotStatements.prepare(connection,
                    "SELECT aggregateidentifier, MAX(sequencenumber) FROM domainevententry"
                            + " WHERE aggregateidentifier IN (" + placeholders + ") GROUP BY aggregateidentifier")) {
                for (int i = 0; i < chunk.size(); i++) {
                    query.setString(i + 1, chunk.get(i));
                }
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        stored.put(rows.getString(1), rows.getLong(2));
                    }
                }
            }
        }
        for (Map.Entry<String, Long> read : versionsRead.entrySet()) {
            long now = stored.getOrDefault(read.getKey(), EventSourcedAggregates.ABSENT);
            if (now != read.getValue()) {
                throw new StaleRead(read.getKey(), read.getValue(), now);
            }
        }
    }
}
