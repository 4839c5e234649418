package dev.ledger.domain.support;

import java.util.Collection;

/**
 * Brings many aggregates into memory at once, before a command touches each of them: a lead trade mirrored
 * to thousands of copiers reads their accounts in a few bulk reads instead of one read per copier. Those
 * already in memory are left as they are; ids that have no events are skipped.
 */
@FunctionalInterface
public interface AggregatePreloader {

    void preload(Collection<String> aggregateIds);

    /** Loads nothing in advance: each aggregate is read when it is first touched. */
    AggregatePreloader NONE = ids -> {
    };
}
