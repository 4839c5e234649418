package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.projections.migration.MigrationState;
import dev.ledger.projections.migration.MigrationView;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * What became of a set of {@code StartMigration} commands, per user, for {@code migrate start} and
 * {@code migrate wave}: the outcome, and the user's migration right after (completed at once, or
 * waiting for COPY/ELITE positions to close). Printed as lines or, as JSON, as {@link Report}.
 */
final class MigrationStarts {

    /** The command id of a user's start: the same on every run, so running again starts nobody twice. */
    static final String ID_PREFIX = "migrate-start:";

    /**
     * @param started        accepted starts
     * @param completedAtOnce accepted starts whose migration completed in the same command (no COPY/ELITE position open)
     * @param waiting        accepted starts now waiting for COPY/ELITE positions to close
     * @param alreadyStarted duplicates of an earlier run's accepted start
     * @param refused        starts refused now (a refused start is not recorded, so each run decides it again)
     */
    record Report(int started, int completedAtOnce, int waiting, int alreadyStarted, int refused, List<UserStart> users) {
        Report {
            users = List.copyOf(users);
        }
    }

    /**
     * One user's start. {@code outcome} is ACCEPTED, DUPLICATE (an earlier run's accepted start) or REJECTED
     * (refused now; refused starts are not recorded); {@code code}/{@code message} are the refusal's.
     */
    record UserStart(String user, String outcome, String code, String message, MigrationState state,
                     int openCopyPositions, int openElitePositions, Instant startedAt, Instant completedAt) {
    }

    private MigrationStarts() {
    }

    static String commandId(String user) {
        return ID_PREFIX + user;
    }

    /** The user a start command was for, from its id. */
    static String userOf(Outcome outcome) {
        String id = outcome.commandId();
        if (!id.startsWith(ID_PREFIX)) {
            throw new IllegalStateException("a migration start with an id not of the form " + ID_PREFIX + "USER: " + id);
        }
        return id.substring(ID_PREFIX.length());
    }

    /**
     * The report of {@code outcomes}, with each user's migration as the read models show it now.
     *
     * @param sentAt when the commands were sent: a migration completed since then completed "at once"
     */
    static Report report(Ledger ledger, List<Outcome> outcomes, Instant sentAt) {
        List<UserStart> users = new ArrayList<>();
        int started = 0;
        int completedAtOnce = 0;
        int waiting = 0;
        int alreadyStarted = 0;
        int refused = 0;
        for (Outcome outcome : outcomes) {
            String user = userOf(outcome);
            MigrationView migration = ledger.migration(user);
            String code = null;
            String message = null;
            if (outcome.decisive() instanceof Outcome.Rejected rejected) {
                code = rejected.code().name();
                message = rejected.message();
                refused++;
            } else if (outcome instanceof Outcome.Duplicate) {
                alreadyStarted++;
            } else {
                started++;
                if (migration.state() == MigrationState.COMPLETED && since(migration.completedAt(), sentAt)) {
                    completedAtOnce++;
                } else if (migration.state() == MigrationState.WAITING) {
                    waiting++;
                }
            }
            users.add(new UserStart(user, outcomeName(outcome), code, message, migration.state(),
                    migration.openCopyPositions(), migration.openElitePositions(), migration.startedAt(),
                    migration.completedAt()));
        }
        return new Report(started, completedAtOnce, waiting, alreadyStarted, refused, users);
    }

    /** The instant the commands are sent, at the precision events are stamped with. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private static boolean since(Instant time, Instant sentAt) {
        return time != null && !time.isBefore(sentAt);
    }

    private static String outcomeName(Outcome outcome) {
        if (outcome instanceof Outcome.Accepted) {
            return "ACCEPTED";
        }
        return outcome instanceof Outcome.Duplicate ? "DUPLICATE" : "REJECTED";
    }

    /** One line per user, then the counts. */
    static void print(Report report, PrintWriter out) {
        int width = report.users().stream().mapToInt(u -> u.user().length()).max().orElse(0);
        for (UserStart user : report.users()) {
            out.println("  " + user.user() + " ".repeat(width - user.user().length()) + "  " + describe(user));
        }
        out.println(report.started() + " started (" + report.completedAtOnce() + " completed at once, "
                + report.waiting() + " waiting), " + report.alreadyStarted() + " already started by an earlier run, "
                + report.refused() + " refused");
    }

    private static String describe(UserStart user) {
        String state = switch (user.state()) {
            case COMPLETED -> "COMPLETED" + (user.completedAt() == null ? "" : " at " + user.completedAt());
            case WAITING -> "WAITING for " + positions(user) + " to close";
            case NOT_STARTED -> "NOT_STARTED";
        };
        return switch (user.outcome()) {
            case "ACCEPTED" -> "started: " + (user.state() == MigrationState.COMPLETED
                    ? "completed at once (no COPY or ELITE position open)" : state);
            // A duplicate is always of an accepted start: the ledger records no refused start.
            case "DUPLICATE" -> "already started by an earlier run (same id " + commandId(user.user()) + "); now " + state;
            default -> "refused " + user.code() + ": " + user.message();
        };
    }

    /** "1 COPY position", "2 ELITE positions", "1 COPY and 2 ELITE positions". */
    static String positions(int copy, int elite) {
        String copies = copy + " COPY";
        String elites = elite + " ELITE";
        String which = copy > 0 && elite > 0 ? copies + " and " + elites : copy > 0 ? copies : elite > 0 ? elites : "no";
        return which + (copy + elite == 1 ? " position" : " positions");
    }

    private static String positions(UserStart user) {
        return positions(user.openCopyPositions(), user.openElitePositions());
    }
}
