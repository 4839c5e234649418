package dev.ledger.api.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which events a reader may take past gaps in the global index, given the snapshot of each read. */
class GapWatchTest {

    private static int passable(GapWatch gaps, long after, long xmax, long horizon, long... indexes) {
        return gaps.passable(after, indexes, indexes.length, xmax, horizon);
    }

    @Test
    void takesEverythingWithoutGapsWhateverIsInFlight() {
        GapWatch gaps = new GapWatch();
        assertThat(passable(gaps, -1, 100, 90, 1, 2, 3)).isEqualTo(3);
        assertThat(gaps.blocked()).isFalse();
        assertThat(passable(gaps, 3, 100, 90, 4, 5)).isEqualTo(2);
        assertThat(passable(gaps, 5, 100, 90)).isZero();
        assertThat(gaps.blocked()).isFalse();
    }

    @Test
    void passesEveryGapWhenNoOtherTransactionIsInFlight() {
        GapWatch gaps = new GapWatch();
        // Index 1 is missing and 3, 6 too: rolled back, since nothing else was in flight (horizon == xmax).
        assertThat(passable(gaps, -1, 100, 100, 2, 4, 5, 7)).isEqualTo(4);
        assertThat(gaps.blocked()).isFalse();
    }

    @Test
    void stopsAtAGapWhileATransactionThatMayFillItIsInFlightAndPassesItOnceNoneIs() {
        GapWatch gaps = new GapWatch();
        // Index 3 is missing; transaction 95 (below xmax 100) is in flight and may hold it.
        assertThat(passable(gaps, 0, 100, 95, 1, 2, 4, 5)).isEqualTo(2);
        assertThat(gaps.blocked()).isTrue();
        // Still in flight (the horizon has not reached 100), though later writers came and went.
        assertThat(passable(gaps, 2, 130, 95, 4, 5, 6)).isZero();
        assertThat(gaps.blocked()).isTrue();
        // Transaction 95 ended without filling 3 (rolled back); 120 is in flight now, but it started after the
        // first read, so it cannot hold an index below 5: the reader passes 3, and stops at 7 (may be 120's).
        assertThat(passable(gaps, 2, 140, 120, 4, 5, 6, 8)).isEqualTo(3);
        assertThat(gaps.blocked()).isTrue();
        // 7 came (committed late) while 120 was in flight: no gap left.
        assertThat(passable(gaps, 6, 150, 149, 7, 8)).isEqualTo(2);
        assertThat(gaps.blocked()).isFalse();
    }

    @Test
    void aGapSeenBeyondWhatTheFirstBlockedReadSawWaitsForItsOwnHorizon() {
        GapWatch gaps = new GapWatch();
        assertThat(passable(gaps, 0, 100, 95, 1, 3)).isEqualTo(1);
        // The first gap (2) is settled now, but this read also sees a new gap (5) behind 4, with 110 in flight.
        assertThat(passable(gaps, 1, 120, 110, 3, 4, 6)).isEqualTo(2);
        assertThat(gaps.blocked()).isTrue();
        // 110 is still in flight: 5 is not passed, though the horizon is past the first gap's 100.
        assertThat(passable(gaps, 4, 125, 110, 6)).isZero();
        // Once 110 has ended, 5 is final.
        assertThat(passable(gaps, 4, 130, 125, 6)).isEqualTo(1);
        assertThat(gaps.blocked()).isFalse();
    }

    @Test
    void theFirstIndexIsOneSoAnEmptyStoreHasNoGapBeforeIt() {
        GapWatch gaps = new GapWatch();
        assertThat(passable(gaps, -1, 100, 50, 1)).isEqualTo(1);
        assertThat(passable(new GapWatch(), -1, 100, 50, 2)).isZero();
    }

    @Test
    void aSkippedRoundIsNotBlocked() {
        GapWatch gaps = new GapWatch();
        assertThat(passable(gaps, 0, 100, 95, 2)).isZero();
        assertThat(gaps.blocked()).isTrue();
        gaps.skipped();
        assertThat(gaps.blocked()).isFalse();
    }
}
