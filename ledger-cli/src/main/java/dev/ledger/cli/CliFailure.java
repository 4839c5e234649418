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
        this(message, exitCode, null);
    }

    /** A failure whose cause {@code --verbose} shows as a stack trace. */
    CliFailure(String message, Throwable cause) {
        this(message, ExitCodes.BAD_INPUT, cause);
    }

    CliFailure(String message, int exitCode, Throwable cause) {
        super(message, cause, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
