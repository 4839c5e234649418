package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.projections.copy.CopiesView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Instant;

@Command(name = "copies", description = {
        "Shows what each lead trade became for a user's COPY account, in the order of the lead trades: the lead "
                + "trade's command id, the leader, symbol, lead quantity, the quantity the copier booked, and the "
                + "outcome (COPIED, CLIPPED, SKIPPED) with its reason.",
        "A user who never followed anyone has an empty list."})
final class CopiesQuery extends ViewQuery<CopiesView> {

    @Parameters(paramLabel = "USER", description = "the copier, e.g. bob")
    String user;

    @Option(names = "--leader", paramLabel = "L", description = "only the lead trades of this leader")
    String leader;

    @Option(names = "--at", paramLabel = "T", converter = IsoInstant.class,
            description = "answer as of T, an instant (2026-01-31T12:00:00Z, or with an offset) or a date (2026-01-31: "
                    + "its start in UTC), from the events stamped up to it")
    Instant at;

    @Override
    void checkParameters() {
        checkUser(user, "USER");
        if (leader != null) {
            checkUser(leader, "--leader");
        }
    }

    @Override
    boolean needsReadModels() {
        return at == null;
    }

    @Override
    CopiesView find(Ledger ledger) {
        return at == null ? ledger.copies(user, leader) : ledger.copiesAt(user, leader, at);
    }

    @Override
    void printTable(CopiesView view, PrintWriter out) {
        ViewText.copies(view, out);
    }
}
