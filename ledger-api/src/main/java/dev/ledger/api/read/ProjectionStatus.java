package dev.ledger.api.read;

import java.time.Instant;

/**
 * The state of one read model.
 *
 * @param name       the read model (also its projection's name)
 * @param running    whether this process runs it
 * @param position   the global index of the last event applied to it (-1 before the first)
 * @param head       the global index of the last event in the store (-1 when it is empty)
 * @param owner      the process that last moved it (node id), or null before anyone did
 * @param progressAt when it last moved, or null before it did
 * @param error      what stops it in this process right now (it retries), or null
 * @param recoveries how often this process got it going again after a stall
 * @param applying   whether some process (this one or another) was applying events to it when asked
 */
public record ProjectionStatus(String name, boolean running, long position, long head, String owner, Instant progressAt,
                               String error, long recoveries, boolean applying) {

    /** Events stored that the read model has not applied yet. */
    public long lag() {
        return Math.max(0, head - position);
    }
}
