package dev.ledger.api.history;

import dev.ledger.api.store.LedgerStore;
import dev.ledger.domain.event.FollowerJoined;
import dev.ledger.domain.market.Market;
import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.AccountType;
import dev.ledger.projections.balance.BalanceProjection;
import dev.ledger.projections.balance.BalanceView;
import dev.ledger.projections.balance.FindBalance;
import dev.ledger.projections.copy.CopiesProjection;
import dev.ledger.projections.copy.CopiesView;
import dev.ledger.projections.copy.FindCopies;
import dev.ledger.projections.copy.FindFollowers;
import dev.ledger.projections.copy.FindFollows;
import dev.ledger.projections.copy.FollowersView;
import dev.ledger.projections.copy.FollowsProjection;
import dev.ledger.projections.copy.FollowsView;
import dev.ledger.projections.performance.FindPerformance;
import dev.ledger.projections.performance.PerformanceProjection;
import dev.ledger.projections.performance.PerformanceView;
import dev.ledger.projections.risk.FindRisk;
import dev.ledger.projections.risk.RiskQueries;
import dev.ledger.projections.risk.RiskView;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Answers the balance, risk and performance views of an account as of an instant, from the events
 * (not from current state): the account's events and the market's events stamped at or before that
 * instant are replayed, through the very projections that build the live read models, into a scratch
 * in-memory database, and the live query code answers from there.
 *
 * <p>A long stream is not replayed from its start: the replay starts from the stream's latest
 * {@link HistoryCheckpoints history checkpoint} before the instant, so it covers at most one checkpoint
 * interval of each stream. The copies view is the exception: its rows are one per copied trade, which
 * checkpoints do not keep, so it replays the copier's whole COPY account.
 */
public final class PointInTimeQueries {

    private final LedgerStore store;
    private final HistoryCheckpoints checkpoints;

    public PointInTimeQueries(LedgerStore store, HistoryCheckpoints checkpoints) {
        this.store = Objects.requireNonNull(store, "store");
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
    }

    public Optional<BalanceView> balance(String account, Instant at) {
        return answer(account, at, scratch -> ((BalanceProjection) scratch.projection(BalanceProjection.NAME))
                .handle(new FindBalance(account)));
    }

    public Optional<RiskView> risk(String account, Instant at) {
        return answer(account, at, scratch -> new RiskQueries(scratch.transactions()).handle(new FindRisk(account)));
    }

    public Optional<PerformanceView> performance(String account, Instant at) {
        return answer(account, at, scratch -> ((PerformanceProjection) scratch.projection(PerformanceProjection.NAME))
                .handle(new FindPerformance(account)));
    }

    /** A copier's follows as of {@code at}, from its COPY account's events and the market's. */
    public FollowsView follows(String copier, Instant at) {
        String account = AccountId.of(copier, AccountType.COPY).toString();
        return answer(List.of(account), at, true, scratch -> Optional.of(((FollowsProjection) scratch.projection(FollowsProjection.NAME))
                .handle(new FindFollows(copier)))).orElseThrow();
    }

    /** A copier's copy outcomes as of {@code at}, from its COPY account's events (all of them: see the class comment). */
    public CopiesView copies(String copier, String leader, Instant at) {
        String account = AccountId.of(copier, AccountType.COPY).toString();
        return answer(List.of(account), at, false, scratch -> Optional.of(((CopiesProjection) scratch.projection(CopiesProjection.NAME))
                .handle(new FindCopies(copier, leader)))).orElseThrow();
    }

    /**
     * A leader's terms and followers as of {@code at}: its book's events, the COPY account events of every
     * copier the book names by then, and the market's. Empty when the leader had no terms yet.
     */
    public Optional<FollowersView> followers(String leader, int limit, Instant at) {
        String book = leader + ":LEADER";
        List<String> streams = new ArrayList<>();
        streams.add(book);
        store.eventStorage().readEvents(book).asStream()
                .filter(event -> !event.getTimestamp().isAfter(at))
                .map(event -> event.getPayload() instanceof FollowerJoined joined ? joined.copier() : null)
                .filter(Objects::nonNull).distinct()
                .forEach(copier -> streams.add(AccountId.of(copier, AccountType.COPY).toString()));
        return answer(streams, at, true, scratch -> ((FollowsProjection) scratch.projection(FollowsProjection.NAME))
                .handle(new FindFollowers(leader, limit)));
    }

    private <T> Optional<T> answer(String account, Instant at, Function<ScratchReplay, Optional<T>> query) {
        Objects.requireNonNull(account, "account");
        return answer(List.of(account), at, true, query);
    }

    private <T> Optional<T> answer(List<String> streams, Instant at, boolean fromCheckpoints,
                                   Function<ScratchReplay, Optional<T>> query) {
        Objects.requireNonNull(at, "at");
        List<String> replayed = new ArrayList<>(streams.size() + 1);
        replayed.add(Market.ID);
        replayed.addAll(streams);
        try (ScratchReplay scratch = ScratchReplay.create()) {
            long format = ScratchState.format();
            for (String stream : replayed) {
                long from = 0;
                if (fromCheckpoints) {
                    checkpoints.catchUp(stream, format);
                    Optional<HistoryCheckpoints.Checkpoint> checkpoint = checkpoints.latest(stream, at, format);
                    if (checkpoint.isPresent()) {
                        scratch.restore(checkpoint.get().state());
                        from = checkpoint.get().sequence() + 1;
                    }
                }
                scratch.replay(store.eventStorage(), stream, from, at, null);
            }
            return query.apply(scratch);
        }
    }
}
