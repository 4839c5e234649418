package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.projections.copy.FollowersView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Instant;

@Command(name = "followers", description = {
        "Shows a leader's terms (profit-share rate, follower limit), its active followers, and each copier that ever "
                + "followed it, sorted by copier, with the pair's figures per asset.",
        "A user who has set no leader terms exits with status 2 and NOT_A_LEADER on standard error."})
final class FollowersQuery extends ViewQuery<FollowersView> {

    static final int MAX_LIMIT = 1_000_000;

    @Parameters(paramLabel = "USER", description = "the leader, e.g. alice")
    String user;

    @Option(names = "--limit", paramLabel = "N", description = "list only the first N followers by copier name (1 to "
            + MAX_LIMIT + "; default: all)")
    Integer limit;

    @Option(names = "--at", paramLabel = "T", converter = IsoInstant.class,
            description = "answer as of T, an instant (2026-01-31T12:00:00Z, or with an offset) or a date (2026-01-31: "
                    + "its start in UTC), from the events stamped up to it")
    Instant at;

    @Override
    void checkParameters() {
        checkUser(user, "USER");
        if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
            throw new CliFailure(spec.qualifiedName() + ": --limit " + limit + " is out of range; use 1 to " + MAX_LIMIT);
        }
    }

    @Override
    boolean needsReadModels() {
        return at == null;
    }

    @Override
    FollowersView find(Ledger ledger) {
        int n = limit == null ? MAX_LIMIT : limit;
        return (at == null ? ledger.followers(user, n) : ledger.followersAt(user, n, at)).orElseThrow(() ->
                new CliFailure(spec.qualifiedName() + ": NOT_A_LEADER: " + user + " has set no leader terms"
                        + (at == null ? "" : " by " + at) + " in the store at " + store.where()
                        + "; a leader starts with SetLeaderTerms"));
    }

    @Override
    void printTable(FollowersView view, PrintWriter out) {
        ViewText.followers(view, out);
    }
}
