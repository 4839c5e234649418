package dev.ledger.api.feed;

import dev.ledger.api.audit.CloudEventRenderer;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a feed goes on from: the first event at or after {@code position} (a global index of the event
 * store), and the hash its CloudEvents line is chained to ({@code ledgerprevhash}).
 *
 * <p>Positions are the event store's global indexes. They rise strictly but are not contiguous: an append
 * that rolled back leaves a hole that no event ever fills, and a feed never passes a hole that an append still
 * in flight may fill (see {@link EventFeed}). So "every event at or after P" is exact, and a consumer that has handled the event
 * at position P resumes from {@code P + 1} — {@link FeedEvent#next()} gives exactly that cursor.
 *
 * <p>The hash matters only to the lines' {@code ledgerprevhash}/{@code ledgerhash}: every other attribute of
 * a line is the same whatever the cursor's hash. Lines of a feed started from position 0 with
 * {@link #start()} are byte for byte the lines of {@code ledger export --format cloudevents} (which adds a
 * trailer); a feed resumed from {@link FeedEvent#next()} goes on with the same chain. {@link #at(long)}
 * starts a new chain at the position (the genesis hash), as an export of only the events from there would.
 */
public record FeedCursor(long position, String prevHash) {

    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    public FeedCursor {
        if (position < 0) {
            throw new IllegalArgumentException("a feed position is a global index >= 0, got " + position);
        }
        Objects.requireNonNull(prevHash, "prevHash");
        if (!HASH.matcher(prevHash).matches()) {
            throw new IllegalArgumentException("prevHash must be 64 lowercase hex digits, got '" + prevHash + "'");
        }
    }

    /** From the first event of the store, the chain starting at genesis: the export's lines exactly. */
    public static FeedCursor start() {
        return new FeedCursor(0, CloudEventRenderer.GENESIS);
    }

    /** From the first event at or after {@code position}, its line chained to the genesis hash. */
    public static FeedCursor at(long position) {
        return new FeedCursor(position, CloudEventRenderer.GENESIS);
    }

    /** Whether the chain starts anew here (the genesis hash). */
    public boolean startsChain() {
        return CloudEventRenderer.GENESIS.equals(prevHash);
    }
}
