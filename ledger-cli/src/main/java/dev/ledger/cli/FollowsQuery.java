package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.projections.copy.FollowsView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Instant;

@Command(name = "follows", description = {
        "Shows whom a user's COPY account follows or followed: per leader the latest follow (state, end reason, "
                + "close, settings, profit-share rate), the lead trades copied, clipped and skipped over all follows, "
                + "the open positions, and per asset margin in use, realized PnL, fees, funding, net and unrealized "
                + "PnL, high-water mark, profit share paid and owed.",
        "A user who never followed anyone has an empty list."})
final class FollowsQuery extends ViewQuery<FollowsView> {

    @Parameters(paramLabel = "USER", description = "the copier, e.g. bob")
    String user;

    @Option(names = "--at", paramLabel = "T", converter = IsoInstant.class,
            description = "answer as of T, an instant (2026-01-31T12:00:00Z, or with an offset) or a date (2026-01-31: "
                    + "its start in UTC), from the events stamped up to it")
    Instant at;

    @Override
    void checkParameters() {
        checkUser(user, "USER");
    }

    @Override
    boolean needsReadModels() {
        return at == null;
    }

    @Override
    FollowsView find(Ledger ledger) {
        return at == null ? ledger.follows(user) : ledger.followsAt(user, at);
    }

    @Override
    void printTable(FollowsView view, PrintWriter out) {
        ViewText.follows(view, out);
    }
}
