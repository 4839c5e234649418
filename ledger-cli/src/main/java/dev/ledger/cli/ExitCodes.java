package dev.ledger.cli;

/** The exit statuses of {@code cli.md}, the same for every subcommand. */
public final class ExitCodes {

    /** The work is done. */
    public static final int DONE = 0;
    /** The work is done but found a problem that it reports (a rejection under {@code --strict}, a failed check). */
    public static final int PROBLEM_REPORTED = 1;
    /** Bad usage, or bad input that was not applied, or a failure that stopped the work. */
    public static final int BAD_INPUT = 2;

    private ExitCodes() {
    }
}
