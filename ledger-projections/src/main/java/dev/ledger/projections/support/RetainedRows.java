package dev.ledger.projections.support;

/**
 * How many rows the tables of a replay may keep in memory between batches, all tables together. A
 * rebuild or a point-in-time replay writes tables that start empty and that nothing else writes, so a row
 * it wrote is known without reading it back: kept rows spare the replay one SELECT per row and batch. The
 * budget bounds the memory that costs; a table that has to let a row go falls back to reading the rows it
 * does not keep.
 */
public final class RetainedRows {

    /**
     * Heap allowed per kept row when the default budget is sized from the heap. A kept row (key, values, map
     * entry) takes a few hundred bytes to about 1 KiB, so the kept rows of a full budget take between an eighth
     * and a half of the heap.
     */
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

    /**
     * One row per 2 KiB of the maximum heap, at least 10,000 rows: with rows of a few hundred bytes to about
     * 1 KiB, an eighth to a half of the heap.
     */
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
