package dev.ledger.domain.copy;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.domain.command.CommandRejectedException;
import dev.ledger.domain.event.FollowerJoined;
import dev.ledger.domain.event.FollowerLeft;
import dev.ledger.domain.event.FollowerReleased;
import dev.ledger.domain.event.LeaderTermsSet;
import dev.ledger.domain.value.FollowEndReason;
import dev.ledger.domain.value.RejectionCode;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * An elite trader's book of followers: the terms it offers, the copiers whose follows are active, the
 * copiers whose ended follows still hold positions that follow the leader's closes, and every copier that
 * ever followed (the pairs a profit-share settlement visits). A lead trade asks the book whom to mirror to;
 * the book holds no money and no positions, so what one copier does never waits on another's state.
 * Its aggregate identifier is {@code USER:LEADER}.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class LeaderBook {

    @AggregateIdentifier
    private String bookId;
    private String leader;
    private BigDecimal profitShareRate;
    private int maxFollowers;
    private final TreeSet<String> active = new TreeSet<>();
    private final TreeSet<String> winding = new TreeSet<>();
    private final TreeSet<String> pairs = new TreeSet<>();

    /** For Axon, which rebuilds the book from its events. */
    protected LeaderBook() {
    }

    /** A new book with its first terms. */
    public LeaderBook(String leader, BigDecimal profitShareRate, int maxFollowers) {
        apply(new LeaderTermsSet(leader, profitShareRate, maxFollowers));
    }

    /** The book's aggregate identifier for a user. */
    public static String idOf(String leader) {
        return leader + ":LEADER";
    }

    public void setTerms(BigDecimal profitShareRate, int maxFollowers) {
        apply(new LeaderTermsSet(leader, profitShareRate, maxFollowers));
    }

    /** Refuses a new follow when {@code maxFollowers} follows are active (lowering the limit ends nobody). */
    public void requireRoom() {
        if (active.size() >= maxFollowers) {
            throw new CommandRejectedException(RejectionCode.FOLLOWER_LIMIT, leader + " has " + active.size()
                    + " active followers and takes at most " + maxFollowers);
        }
    }

    public void join(String copier) {
        if (active.contains(copier)) {
            throw new IllegalStateException(copier + " already follows " + leader + " in the book");
        }
        apply(new FollowerJoined(leader, copier, active.size() + 1));
    }

    /** The copier's follow ended; {@code stillMirrored}: its positions of this leader keep following closes. */
    public void left(String copier, FollowEndReason reason, boolean stillMirrored) {
        if (!active.contains(copier)) {
            throw new IllegalStateException(copier + " has no active follow of " + leader + " in the book");
        }
        apply(new FollowerLeft(leader, copier, reason, stillMirrored, active.size() - 1));
    }

    /** An ended follow's copier holds no position of this leader any more. */
    public void release(String copier) {
        if (winding.contains(copier)) {
            apply(new FollowerReleased(leader, copier));
        }
    }

    // ---------------------------------------------------------------- reading

    public String leader() {
        return leader;
    }

    public BigDecimal profitShareRate() {
        return profitShareRate;
    }

    public int maxFollowers() {
        return maxFollowers;
    }

    public int activeFollowers() {
        return active.size();
    }

    /** The copiers a lead trade looks at, in copier-name order (Java's {@code String} order): active and winding. */
    public List<String> mirroredCopiers() {
        List<String> copiers = new ArrayList<>(active.size() + winding.size());
        Iterator<String> a = active.iterator();
        Iterator<String> w = winding.iterator();
        String nextActive = a.hasNext() ? a.next() : null;
        String nextWinding = w.hasNext() ? w.next() : null;
        while (nextActive != null || nextWinding != null) {
            if (nextWinding == null || (nextActive != null && nextActive.compareTo(nextWinding) < 0)) {
                copiers.add(nextActive);
                nextActive = a.hasNext() ? a.next() : null;
            } else {
                copiers.add(nextWinding);
                nextWinding = w.hasNext() ? w.next() : null;
            }
        }
        return copiers;
    }

    /** Every copier that ever followed this leader, in copier-name order. */
    public List<String> pairs() {
        return List.copyOf(pairs);
    }

    // ---------------------------------------------------------------- event sourcing

    @EventSourcingHandler
    void on(LeaderTermsSet event) {
        bookId = idOf(event.leader());
        leader = event.leader();
        profitShareRate = event.profitShareRate();
        maxFollowers = event.maxFollowers();
    }

    @EventSourcingHandler
    void on(FollowerJoined event) {
        active.add(event.copier());
        winding.remove(event.copier());
        pairs.add(event.copier());
    }

    @EventSourcingHandler
    void on(FollowerLeft event) {
        active.remove(event.copier());
        if (event.stillMirrored()) {
            winding.add(event.copier());
        }
    }

    @EventSourcingHandler
    void on(FollowerReleased event) {
        winding.remove(event.copier());
    }
}
