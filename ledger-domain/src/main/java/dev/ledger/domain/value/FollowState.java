package dev.ledger.domain.value;

/** Whether a follow copies the leader's trades. */
public enum FollowState {
    ACTIVE, ENDED
}
