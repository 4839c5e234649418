package dev.ledger.domain.testing;

import dev.ledger.domain.migration.MigrationReminders;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link MigrationReminders} that remembers what was asked of it: every call in order, and the
 * reminders that would be pending now (what a persistent store would hold).
 */
public final class RecordingReminders implements MigrationReminders {

    private final List<String> calls = new ArrayList<>();
    private final Map<String, Instant> pending = new TreeMap<>();

    @Override
    public void schedule(String user, Instant dueAt) {
        calls.add("schedule " + user + " " + dueAt);
        pending.put(user, dueAt);
    }

    @Override
    public void cancel(String user) {
        calls.add("cancel " + user);
        pending.remove(user);
    }

    /** Every call, as {@code "schedule USER INSTANT"} or {@code "cancel USER"}, in order. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    /** The reminders pending now, per user. */
    public Map<String, Instant> pending() {
        return Map.copyOf(pending);
    }

    public void clear() {
        calls.clear();
    }
}
