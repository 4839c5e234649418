package dev.ledger.projections.support;

/**
 * How many rows the tables of a replay may keep in memory between batches, all tables together. A
 * rebuild or a point-in-time replay writes tables that start empty and that nothing else writes, so a row
 * it wrote is known without reading it back: kept rows spare the replay one SELECT per row and batch. The
 * budget bounds the memory that costs; a table that has to let a row go falls back to reading the rows it
 * does not keep.
 */
public final class RetainedRows {

    /** Rough memory of one kept row (key, values, map entry), to size the default budget from the heap. */
    private static final long BYTES_PER_ROW = 2_048;
    private static final long MINIMUM = 10_000;

    private final long budget;
    private long kept;

    public RetainedRows(long budget) {
        if (budget < 0) {
            throw new IllegalArgumentException("budget must not be negative: " + budget);
        }
        this.budget = budget;
    }

    /** A budget of about an eighth of the heap (at most one row per 2 KiB of the maximum heap), at least 10,000 rows. */
    public static RetainedRows sizedToHeap() {
        return new RetainedRows(Math.max(MINIMUM, Runtime.getRuntime().maxMemory() / BYTES_PER_ROW));
    }

    /** Nothing kept: every row is read from its table. */
    public static RetainedRows none() {
        return new RetainedRows(0);
    }

    public long budget() {
        return budget;
    }

    public synchronized long kept() {
        return kept;
    }

    synchronized boolean reserve() {
        if (kept < budget) {
            kept++;
            return true;
        }
        return false;
    }

    synchronized void release(long rows) {
        kept -= rows;
    }
}
