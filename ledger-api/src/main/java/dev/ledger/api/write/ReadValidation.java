package dev.ledger.api.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * Makes several writers on one database safe. A writer decides on aggregates from its cache; another
 * node may have changed them since. Just before a group commits (and before its own events are
 * appended), once the group holds its append locks ({@link dev.ledger.api.store.AppendLocks#lockForGroup}), this
 * checks that every aggregate the group only read still has the version it was read at. Holding the locks until
 * the commit, no other writer can append to those aggregates in between, so the group's decisions (acceptances
 * and refusals alike) were made on current state; if one was not, the group is retried on fresh state. On a
 * single writer the check always passes: one indexed query per aggregate read.
 */
final class ReadValidation {

    /** An aggregate changed under a group's feet; the group is retried without the aggregates it touched in the cache. */
    static final class StaleRead extends RuntimeException {
        StaleRead(String aggregate, long read) {
            super("aggregate " + aggregate + " was read at version " + read + " but the store holds a later event"
                    + " (another writer changed it)", null, false, false);
        }
    }

    private ReadValidation() {
    }

    static void check(Connection connection, Map<String, Long> versionsRead) throws SQLException {
        if (versionsRead.isEmpty()) {
            return;
        }
        // Stale exactly when the aggregate has an event after the version read (events are numbered without
        // gaps and never deleted): one lookup in the (aggregate, sequence number) index per aggregate, however
        // long its history (the market's, read by every fill, grows with every mark tick).
        try (PreparedStatement next = connection.prepareStatement(
                "SELECT 1 FROM domainevententry WHERE aggregateidentifier = ? AND sequencenumber = ?")) {
            for (Map.Entry<String, Long> read : versionsRead.entrySet()) {
                next.setString(1, read.getKey());
                next.setLong(2, read.getValue() + 1);
                try (ResultSet row = next.executeQuery()) {
                    if (row.next()) {
                        throw new StaleRead(read.getKey(), read.getValue());
                    }
                }
            }
        }
    }
}
