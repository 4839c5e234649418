package dev.ledger.api.store;

/**
 * One reader's view of the gaps in the global index ahead of it (see {@link CommitHorizon}): which it may pass
 * over, and which it must wait at because a transaction in flight may still fill them. Remembers, for a gap it
 * had to stop at, the {@code xmax} of the snapshot that saw the events beyond it: once no transaction below that
 * is in flight, every gap up to those events is final. Never waits itself, so a reader may use it inside a
 * transaction of its own. Not thread-safe: one per reader.
 */
public final class GapWatch {

    /** The first global index the event table's identity column gives (the schema's default: 1). */
    private static final long FIRST_INDEX = 1;

    /** The {@code xmax} to wait for, or -1 when the reader is not stopped at a gap. */
    private long waitFor = -1;
    /** The highest index the snapshot with {@link #waitFor} saw: every gap up to it is final once it has passed. */
    private long finalThroughOnceSettled = -1;
    private boolean blocked;

    /**
     * How many of the events a read returned (their global indexes in ascending order, all after {@code after})
     * the reader may take: those up to the first gap that may still fill.
     *
     * @param xmax    the read's snapshot {@code xmax}
     * @param horizon the read's snapshot horizon: the oldest other transaction in flight, or {@code xmax}
     */
    public int passable(long after, long[] indexes, int count, long xmax, long horizon) {
        long finalThrough = after;
        if (horizon >= xmax) {
            // Nothing else was in flight: every index below what this snapshot saw has been written or never will be.
            finalThrough = Long.MAX_VALUE;
        } else if (waitFor >= 0 && horizon >= waitFor) {
            finalThrough = Math.max(finalThrough, finalThroughOnceSettled);
        }
        int taken = 0;
        long expected = Math.max(after + 1, FIRST_INDEX);
        while (taken < count && (indexes[taken] == expected || indexes[taken] <= finalThrough)) {
            expected = indexes[taken] + 1;
            taken++;
        }
        blocked = taken < count;
        if (!blocked) {
            waitFor = -1;
        } else if (waitFor < 0 || horizon >= waitFor) {
            waitFor = xmax;
            finalThroughOnceSettled = indexes[count - 1];
        }
        return taken;
    }

    /** The reader skipped a round without reading (another process held its read model): nothing to wait for. */
    public void skipped() {
        blocked = false;
    }

    /** Whether the last read stopped at a gap that a transaction in flight may still fill. */
    public boolean blocked() {
        return blocked;
    }

    /**
     * While {@link #blocked()}: the transaction id the reader waits for every transaction below to end (the
     * {@code xmax} of the read that first saw the gap).
     */
    public long waitFor() {
        return waitFor;
    }
}
