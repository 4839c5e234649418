package dev.ledger.projections.copy;

import dev.ledger.domain.value.FollowState;

import java.math.BigDecimal;
import java.util.List;

/** A leader's terms, how many follows are active, and its followers sorted by copier with their pair figures. */
public record FollowersView(String leader, BigDecimal profitShareRate, int maxFollowers, int activeFollowers,
                            List<Follower> followers) {

    public record Follower(String copier, FollowState state, List<FollowsView.PairFigures> assets) {
    }
}
