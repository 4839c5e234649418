package dev.ledger.cli;

/**
 * Stops a subcommand with one line for standard error (what was wrong, where, what to do) and an
 * exit status. Thrown for expected faults of input or environment; {@link ErrorReporter} prints it.
 */
final class CliFailure extends RuntimeException {

    private final int exitCode;

    CliFailure(String message) {
        this(message, ExitCodes.BAD_INPUT);
    }

    CliFailure(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
