package dev.ledger.cli;

import dev.ledger.api.read.ReadModelLagException;
import dev.ledger.api.store.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;

/**
 * Turns every failure into one line on standard error and an exit status: bad usage and failures
 * exit 2 ({@link ExitCodes#BAD_INPUT}). With the environment variable {@code LEDGER_DEBUG} set, the
 * stack trace follows the line.
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {

    static final String DEBUG_VARIABLE = "LEDGER_DEBUG";

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        String name = command.getCommandSpec().qualifiedName();
        PrintWriter err = command.getErr();
        err.println(name + ": " + ex.getMessage() + "; run '" + name + " --help' for usage");
        err.flush();
        return ExitCodes.BAD_INPUT;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) {
        String name = command.getCommandSpec().qualifiedName();
        PrintWriter err = command.getErr();
        int exitCode = ExitCodes.BAD_INPUT;
        if (ex instanceof CliFailure failure) {
            err.println(failure.getMessage());
            exitCode = failure.exitCode();
        } else if (ex instanceof StoreException) {
            err.println(name + ": the store failed: " + rootMessage(ex)
                    + "; check --db (or LEDGER_DB_URL) and that the database is reachable and not in use by another process");
        } else if (ex instanceof ReadModelLagException) {
            err.println(name + ": " + ex.getMessage() + "; the commands are durable, query again once the read models catch up");
        } else {
            err.println(name + ": failed: " + ex.getClass().getSimpleName() + ": " + rootMessage(ex)
                    + "; set " + DEBUG_VARIABLE + "=1 to see the stack trace");
        }
        if (System.getenv(DEBUG_VARIABLE) != null) {
            ex.printStackTrace(err);
        }
        err.flush();
        return exitCode;
    }

    /** The message of the deepest cause, which usually says what the database or the JVM objected to. */
    static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
